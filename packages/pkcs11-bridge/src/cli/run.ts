/**
 * The `yizheng-bridge` command: loads the vendor's PKCS#11 module, reads the allow-list, and serves
 * web pages on the loopback addresses until interrupted. Testable: every input and output is passed in.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { isYizhengError } from '@yizheng/core';
import { openPkcs11Module, type Pkcs11Module, type Sm2MechanismOptions } from '../pkcs11/module';
import { DEFAULT_BRIDGE_PORT } from '../protocol';
import { createTerminalApprover, createTerminalPinPrompter, type Approver, type PinPrompter } from '../server/approval';
import { startBridge, stderrLogger, type BridgeLogger, type BridgePinEntry, type RunningBridge } from '../server/bridge';

/** What the command reads and writes. */
export interface BridgeCliIo {
  /** Normal output. */
  readonly stdout: (text: string) => void;
  /** Logs, prompts and errors. */
  readonly stderr: (text: string) => void;
  /** Where approval codes are typed. */
  readonly stdin: Readable;
  /** Environment variables. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Replaces the terminal approver (tests). */
  readonly approver?: Approver;
  /** Replaces the terminal PIN prompt (tests). */
  readonly pinPrompter?: PinPrompter;
  /** Replaces the logger (tests). */
  readonly logger?: BridgeLogger;
}

/** The running command: stop it with `close`. */
export interface BridgeCliHandle {
  /** The bridge. */
  readonly bridge: RunningBridge;
  /** The module it serves. */
  readonly module: Pkcs11Module;
  /** Stops the bridge and unloads the module. */
  close(): Promise<void>;
}

/** The config file's shape (every field optional; flags win). */
export interface BridgeConfigFile {
  /** PKCS#11 module path. */
  readonly module?: string;
  /** Port. */
  readonly port?: number;
  /** Origins approved without asking. */
  readonly allowedOrigins?: readonly string[];
  /** Vendor SM2 mechanism (`mechanism` as a number or a `0x…` string). */
  readonly sm2?: { readonly mechanism: number | string; readonly input?: 'message' | 'digest'; readonly output?: 'raw' | 'der'; readonly userId?: string };
  /** Ask the user to approve other origins, and for the PIN on a key's last try, in the terminal (default true). */
  readonly prompt?: boolean;
  /** Where users type their PIN: `page` (default) or `helper` (this window; pages may not send PINs). */
  readonly pinEntry?: BridgePinEntry;
  /** The module raises CKF_USER_PIN_FINAL_TRY before a key's last try: a page may send the PIN again after one wrong PIN (default false). */
  readonly trustFinalTryFlag?: boolean;
}

const HELP = `yizheng-bridge: lets web pages use a PKCS#11 key (UKey) for CA login, through ws://127.0.0.1:${DEFAULT_BRIDGE_PORT}/yizheng
一证证书桥接程序：让网页通过本机使用 PKCS#11 UKey 进行CA登录。

usage: yizheng-bridge --module <vendor pkcs11 library> [options]

  --module <path>          the CA vendor's PKCS#11 library (or YIZHENG_PKCS11_MODULE, or "module" in the config)
  --port <n>               port on 127.0.0.1 and ::1 (default ${DEFAULT_BRIDGE_PORT})
  --allow-origin <origin>  approve a site without asking, e.g. https://bid.example.gov.cn (repeatable)
  --config <file>          JSON config (default: ~/.config/yizheng/bridge.json, or %APPDATA%\\yizheng\\bridge.json)
  --sm2-mechanism <id>     the vendor's SM2 signing mechanism, e.g. 0x8000xxxx (see the vendor's PKCS#11 manual)
  --sm2-input <kind>       message (the module hashes with SM3 and Z) or digest (Yizheng passes SM3(Z||M)); default message
  --sm2-output <kind>      raw (r||s, default) or der: what the module returns
  --pin-entry <where>      page (default: the web page's PIN field) or helper (the PIN is typed in this
                           window, never in the page; a key's PIN pad is used either way)
  --no-prompt              refuse every site not in the allow-list instead of asking in this window
                           (and refuse a page's PIN that may be the key's last try instead of asking here)
  --trust-final-try-flag   the module raises CKF_USER_PIN_FINAL_TRY before a key's last try (ask its
                           vendor): a page may send the PIN again after one wrong PIN; without it, after
                           any wrong PIN the PIN is asked in this window
  --list                   list the tokens and certificates, then exit
  --help, --version
`;

function defaultConfigPath(env: BridgeCliIo['env']): string {
  if (env['APPDATA'] && process.platform === 'win32') return join(env['APPDATA'], 'yizheng', 'bridge.json');
  return join(env['XDG_CONFIG_HOME'] ?? join(homedir(), '.config'), 'yizheng', 'bridge.json');
}

function parseMechanism(value: number | string): number {
  const n = typeof value === 'number' ? value : value.startsWith('0x') || value.startsWith('0X') ? Number.parseInt(value.slice(2), 16) : Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff) throw new Error(`bad SM2 mechanism id "${String(value)}"`);
  return n;
}

class UsageError extends Error {}

/**
 * Runs the command. Returns the running bridge, or an exit code when it finished (help, version,
 * list, or an error already printed).
 */
