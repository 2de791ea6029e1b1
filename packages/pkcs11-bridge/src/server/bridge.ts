/**
 * The loopback bridge: a WebSocket server on 127.0.0.1 and ::1 that lets approved web pages list the
 * certificates on a PKCS#11 token, log in with a PIN and sign their own login challenge.
 *
 * Lessons from Fortify's local signing service, and what each rule stops:
 * - the Host header must name the loopback address and port (DNS rebinding);
 * - the page's Origin must be https (http only on a loopback host) and approved (allow-list or the
 *   user) before anything beyond `hello`; approvals belong to one origin, logins to one connection
 *   (so never shared across origins);
 * - no CORS headers at all, anywhere;
 * - message size, message rate and connection count are limited; a connection whose origin is not
 *   approved is closed after a while, and cannot take the places kept for approved origins;
 * - certificate ids only as the module writes them (one spelling per token), and every PIN limit and
 *   lock keyed on the token the module resolves, never on the text a page sent;
 * - one PIN operation per token at a time, whichever page asks, each recorded before it reaches the
 *   token, with a growing wait after wrong PINs; a page's PIN is spent only on a try the bridge knows
 *   is not the key's last (the bridge counts wrong PINs itself): else the PIN is typed in the bridge's
 *   window or on the PIN pad;
 * - a login belongs to one connection and holds its token until it signs, ends or expires: no other
 *   page's PIN operation can end it;
 * - only a Yizheng challenge text for the connection's own origin is signed;
 * - a decryption (an envelope's content key, at 开标: at most 1 KiB of RSA ciphertext) needs the
 *   connection's own login, like a signature, and ends it: one decryption per PIN entry (an approved
 *   page holding the PIN can decrypt what was encrypted to the user's key: that is the feature);
 * - nothing secret is logged: no PIN, no signature, no challenge, no certificate, no ciphertext or plaintext.
 */
import { randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { isYizhengError, normalizeOrigin, YizhengError } from '@yizheng/core';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { parseCertId, type Pkcs11DecryptAlgorithm, type Pkcs11Login, type Pkcs11Module, type Pkcs11TokenSummary } from '../pkcs11/module';
import { BRIDGE_PATH, BRIDGE_PROTOCOL, DEFAULT_BRIDGE_PORT, type BridgeEvent, type BridgeHello } from '../protocol';
import type { Approver, PinPrompter, PinRequest } from './approval';
import { assertSignableChallenge } from './challenge';
import { PinAttemptLimiter, TokenBucket, type PinLimits } from './limits';

/** Values a log line may carry: never a PIN, a signature or a challenge. */
export type BridgeLogFields = Readonly<Record<string, string | number | boolean>>;

/** Where the bridge logs. */
export interface BridgeLogger {
  /** Normal events: listening, approvals, logins, signatures. */
  info(event: string, fields?: BridgeLogFields): void;
  /** Refusals and failures. */
  warn(event: string, fields?: BridgeLogFields): void;
}

/** Limits of the bridge. */
export interface BridgeLimits {
  /** Largest WebSocket message (bytes); bigger ones close the connection (1009). Default 16 KiB. */
  readonly maxMessageBytes: number;
  /** Messages per second per connection, sustained. Default 10. */
  readonly messagesPerSecond: number;
  /** Messages per connection at once. Default 30. */
  readonly messageBurst: number;
  /** Connections in all. Default 32. */
  readonly maxConnections: number;
  /**
   * Connections of origins not approved (yet), in all: the rest of {@link BridgeLimits.maxConnections}
   * is kept for approved ones (the allow-list, and origins the user approved). Default 16.
   */
  readonly maxUnapprovedConnections: number;
  /** Connections per origin. Default 8. */
  readonly maxConnectionsPerOrigin: number;
  /**
   * How long a connection whose origin is not approved stays open (not counting the time it waits for
   * the user to answer its `requestApproval`). Default 30 s.
   */
  readonly unapprovedIdleMs: number;
  /** How long a login waits for its signature. Default 2 minutes. */
  readonly loginTtlMs: number;
  /** How long the user has to answer a question in the bridge's window (approve an origin, type a PIN). Default 2 minutes. */
  readonly approvalTimeoutMs: number;
  /** How long an origin waits after a refused approval before asking again. Default 5 s. */
  readonly approvalRetryMs: number;
  /** PIN attempts per token, whichever page asks. Default: 3 s after a wrong PIN, doubling to 60 s; 1 s after another failure. */
  readonly pin: PinLimits;
}

/**
 * Where users type their PIN: `page` (the page's PIN field sends it over the WebSocket) or `helper`
 * (the bridge asks in its own window and refuses PINs from pages). A key with a PIN pad takes the PIN
 * on the pad either way.
 */
export type BridgePinEntry = 'page' | 'helper';

/** Options of {@link startBridge}. */
export interface BridgeOptions {
  /** The PKCS#11 module to serve (opened by the caller, who also closes it). */
  readonly module: Pkcs11Module;
  /** Port on both loopback addresses; default 21800; 0 picks a free one. */
  readonly port?: number;
  /** Addresses to listen on: a subset of `127.0.0.1` and `::1` (the default is both). */
  readonly hosts?: readonly ('127.0.0.1' | '::1')[];
  /** Origins approved without asking (a platform's configured allow-list), e.g. `https://bid.example.gov.cn`. */
  readonly allowedOrigins?: readonly string[];
  /** Asks the user to approve other origins; without one they are refused. See {@link createTerminalApprover}. */
  readonly approver?: Approver;
  /** Where users type their PIN; default `page`. `helper` needs {@link BridgeOptions.pinPrompter}. */
  readonly pinEntry?: BridgePinEntry;
  /**
   * Asks the user for a PIN in the bridge's own window (see {@link createTerminalPinPrompter}): for
   * every login with `pinEntry: 'helper'`, and with `page` for a login when the bridge cannot tell
   * that the try is not the key's last (without a prompter that login is refused with PIN_FINAL_TRY).
   */
  readonly pinPrompter?: PinPrompter;
  /**
   * The module reliably raises CKF_USER_PIN_FINAL_TRY before a key's last try (check with its vendor).
   * Default false: after any wrong PIN (counted by the bridge, or shown by the token's COUNT_LOW flag)
   * a page's PIN is not used and the PIN is asked in the bridge's window. True lets a page send the PIN
   * again after one wrong PIN while the token shows COUNT_LOW but not FINAL_TRY; after two wrong PINs in
   * a row the window asks either way.
   */
  readonly trustFinalTryFlag?: boolean;
  /** The logger; default one line per event on stderr. */
  readonly logger?: BridgeLogger;
  /** Overrides of {@link BridgeLimits}. */
  readonly limits?: Partial<BridgeLimits>;
  /** Token insertion / removal polling interval (ms); default 2000, 0 turns events off. */
  readonly pollIntervalMs?: number;
  /** Clock (ms); default `Date.now`. */
  readonly now?: () => number;
}

/** A running bridge. */
export interface RunningBridge {
  /** The port it listens on. */
  readonly port: number;
  /** `host:port` of each listening address. */
  readonly addresses: readonly string[];
  /** True when `origin` is approved now. */
  isApproved(origin: string): boolean;
  /** Stops listening, closes every connection and ends every login. */
  close(): Promise<void>;
}

const DEFAULT_LIMITS: BridgeLimits = {
  maxMessageBytes: 16 * 1024,
  messagesPerSecond: 10,
  messageBurst: 30,
  maxConnections: 32,
  maxUnapprovedConnections: 16,
  maxConnectionsPerOrigin: 8,
  unapprovedIdleMs: 30_000,
  loginTtlMs: 2 * 60 * 1000,
  approvalTimeoutMs: 2 * 60 * 1000,
  approvalRetryMs: 5000,
  pin: { minIntervalMs: 1000, wrongPinBaseMs: 3000, wrongPinMaxMs: 60_000 },
};

const MAX_REFUSED_MESSAGES = 50;
const MAX_PENDING_APPROVALS = 4;

/** The default logger: `[yizheng-bridge] event key=value ...` on stderr. */
export function stderrLogger(write: (line: string) => void = (l) => process.stderr.write(l)): BridgeLogger {
  const line = (level: string, event: string, fields: BridgeLogFields = {}): void => {
    const kv = Object.entries(fields).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    write(`[yizheng-bridge] ${new Date().toISOString()} ${level} ${event}${kv.length ? ` ${kv.join(' ')}` : ''}\n`);
  };
  return { info: (e, f) => line('info', e, f), warn: (e, f) => line('warn', e, f) };
}

interface ConnectionLogin {
  readonly login: Pkcs11Login;
  readonly certId: string;
  readonly timer: NodeJS.Timeout;
}

/** A certificate id as the module writes it, and its token's key (the token serial the module resolves it by). */
interface CertRef {
  readonly certId: string;
  readonly tokenKey: string;
}

interface Connection {
  readonly id: number;
  readonly origin: string;
  readonly ws: WebSocket;
  readonly bucket: TokenBucket;
  /** This connection's logins, by token key. */
  readonly logins: Map<string, ConnectionLogin>;
  /** Aborted when the connection closes (ends the questions asked for it in the bridge's window). */
  readonly gone: AbortController;
  refused: number;
  closed: boolean;
  /** requestApproval calls of this connection waiting for the user. */
  awaitingApproval: number;
  /** The unapproved-idle time is over: close as soon as no approval is awaited. */
  idleExpired: boolean;
  idleTimer?: NodeJS.Timeout;
}

function stringParam(params: Readonly<Record<string, unknown>>, name: string, max: number): string {
  const v = params[name];
  if (typeof v !== 'string' || v.length > max) throw new YizhengError('CLIENT_PROTOCOL_ERROR', { reason: `${name} must be a string of at most ${max} characters` });
  return v;
}

/**
 * The `certId` parameter: only as the module writes it (`FAKE0001/01`, never `%46AKE0001/01`), so
 * that every spelling a page may send names the token one way. CERT_NOT_FOUND otherwise.
 */
function certParam(params: Readonly<Record<string, unknown>>): CertRef {
  const certId = stringParam(params, 'certId', 512);
  return { certId, tokenKey: parseCertId(certId).tokenKey };
}

/** The decryption algorithms a page may name. */
const DECRYPT_ALGORITHMS: readonly Pkcs11DecryptAlgorithm[] = ['rsa-oaep', 'rsa-oaep-sha1', 'rsa-pkcs1', 'sm2'];

/** A ciphertext to decrypt: base64 of 1 to 1024 bytes (an RSA-8192 block at most). */
function ciphertextParam(params: Readonly<Record<string, unknown>>): Uint8Array {
  const v = params['ciphertext'];
  if (typeof v !== 'string' || v.length > 1368 || !/^[A-Za-z0-9+/]+={0,2}$/.test(v) || v.length % 4 !== 0) {
    throw new YizhengError('CLIENT_PROTOCOL_ERROR', { reason: 'ciphertext: base64 of at most 1024 bytes' });
  }
  const bytes = new Uint8Array(Buffer.from(v, 'base64'));
  // 1368 base64 characters without padding are 1026 bytes: the cap is on the bytes.
  if (bytes.length === 0 || bytes.length > 1024) throw new YizhengError('CLIENT_PROTOCOL_ERROR', { reason: 'ciphertext: base64 of at most 1024 bytes' });
  return bytes;
}

function pinParam(params: Readonly<Record<string, unknown>>, name: string): string {
  const v = params[name];
  if (typeof v !== 'string' || v.length > 64) throw new YizhengError('PIN_LEN_RANGE', { min: 1, max: 64 });
  return v;
}

/** A PIN the page may leave out: absent, `null` or `""` mean none (the PIN pad, or the bridge's window). */
function optionalPinParam(params: Readonly<Record<string, unknown>>, name: string): string | null {
  const v = params[name];
  return v === undefined || v === null || v === '' ? null : pinParam(params, name);
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Checks an Origin header: a bare origin, exactly as browsers serialise it, on `https:`; `http:` only
 * for a loopback host (localhost, 127.0.0.1, [::1]: a local portal or test page), never for a site.
 */
function originOf(header: string | undefined): string | null {
  if (header === undefined || header === 'null' || header.length > 300) return null;
  try {
    if (normalizeOrigin(header) !== header) return null;
    const url = new URL(header);
    return url.protocol === 'https:' || LOOPBACK_HOSTS.has(url.hostname) ? header : null;
  } catch {
    return null;
  }
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/**
 * Starts the bridge. It serves one PKCS#11 module to web pages through `ws://127.0.0.1:<port>/yizheng`
 * (and `[::1]`); see the package README for the protocol and how users approve a site.
 */
export async function startBridge(options: BridgeOptions): Promise<RunningBridge> {
  const module = options.module;
  const limits: BridgeLimits = { ...DEFAULT_LIMITS, ...options.limits, pin: { ...DEFAULT_LIMITS.pin, ...options.limits?.pin } };
  const log = options.logger ?? stderrLogger();
  const now = options.now ?? Date.now;
  const hosts = options.hosts ?? ['127.0.0.1', '::1'];
  for (const host of hosts) {
    if (host !== '127.0.0.1' && host !== '::1') throw new YizhengError('INVALID_ARGUMENT', { reason: `the bridge listens on loopback addresses only, not ${String(host)}` });
  }
  const approved = new Set<string>();
  for (const origin of options.allowedOrigins ?? []) {
    if (originOf(origin) === null) {
      throw new YizhengError('INVALID_ARGUMENT', { reason: `allowed origin "${origin}" is not a bare https origin such as https://bid.example.gov.cn (http only on localhost)` });
    }
    approved.add(origin);
  }
  const pinEntry: BridgePinEntry = options.pinEntry ?? 'page';
  if (pinEntry !== 'page' && pinEntry !== 'helper') throw new YizhengError('INVALID_ARGUMENT', { reason: `pinEntry must be page or helper, not ${String(pinEntry)}` });
  if (pinEntry === 'helper' && options.pinPrompter === undefined) {
    throw new YizhengError('INVALID_ARGUMENT', { reason: "pinEntry 'helper' needs a pinPrompter (the bridge's window asks for the PIN)" });
  }
  const refusedUntil = new Map<string, number>();
  const pending = new Map<string, { code: string; result: Promise<boolean> }>();
  let terminalQueue: Promise<unknown> = Promise.resolve();
  const trustFinalTryFlag = options.trustFinalTryFlag === true;
  /** PIN attempts and wrong PINs in a row, per token key (never per certId text). */
  const pinLimiter = new PinAttemptLimiter(limits.pin);
  /** Tokens with a PIN operation under way (login, PIN change), whichever page asked. */
  const pinBusy = new Set<string>();
  /** The connection holding a login on each token, until it signs, logs out, expires or goes. */
  const loginHolders = new Map<string, Connection>();
  const connections = new Set<Connection>();
  let nextConnectionId = 1;
  let port = options.port ?? DEFAULT_BRIDGE_PORT;

  const send = (conn: Connection, frame: unknown): void => {
    if (!conn.closed && conn.ws.readyState === conn.ws.OPEN) conn.ws.send(JSON.stringify(frame));
  };
  const endLogin = (conn: Connection, tokenKey: string): void => {
    const entry = conn.logins.get(tokenKey);
    if (!entry) return;
    clearTimeout(entry.timer);
    conn.logins.delete(tokenKey);
    if (loginHolders.get(tokenKey) === conn) loginHolders.delete(tokenKey);
    void entry.login.logout();
  };

  // --- the bridge's window ----------------------------------------------------------------------

  /**
   * Asks the user something in the bridge's window, one question at a time, within
   * `approvalTimeoutMs` (then, or when `signal` aborts, the answer is `fallback`). A question that
   * ignores its signal does not hold the queue: the timeout answers.
   */
  const inTerminal = <T>(question: (signal: AbortSignal) => Promise<T>, fallback: T, signal?: AbortSignal): Promise<T> => {
    const answer = terminalQueue.then(async () => {
      const controller = new AbortController();
      const onGone = (): void => controller.abort();
      if (signal?.aborted) return fallback;
      signal?.addEventListener('abort', onGone, { once: true });
      const timer = setTimeout(() => controller.abort(), limits.approvalTimeoutMs);
      const aborted = new Promise<T>((resolve) => controller.signal.addEventListener('abort', () => resolve(fallback), { once: true }));
      try {
        return await Promise.race([question(controller.signal), aborted]);
      } catch {
        return fallback;
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onGone);
        controller.abort();
      }
    });
    terminalQueue = answer;
    return answer;
  };

  // --- approvals ---------------------------------------------------------------------------------

  const requestApproval = async (conn: Connection): Promise<{ approved: true }> => {
    const origin = conn.origin;
    if (approved.has(origin)) return { approved: true };
    let entry = pending.get(origin);
    if (entry === undefined) {
      const wait = (refusedUntil.get(origin) ?? 0) - now();
      if (wait > 0) throw new YizhengError('BRIDGE_RATE_LIMITED', { retryAfterSeconds: Math.ceil(wait / 1000) });
      const approver = options.approver;
      if (approver === undefined) {
        log.warn('origin-refused', { origin, reason: 'not in the allow-list; prompting is off' });
        throw new YizhengError('ORIGIN_NOT_APPROVED', { origin });
      }
      if (pending.size >= MAX_PENDING_APPROVALS) throw new YizhengError('BRIDGE_RATE_LIMITED', { retryAfterSeconds: 5 });
      const code = randomInt(0, 1_000_000).toString().padStart(6, '0');
      const result = inTerminal((signal) => {
        log.info('approval-asked', { origin });
        return approver({ origin, code, signal });
      }, false);
      entry = { code, result };
      pending.set(origin, entry);
      void result.then((ok) => {
        pending.delete(origin);
        if (ok) {
          approved.add(origin);
          log.info('origin-approved', { origin });
        } else {
          refusedUntil.set(origin, now() + limits.approvalRetryMs);
          log.warn('origin-refused', { origin });
        }
      });
    }
    send(conn, { event: 'approval', code: entry.code } satisfies BridgeEvent);
    conn.awaitingApproval++;
    let ok: boolean;
    try {
      ok = await entry.result;
    } finally {
      conn.awaitingApproval--;
    }
    if (!ok && !approved.has(origin)) throw new YizhengError('ORIGIN_NOT_APPROVED', { origin });
    return { approved: true };
  };

  // --- methods -----------------------------------------------------------------------------------

  /** What a PIN operation knows when it starts, inside its token's lock. */
  interface PinContext {
    /** The token, as it reports itself now. */
    readonly token: Pkcs11TokenSummary;
    /** Wrong PINs in a row on it, as the bridge counted them (before this attempt). */
    readonly wrongPins: number;
  }

  /**
   * Runs one PIN operation on the token holding `cert`, keyed on the token the module resolves (its
   * serial, or its slot when it has none): at most one per token at a time across all pages and
   * connections (another one meanwhile is refused, never queued: a page must not line up guesses),
   * none while another connection holds a login on the token (its login must not end by someone
   * else's PIN), and only once the token's wait after wrong PINs is over. The attempt is recorded as a
   * wrong PIN before it starts, and corrected by its outcome.
   */
  const pinOperation = async <T>(conn: Connection, cert: CertRef, operation: (context: PinContext) => Promise<T>): Promise<T> => {
    const refuse = (waitMs: number, reason: string): YizhengError => {
      const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
      log.warn('pin-rate-limited', { origin: conn.origin, connection: conn.id, reason, retryAfterSeconds });
      return new YizhengError('BRIDGE_RATE_LIMITED', { retryAfterSeconds });
    };
    const busy = (key: string): YizhengError | null => {
      if (pinBusy.has(key)) return refuse(1000, 'another PIN operation on the token is under way');
      const holder = loginHolders.get(key);
      return holder !== undefined && holder !== conn ? refuse(1000, 'another connection is logged in to the token') : null;
    };
    // Refused at once, without waiting for the module (which may be waiting for a PIN pad on this token).
    const early = busy(cert.tokenKey);
    if (early) throw early;
    // Only a token that is present gets a limiter entry: a page cannot grow the map with made-up serials.
    const tokenKey = (await module.tokenOf(cert.certId)).serial;
    const late = busy(tokenKey);
    if (late) throw late;
    const wait = pinLimiter.waitMs(tokenKey, now());
    if (wait > 0) throw refuse(wait, 'wait after a failed PIN attempt');
    const wrongPins = pinLimiter.wrongPins(tokenKey);
    pinBusy.add(tokenKey);
    pinLimiter.begin(tokenKey, now());
    try {
      // Read again inside the lock: the flags now are the ones the decision rests on.
      const token = await module.tokenOf(cert.certId);
      const result = await operation({ token, wrongPins });
      pinLimiter.record(tokenKey, now(), 'ok');
      return result;
    } catch (err) {
      const wrong = isYizhengError(err, 'PIN_INCORRECT') || isYizhengError(err, 'PIN_LOCKED');
      // PIN_MUST_CHANGE comes after the token took the PIN: its count of wrong PINs is back to zero.
      pinLimiter.record(tokenKey, now(), wrong ? 'wrong-pin' : isYizhengError(err, 'PIN_MUST_CHANGE') ? 'ok' : 'failed');
      throw err;
    } finally {
      pinBusy.delete(tokenKey);
    }
  };

  /** True when a wrong PIN now would lock the key, as the token reports it. */
  const onFinalTry = (token: Pkcs11TokenSummary): boolean => token.pinState.finalTry || token.pinState.remaining === 1;

  /**
   * True when a PIN from the page may be spent on the token's next try: only when the bridge knows that
   * try is not the key's last. Not after two wrong PINs in a row (whatever the flags say), nor on a
   * reported last try; without `trustFinalTryFlag`, not after any wrong PIN (counted here, or shown by
   * COUNT_LOW: made elsewhere, how many unknown), since many modules never raise FINAL_TRY (SoftHSM2
   * only raises COUNT_LOW, others nothing). A locked token has no try to lose: it answers PIN_LOCKED.
   */
  const pageMayTry = ({ token, wrongPins }: PinContext): boolean => {
    const state = token.pinState;
    if (onFinalTry(token) || wrongPins >= 2) return false;
    if (state.locked) return true;
    if (!trustFinalTryFlag) return wrongPins === 0 && !state.countLow;
    // A token that raised no COUNT_LOW after a wrong PIN keeps no PIN flags at all: it cannot raise FINAL_TRY either.
    return wrongPins === 0 || state.countLow;
  };

  /** The error for a page PIN the bridge will not spend: `remaining` 1 when the token says so, null when it cannot tell. */
  const finalTryError = (token: Pkcs11TokenSummary): YizhengError => onFinalTry(token)
    ? new YizhengError('PIN_FINAL_TRY', { remaining: 1 })
    : new YizhengError('PIN_FINAL_TRY', { remaining: null, reason: 'tries-unknown' });

  /** Keeps a connection's login (and its hold on the token) until it signs, logs out, expires or goes. */
  const hold = (conn: Connection, cert: CertRef, login: Pkcs11Login): void => {
    if (conn.closed) {
      void login.logout(); // the page went away while the PIN was being checked
      return;
    }
    const timer = setTimeout(() => {
      endLogin(conn, cert.tokenKey);
      log.info('login-expired', { origin: conn.origin, connection: conn.id });
    }, limits.loginTtlMs);
    timer.unref();
    conn.logins.set(cert.tokenKey, { login, certId: cert.certId, timer });
    loginHolders.set(cert.tokenKey, conn);
  };

  /**
   * Asks the user in the bridge's window for the PINs `asks` names, in turn, as one question (nothing
   * else is asked in between). USER_CANCELLED when they refuse one or do not answer in time.
   */
  const askPins = async (conn: Connection, certId: string, context: PinContext, asks: readonly PinRequest['ask'][]): Promise<string[]> => {
    const prompter = options.pinPrompter;
    if (prompter === undefined) throw new YizhengError('INVALID_ARGUMENT', { reason: 'no pinPrompter' }); // checked by the callers
    const { token } = context;
    const finalTry = onFinalTry(token);
    const mayBeFinalTry = finalTry || !pageMayTry(context);
    let certificate = token.label;
    try {
      certificate = (await module.listCertificates()).find((c) => c.id === certId)?.label ?? certificate;
    } catch {
      // the token's label will do
    }
    log.info('pin-asked', { origin: conn.origin, connection: conn.id, token: token.serial, asks: asks.join(' ') });
    const answers = await inTerminal(
      async (signal) => {
        const out: string[] = [];
        for (const ask of asks) {
          const checked = ask !== 'new-pin' && ask !== 'repeat-new-pin';
          const pin = await prompter({
            origin: conn.origin,
            certificate,
            token: token.serial,
            ask,
            finalTry: finalTry && checked,
            mayBeFinalTry: mayBeFinalTry && checked,
            wrongPins: context.wrongPins,
            signal,
          });
          if (pin === null || pin === '') return null;
          out.push(pin);
        }
        return out;
      },
      null,
      conn.gone.signal,
    );
    if (answers === null) throw new YizhengError('USER_CANCELLED', {});
    return answers;
  };

  const methods: Record<string, (conn: Connection, params: Readonly<Record<string, unknown>>) => Promise<unknown>> = {
    async listCertificates() {
      const list = await module.listCertificates();
      const pinPads = new Set((await module.listSlots()).flatMap((s) => (s.token?.protectedAuthenticationPath ? [s.token.serial] : [])));
      return list
        .filter((c) => c.purpose !== 'encryption')
        .map((c) => ({
          id: c.id,
          label: c.label,
          certificate: Buffer.from(c.der).toString('base64'),
          ...(c.encryption && { encryptionCertificate: Buffer.from(c.encryption.der).toString('base64') }),
          keyId: c.token.serial,
          ...(pinPads.has(c.token.serial) && { pinPad: true }),
        }));
    },
    async getPinStatus(_conn, params) {
      const s = await module.getPinStatus(certParam(params).certId);
      return { remaining: s.remaining, source: s.source, finalTry: s.finalTry, locked: s.locked, mustChange: s.mustChange };
    },
    async login(conn, params) {
      const cert = certParam(params);
      const pagePin = optionalPinParam(params, 'pin');
      if (pinEntry === 'helper' && pagePin !== null) {
        throw new YizhengError('CLIENT_PROTOCOL_ERROR', { reason: "this bridge asks for the PIN in its own window (pinEntry 'helper'): send login without a PIN" });
      }
      endLogin(conn, cert.tokenKey);
      await pinOperation(conn, cert, async (context) => {
        const { token } = context;
        const fromPage = pinEntry === 'page' && pagePin !== null && pageMayTry(context);
        let login: Pkcs11Login;
        if (token.protectedAuthenticationPath && !fromPage) {
          // A PIN pad takes the PIN on the reader: nothing to ask, nothing from the page.
          login = await module.login(cert.certId, null);
        } else if (pinEntry === 'page' && pageMayTry(context)) {
          login = await module.login(cert.certId, pagePin);
        } else {
          // A try that may be the key's last is spent only on a PIN the user typed in the bridge's window, never on the page's.
          if (options.pinPrompter === undefined) throw finalTryError(token);
          const [pin = ''] = await askPins(conn, cert.certId, context, ['login']);
          login = await module.login(cert.certId, pin);
        }
        hold(conn, cert, login); // inside the token's lock: no other PIN operation comes in between
      });
      log.info('login', { origin: conn.origin, connection: conn.id, token: cert.tokenKey });
      return null;
    },
    async sign(conn, params) {
      const cert = certParam(params);
      const text = params['text'];
      assertSignableChallenge(text, conn.origin, now());
      const entry = conn.logins.get(cert.tokenKey);
      if (!entry || entry.certId !== cert.certId || !entry.login.active) {
        endLogin(conn, cert.tokenKey);
        throw new YizhengError('TOKEN_LOGIN_REQUIRED', {});
      }
      try {
        const sig = await entry.login.sign(text, { format: 'der' });
        log.info('signed', { origin: conn.origin, connection: conn.id, token: cert.tokenKey, mechanism: sig.mechanism });
        return { signature: Buffer.from(sig.signature).toString('base64'), format: sig.format };
      } finally {
        endLogin(conn, cert.tokenKey); // one signature per PIN entry
      }
    },
    async decrypt(conn, params) {
      const cert = certParam(params);
      const ciphertext = ciphertextParam(params);
      const algorithm = params['algorithm'] ?? undefined;
      if (algorithm !== undefined && !DECRYPT_ALGORITHMS.includes(algorithm as Pkcs11DecryptAlgorithm)) {
        throw new YizhengError('CLIENT_PROTOCOL_ERROR', { reason: `unknown decryption algorithm (one of ${DECRYPT_ALGORITHMS.join(', ')})` });
      }
      const entry = conn.logins.get(cert.tokenKey);
      if (!entry || entry.certId !== cert.certId || !entry.login.active) {
        endLogin(conn, cert.tokenKey);
        throw new YizhengError('TOKEN_LOGIN_REQUIRED', {});
      }
      try {
        const out = await entry.login.decrypt(ciphertext, algorithm === undefined ? {} : { algorithm: algorithm as Pkcs11DecryptAlgorithm });
        log.info('decrypted', { origin: conn.origin, connection: conn.id, token: cert.tokenKey, mechanism: out.mechanism });
        return { plaintext: Buffer.from(out.plaintext).toString('base64') };
      } finally {
        endLogin(conn, cert.tokenKey); // one decryption per PIN entry
      }
    },
    async changePin(conn, params) {
      const cert = certParam(params);
      const fromPage = pinEntry === 'page';
      const pagePins = fromPage ? { oldPin: pinParam(params, 'oldPin'), newPin: pinParam(params, 'newPin') } : null;
      if (!fromPage && (optionalPinParam(params, 'oldPin') !== null || optionalPinParam(params, 'newPin') !== null)) {
        throw new YizhengError('CLIENT_PROTOCOL_ERROR', { reason: "this bridge asks for PINs in its own window (pinEntry 'helper'): send changePin without PINs" });
      }
      endLogin(conn, cert.tokenKey);
      await pinOperation(conn, cert, async (context) => {
        if (pagePins !== null) {
          // When the try may be the last, the page must log in first (through the bridge's window): a right PIN gives the tries back.
          if (!pageMayTry(context)) throw finalTryError(context.token);
          return module.changePin(cert.certId, pagePins.oldPin, pagePins.newPin);
        }
        const [oldPin = '', newPin = '', again] = await askPins(conn, cert.certId, context, ['old-pin', 'new-pin', 'repeat-new-pin']);
        if (again !== newPin) throw new YizhengError('PIN_REJECTED', { reason: 'the two new PINs differ' });
        return module.changePin(cert.certId, oldPin, newPin);
      });
      log.info('pin-changed', { origin: conn.origin, connection: conn.id, token: cert.tokenKey });
      return null;
    },
    async logout(conn, params) {
      endLogin(conn, certParam(params).tokenKey);
      return null;
    },
  };

  const dispatch = async (conn: Connection, method: string, params: Readonly<Record<string, unknown>>): Promise<unknown> => {
    if (method === 'hello') {
      return { bridge: 'yizheng-bridge', protocol: BRIDGE_PROTOCOL, origin: conn.origin, approved: approved.has(conn.origin), pinEntry } satisfies BridgeHello;
    }
    if (method === 'requestApproval') {
      // Answered first, then closed when its time is up and it is still not approved.
      return requestApproval(conn).finally(() => setImmediate(() => closeIfIdle(conn)));
    }
    const handler = Object.hasOwn(methods, method) ? methods[method] : undefined;
    if (handler === undefined) throw new YizhengError('CLIENT_PROTOCOL_ERROR', { reason: `unknown method "${method.slice(0, 40)}"` });
    if (!approved.has(conn.origin)) throw new YizhengError('ORIGIN_NOT_APPROVED', { origin: conn.origin });
    return handler(conn, params);
  };

  const onMessage = (conn: Connection, data: RawData, isBinary: boolean): void => {
    if (conn.closed) return;
    const allowed = conn.bucket.take(now());
    if (!allowed && ++conn.refused > MAX_REFUSED_MESSAGES) {
      log.warn('connection-closed', { origin: conn.origin, connection: conn.id, reason: 'rate limit' });
      conn.closed = true;
      conn.ws.close(1008, 'rate limit');
      return;
    }
    let id: number | null = null;
    let method = '';
    let params: Readonly<Record<string, unknown>> = {};
    try {
      if (isBinary) throw new Error('binary frame');
      const frame = JSON.parse(data.toString()) as unknown;
      if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) throw new Error('not an object');
      const f = frame as Record<string, unknown>;
      if (typeof f['id'] !== 'number' || !Number.isSafeInteger(f['id']) || f['id'] < 0) throw new Error('bad id');
      id = f['id'];
      if (typeof f['method'] !== 'string') throw new Error('bad method');
      method = f['method'];
      const p = f['params'] ?? {};
      if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new Error('bad params');
      params = p as Record<string, unknown>;
    } catch (err) {
      const reason = err instanceof Error ? err.message : 'bad frame';
      send(conn, { id, error: new YizhengError('CLIENT_PROTOCOL_ERROR', { reason: `invalid request: ${reason}` }).toJSON() });
      return;
    }
    if (!allowed) {
      send(conn, { id, error: new YizhengError('BRIDGE_RATE_LIMITED', { retryAfterSeconds: 1 }).toJSON() });
      return;
    }
    const requestId = id;
    void dispatch(conn, method, params).then(
      (result) => send(conn, { id: requestId, result }),
      (err: unknown) => {
        const error = isYizhengError(err) ? err : new YizhengError('CLIENT_PROTOCOL_ERROR', { reason: 'internal error' }, { cause: err });
        if (!isYizhengError(err)) log.warn('internal-error', { method, error: err instanceof Error ? err.name : typeof err });
        else log.warn('refused', { origin: conn.origin, connection: conn.id, method, code: error.code });
        send(conn, { id: requestId, error: error.toJSON() });
      },
    );
  };

  // --- connections -------------------------------------------------------------------------------

  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes, perMessageDeflate: false, clientTracking: false });

  const refuseUpgrade = (socket: Duplex, status: string, error: YizhengError, fields: BridgeLogFields): void => {
    log.warn('connection-refused', { ...fields, code: error.code });
    const body = JSON.stringify({ error: error.toJSON() });
    socket.end(
      `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nCache-Control: no-store\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    socket.destroy();
  };

  /** Closes a connection whose origin is still not approved once its time is up and it awaits no approval. */
  const closeIfIdle = (conn: Connection): void => {
    if (conn.closed || !conn.idleExpired || conn.awaitingApproval > 0 || approved.has(conn.origin)) return;
    log.warn('connection-closed', { origin: conn.origin, connection: conn.id, reason: 'not approved in time' });
    conn.closed = true;
    conn.ws.close(1008, 'not approved');
  };

  const hostAllowed = (host: string | undefined): boolean =>
    host !== undefined && [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host.toLowerCase());

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    const host = req.headers.host;
    if (!hostAllowed(host)) {
      refuseUpgrade(socket, '403 Forbidden', new YizhengError('HOST_NOT_ALLOWED', { host: (host ?? '').slice(0, 100) }), { host: (host ?? '').slice(0, 100) });
      return;
    }
    const origin = originOf(req.headers.origin);
    if (origin === null) {
      refuseUpgrade(socket, '403 Forbidden', new YizhengError('ORIGIN_NOT_APPROVED', { origin: (req.headers.origin ?? '(none)').slice(0, 100) }), { reason: 'missing or malformed Origin' });
      return;
    }
    if (req.url !== BRIDGE_PATH) {
      refuseUpgrade(socket, '404 Not Found', new YizhengError('CLIENT_PROTOCOL_ERROR', { reason: `the bridge listens on ${BRIDGE_PATH}` }), { origin });
      return;
    }
    const perOrigin = [...connections].filter((c) => c.origin === origin).length;
    const unapproved = [...connections].filter((c) => !approved.has(c.origin)).length;
    if (
      connections.size >= limits.maxConnections ||
      perOrigin >= limits.maxConnectionsPerOrigin ||
      (!approved.has(origin) && unapproved >= limits.maxUnapprovedConnections)
    ) {
      refuseUpgrade(socket, '429 Too Many Requests', new YizhengError('BRIDGE_RATE_LIMITED', { retryAfterSeconds: 5 }), { origin });
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Connection = {
        id: nextConnectionId++,
        origin,
        ws,
        bucket: new TokenBucket(limits.messagesPerSecond, limits.messageBurst, now()),
        logins: new Map(),
        gone: new AbortController(),
        refused: 0,
        closed: false,
        awaitingApproval: 0,
        idleExpired: false,
      };
      connections.add(conn);
      log.info('connected', { origin, connection: conn.id, approved: approved.has(origin) });
      if (!approved.has(origin)) {
        conn.idleTimer = setTimeout(() => {
          conn.idleExpired = true;
          closeIfIdle(conn);
        }, limits.unapprovedIdleMs);
        conn.idleTimer.unref();
      }
      ws.on('message', (data, isBinary) => onMessage(conn, data, isBinary));
      ws.on('error', () => {
        // e.g. a message over maxPayload: ws closes the connection with 1009 itself.
      });
      ws.on('close', (code) => {
        conn.closed = true;
        clearTimeout(conn.idleTimer);
        conn.gone.abort();
        connections.delete(conn);
        for (const key of [...conn.logins.keys()]) endLogin(conn, key);
        log.info('disconnected', { origin, connection: conn.id, code });
      });
    });
  };

  const onRequest = (_req: IncomingMessage, res: import('node:http').ServerResponse): void => {
    // Plain HTTP gets nothing useful, and never a CORS header.
    res.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close' });
    res.end('yizheng-bridge: WebSocket only\n');
  };

  // --- listening ---------------------------------------------------------------------------------

  let servers: Server[] = [];
  const addresses: string[] = [];
  for (let attempt = 0; ; attempt++) {
    servers = [];
    addresses.length = 0;
    let p = options.port ?? DEFAULT_BRIDGE_PORT;
    try {
      for (const host of hosts) {
        const server = createServer(onRequest);
        server.on('upgrade', onUpgrade);
        server.on('clientError', (_err, socket) => socket.destroy());
        try {
          p = await listen(server, host, p);
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (host === '::1' && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')) {
            log.warn('ipv6-unavailable', { host });
            continue;
          }
          throw err;
        }
        servers.push(server);
        addresses.push(host.includes(':') ? `[${host}]:${p}` : `${host}:${p}`);
      }
      port = p;
      break;
    } catch (err) {
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
      if ((err as { code?: string }).code === 'EADDRINUSE' && options.port === 0 && attempt < 5) continue;
      throw err;
    }
  }
  log.info('listening', { addresses: addresses.join(' '), path: BRIDGE_PATH, allowedOrigins: approved.size });

  // --- token events ------------------------------------------------------------------------------

  let present = new Set<string>();
  try {
    present = new Set(await module.presentTokens());
  } catch {
    // no slots yet
  }
  const pollMs = options.pollIntervalMs ?? 2000;
  /** A poll under way (it waits behind a PIN pad's login, say): the next tick skips. */
  let polling = false;
  const poll = async (): Promise<void> => {
    let current: Set<string>;
    try {
      current = new Set(await module.presentTokens());
    } catch {
      return;
    }
    const events: BridgeEvent[] = [];
    for (const k of current) if (!present.has(k)) events.push({ event: 'token', type: 'inserted', keyId: k });
    for (const k of present) {
      if (current.has(k)) continue;
      events.push({ event: 'token', type: 'removed', keyId: k });
      for (const conn of connections) endLogin(conn, k);
    }
    present = current;
    if (events.length === 0) return;
    for (const conn of connections) if (approved.has(conn.origin)) for (const e of events) send(conn, e);
  };
  const poller =
    pollMs > 0
      ? setInterval(() => {
          if (polling) return;
          polling = true;
          void poll().finally(() => (polling = false));
        }, pollMs)
      : undefined;
  poller?.unref();

  return {
    port,
    addresses: [...addresses],
    isApproved: (origin) => approved.has(origin),
    async close() {
      if (poller) clearInterval(poller);
      for (const conn of [...connections]) {
        for (const key of [...conn.logins.keys()]) endLogin(conn, key);
        conn.ws.terminate();
      }
      connections.clear();
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      );
      log.info('stopped', {});
    },
  };
}
