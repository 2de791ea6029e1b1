/**
 * How the user approves a web page's origin: the bridge's terminal window names the site and asks for
 * the 6-digit code the page displays. Typing the code (not just "y") proves the request comes from
 * the page the user is looking at: a hidden page asking at the same moment has another code.
 */
import { createInterface } from 'node:readline/promises';
import type { Readable } from 'node:stream';

/** An approval the bridge asks for. */
export interface ApprovalRequest {
  /** The page's origin, e.g. `https://bid.example.gov.cn`. */
  readonly origin: string;
  /** The 6-digit code the page shows. */
  readonly code: string;
  /** Aborted when the request times out or the page goes away. */
  readonly signal: AbortSignal;
}

/** Decides an approval: true to approve the origin for this run of the bridge. */
export type Approver = (request: ApprovalRequest) => Promise<boolean>;

/** Options of {@link createTerminalApprover}. */
export interface TerminalApproverOptions {
  /** Where answers come from; default `process.stdin`. */
  readonly input?: Readable;
  /** Where the prompt goes; default `process.stderr`. */
  readonly write?: (text: string) => void;
}

/**
 * Asks in the terminal, in Chinese and English:
 *
 * ```
 * 网站 https://bid.example.gov.cn 请求使用您的UKey（数字证书）。
 * 如果这是您正在使用的网站，请输入该网页上显示的6位确认码并回车；直接回车则拒绝。
 * The site https://bid.example.gov.cn asks to use your key. Type the 6-digit code the page shows, or just press Enter to refuse.
 * 确认码 / code:
 * ```
 *
 * One wrong code refuses; the page may ask again.
 */
export function createTerminalApprover(options: TerminalApproverOptions = {}): Approver {
  const input = options.input ?? process.stdin;
  const write = options.write ?? ((text: string) => void process.stderr.write(text));
  return async ({ origin, code, signal }) => {
    const rl = createInterface({ input, terminal: false });
    try {
      write(
        `\n网站 ${origin} 请求使用您的UKey（数字证书）。\n` +
          '如果这是您正在使用的网站，请输入该网页上显示的6位确认码并回车；直接回车则拒绝。\n' +
          `The site ${origin} asks to use your key. Type the 6-digit code the page shows, or just press Enter to refuse.\n`,
      );
      write('确认码 / code: ');
      const answer = await rl.question('', { signal });
      const ok = answer.replace(/\s+/g, '') === code;
      write(ok ? `已允许 / approved: ${origin}\n` : `已拒绝 / refused: ${origin}\n`);
      return ok;
    } catch {
      write(`\n已超时，拒绝 / timed out, refused: ${origin}\n`);
      return false;
    } finally {
      rl.close();
    }
  };
}