export async function runBridgeCli(argv: readonly string[], io: BridgeCliIo, version = '0.0.0'): Promise<BridgeCliHandle | number> {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: {
        module: { type: 'string' },
        port: { type: 'string' },
        'allow-origin': { type: 'string', multiple: true },
        config: { type: 'string' },
        'sm2-mechanism': { type: 'string' },
        'sm2-input': { type: 'string' },
        'sm2-output': { type: 'string' },
        'pin-entry': { type: 'string' },
        'no-prompt': { type: 'boolean' },
        'trust-final-try-flag': { type: 'boolean' },
        list: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    io.stderr(`yizheng-bridge: ${err instanceof Error ? err.message : String(err)}\n\n${HELP}`);
    return 2;
  }
  if (args.help) {
    io.stdout(HELP);
    return 0;
  }
  if (args.version) {
    io.stdout(`yizheng-bridge ${version}\n`);
    return 0;
  }
  let module: Pkcs11Module | undefined;
  try {
    const configPath = args.config ?? defaultConfigPath(io.env);
    let config: BridgeConfigFile = {};
    if (args.config !== undefined || existsSync(configPath)) {
      try {
        config = JSON.parse(readFileSync(configPath, 'utf8')) as BridgeConfigFile;
      } catch (err) {
        throw new UsageError(`cannot read the config file ${configPath}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const modulePath = args.module ?? io.env['YIZHENG_PKCS11_MODULE'] ?? config.module;
    if (!modulePath) throw new UsageError('no PKCS#11 module: pass --module <path to the vendor library>');
    const port = args.port !== undefined ? Number(args.port) : (config.port ?? DEFAULT_BRIDGE_PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`bad port "${args.port ?? String(config.port)}"`);
    const sm2Raw = args['sm2-mechanism'] ?? config.sm2?.mechanism;
    let sm2: Sm2MechanismOptions | undefined;
    if (sm2Raw !== undefined) {
      const input = args['sm2-input'] ?? config.sm2?.input ?? 'message';
      const output = args['sm2-output'] ?? config.sm2?.output ?? 'raw';
      if (input !== 'message' && input !== 'digest') throw new UsageError('--sm2-input must be message or digest');
      if (output !== 'raw' && output !== 'der') throw new UsageError('--sm2-output must be raw or der');
      try {
        sm2 = { mechanism: parseMechanism(sm2Raw), input, output, ...(config.sm2?.userId !== undefined && { userId: config.sm2.userId }) };
      } catch (err) {
        throw new UsageError(err instanceof Error ? err.message : String(err));
      }
    }
    const pinEntry = args['pin-entry'] ?? config.pinEntry ?? 'page';
    if (pinEntry !== 'page' && pinEntry !== 'helper') throw new UsageError('--pin-entry must be page or helper');
    const prompt = !args['no-prompt'] && config.prompt !== false;
    if (pinEntry === 'helper' && !prompt) throw new UsageError('--pin-entry helper asks for the PIN in this window: it cannot go with --no-prompt');
    module = await openPkcs11Module({ path: modulePath, ...(sm2 && { sm2 }) });
    if (args.list) {
      for (const slot of await module.listSlots()) {
        const t = slot.token;
        const what = !t ? 'no token' : t.initialized ? `${t.label} (serial ${t.serial}, ${t.manufacturer} ${t.model})` : 'token not initialised';
        io.stdout(`slot ${slot.slot}: ${what}\n`);
      }
      for (const c of await module.listCertificates()) {
        io.stdout(`  ${c.id}  ${c.label}  ${c.keyType} ${c.purpose}  ${c.certificate.subject.toString()}\n`);
      }
      await module.close();
      return 0;
    }
    const allowedOrigins = [...(config.allowedOrigins ?? []), ...(args['allow-origin'] ?? [])];
    const approver = prompt ? (io.approver ?? createTerminalApprover({ input: io.stdin, write: io.stderr })) : undefined;
    const pinPrompter = prompt ? (io.pinPrompter ?? createTerminalPinPrompter({ input: io.stdin, write: io.stderr })) : undefined;
    const bridge = await startBridge({
      module,
      port,
      allowedOrigins,
      pinEntry,
      trustFinalTryFlag: args['trust-final-try-flag'] === true || config.trustFinalTryFlag === true,
      ...(approver && { approver }),
      ...(pinPrompter && { pinPrompter }),
      logger: io.logger ?? stderrLogger(io.stderr),
    });
    io.stderr(
      `一证证书桥接程序已启动：${bridge.addresses.map((a) => `ws://${a}/yizheng`).join(' ')}\n` +
        `yizheng-bridge is running. Keep this window open while you sign in; press Ctrl+C to stop.\n` +
        (pinEntry === 'helper' ? '登录时请在本窗口输入UKey密码，不要在网页中输入。/ Type your key PIN in this window when you sign in, never in a web page.\n' : ''),
    );
    const opened = module;
    return {
      bridge,
      module: opened,
      async close() {
        await bridge.close();
        await opened.close();
      },
    };
  } catch (err) {
    await module?.close();
    if (err instanceof UsageError) {
      io.stderr(`yizheng-bridge: ${err.message}\n`);
      return 2;
    }
    if (isYizhengError(err)) {
      io.stderr(`yizheng-bridge: [${err.code}] ${err.localizedMessage('zh-CN')} / ${err.localizedMessage('en')}\n${err.localizedRemedy('zh-CN')}\n`);
      return 1;
    }
    io.stderr(`yizheng-bridge: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
