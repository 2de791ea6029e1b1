/**
 * What the bridge asks in its own terminal window:
 * - approving a web page's origin: the window names the site and asks for the 6-digit code the page
 *   displays. Typing the code (not just "y") proves the request comes from the page the user is
 *   looking at: a hidden page asking at the same moment has another code;
 * - a PIN, when the bridge takes PINs in its window (`pinEntry: 'helper'`), or when a page asks to log
 *   in and the bridge cannot tell that the try is not the key's last (the token says one try is left,
 *   or wrong PINs came before): the page's PIN is not used for a try that may lock the key.
 */
import { createInterface, type Interface } from 'node:readline/promises';
import { Writable, type Readable } from 'node:stream';

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
    write(
      `\n网站 ${origin} 请求使用您的UKey（数字证书）。\n` +
        '如果这是您正在使用的网站，请输入该网页上显示的6位确认码并回车；直接回车则拒绝。\n' +
        `The site ${origin} asks to use your key. Type the 6-digit code the page shows, or just press Enter to refuse.\n`,
    );
    write('确认码 / code: ');
    const answer = await readAnswer(input, signal, false);
    if (answer === null) {
      write(`\n已超时，拒绝 / timed out, refused: ${origin}\n`);
      return false;
    }
    const ok = answer.replace(/\s+/g, '') === code;
    write(ok ? `已允许 / approved: ${origin}\n` : `已拒绝 / refused: ${origin}\n`);
    return ok;
  };
}

/** A PIN the bridge asks for in its own window. */
export interface PinRequest {
  /** The origin of the page that asked to log in (or to change the PIN). */
  readonly origin: string;
  /** The certificate's label, as the page lists it. */
  readonly certificate: string;
  /** The key's serial (the CA锁ID platforms show). */
  readonly token: string;
  /**
   * What to ask for: the PIN to log in, the current PIN, the new PIN, or the new PIN again (a PIN
   * change asks the three in turn).
   */
  readonly ask: 'login' | 'old-pin' | 'new-pin' | 'repeat-new-pin';
  /** The key says it has one try left: a wrong PIN now locks it. */
  readonly finalTry: boolean;
  /**
   * A wrong PIN now may lock the key: it says so ({@link PinRequest.finalTry}), or wrong PINs came
   * before and the key does not say how many tries are left.
   */
  readonly mayBeFinalTry: boolean;
  /** Wrong PINs in a row on this key that the bridge saw (0 when none, or when they were typed elsewhere). */
  readonly wrongPins: number;
  /** Aborted when the request times out or the page goes away. */
  readonly signal: AbortSignal;
}

/** Asks the user for a PIN: the PIN, or null when the user refuses (an empty answer) or does not answer. */
export type PinPrompter = (request: PinRequest) => Promise<string | null>;

/**
 * Asks for a PIN in the terminal, in Chinese and English, naming the site and the certificate. On a
 * terminal the typed characters are not echoed; an empty answer cancels. One question per call: the
 * bridge asks one thing at a time.
 */
export function createTerminalPinPrompter(options: TerminalApproverOptions = {}): PinPrompter {
  const input = options.input ?? process.stdin;
  const write = options.write ?? ((text: string) => void process.stderr.write(text));
  return async ({ origin, certificate, token, ask, finalTry, mayBeFinalTry, wrongPins, signal }) => {
    if (ask === 'login' || ask === 'old-pin') {
      const what = ask === 'login' ? ['登录', 'sign in'] : ['修改UKey密码', 'change the PIN'];
      write(
        `\n网站 ${origin} 请求使用证书“${certificate}”（UKey ${token}）${what[0]}。\n` +
          '如果这是您正在进行的操作，请在此输入UKey' + (ask === 'login' ? '' : '当前') + '密码并回车（输入内容不显示）；直接回车则取消。\n' +
          `The site ${origin} asks to ${what[1]} with the certificate "${certificate}" (key ${token}). ` +
          `Type the key's ${ask === 'login' ? '' : 'current '}PIN here and press Enter (it is not shown), or just press Enter to cancel.\n`,
      );
      if (finalTry) write('注意：UKey密码只剩最后1次机会，输错将锁死UKey。\nWarning: one try left; a wrong PIN locks the key.\n');
      else if (mayBeFinalTry) {
        const before = wrongPins > 0 ? [`此前已连续输错${wrongPins}次密码，`, `${wrongPins} wrong PIN${wrongPins === 1 ? '' : 's'} in a row so far; `] : ['此前有输错密码的记录，', 'wrong PINs were entered before; '];
        write(
          `注意：${before[0]}UKey未告知剩余次数，这次输错可能锁死UKey。请确认密码后再输入。\n` +
            `Warning: ${before[1]}the key does not say how many tries are left, and a wrong PIN now may lock it.\n`,
        );
      }
    }
    const label = { login: 'UKey密码 / PIN', 'old-pin': '当前密码 / current PIN', 'new-pin': '新密码 / new PIN', 'repeat-new-pin': '再次输入新密码 / new PIN again' }[ask];
    write(`${label}: `);
    const answer = await readAnswer(input, signal, true);
    if (answer === null) {
      write(`\n已超时，取消 / timed out, cancelled: ${origin}\n`);
      return null;
    }
    write('\n');
    if (answer === '') {
      write(`已取消 / cancelled: ${origin}\n`);
      return null;
    }
    return answer;
  };
}

/** Discards what it is given: the echo of a secret answer. */
const discard = (): Writable => new Writable({ write: (_chunk, _encoding, done) => done() });

/**
 * Reads one line; null when `signal` aborts first. A secret on a terminal is read in raw mode with
 * its echo discarded; otherwise the line is read as the terminal (or pipe) delivers it. A secret keeps
 * its spaces; a code loses only its line end.
 */
async function readAnswer(input: Readable, signal: AbortSignal, secret: boolean): Promise<string | null> {
  const tty = secret && (input as Readable & { isTTY?: boolean }).isTTY === true;
  let rl: Interface | undefined;
  try {
    rl = tty ? createInterface({ input, output: discard(), terminal: true }) : createInterface({ input, terminal: false });
    // In raw mode Ctrl+C reaches readline, not the process: pass it on, so it still stops the bridge.
    if (tty) rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
    const answer = await rl.question('', { signal });
    return answer.replace(/\r$/u, '');
  } catch {
    return null;
  } finally {
    rl?.close();
  }
}
