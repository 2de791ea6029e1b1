/**
 * The loopback bridge: a WebSocket server on 127.0.0.1 and ::1 that lets approved web pages list the
 * certificates on a PKCS#11 token, log in with a PIN and sign their own login challenge.
 *
 * Lessons from Fortify (DOMAIN.md §7) and what each rule stops:
 * - the Host header must name the loopback address and port (DNS rebinding);
 * - the page's Origin must be approved (allow-list or the user) before anything beyond `hello`;
 *   approvals belong to one origin, logins to one connection (so never shared across origins);
 * - no CORS headers at all, anywhere;
 * - message size, message rate, connection count and PIN attempts are limited;
 * - only a Yizheng challenge text for the connection's own origin is signed;
 * - nothing secret is logged: no PIN, no signature, no challenge, no certificate.
 */
import { randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { isYizhengError, normalizeOrigin, YizhengError } from '@yizheng/core';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Pkcs11Login, Pkcs11Module } from '../pkcs11/module';
import { BRIDGE_PATH, BRIDGE_PROTOCOL, DEFAULT_BRIDGE_PORT, type BridgeEvent, type BridgeHello } from '../protocol';
import type { Approver } from './approval';
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
  /** Connections per origin. Default 8. */
  readonly maxConnectionsPerOrigin: number;
  /** How long a login waits for its signature. Default 2 minutes. */
  readonly loginTtlMs: number;
  /** How long the user has to approve an origin. Default 2 minutes. */
  readonly approvalTimeoutMs: number;
  /** How long an origin waits after a refused approval before asking again. Default 5 s. */
  readonly approvalRetryMs: number;
  /** PIN attempts per origin and token. Default: 3 s after a wrong PIN, doubling to 60 s; 1 s after another failure. */
  readonly pin: PinLimits;
}

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
  maxConnectionsPerOrigin: 8,
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

interface Connection {
  readonly id: number;
  readonly origin: string;
  readonly ws: WebSocket;
  readonly bucket: TokenBucket;
  readonly logins: Map<string, ConnectionLogin>;
  refused: number;
  closed: boolean;
}

function tokenKeyOfCertId(certId: string): string {
  return certId.slice(0, Math.max(0, certId.lastIndexOf('/')));
}

function stringParam(params: Readonly<Record<string, unknown>>, name: string, max: number): string {
  const v = params[name];
  if (typeof v !== 'string' || v.length > max) throw new YizhengError('CLIENT_PROTOCOL_ERROR', { reason: `${name} must be a string of at most ${max} characters` });
  return v;
}

function pinParam(params: Readonly<Record<string, unknown>>, name: string): string {
  const v = params[name];
  if (typeof v !== 'string' || v.length > 64) throw new YizhengError('PIN_LEN_RANGE', { min: 1, max: 64 });
  return v;
}

/** Checks an Origin header: a bare http(s) origin, exactly as browsers serialise it. */
function originOf(header: string | undefined): string | null {
  if (header === undefined || header === 'null' || header.length > 300) return null;
  try {
    return normalizeOrigin(header) === header ? header : null;
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
    if (originOf(origin) === null) throw new YizhengError('INVALID_ARGUMENT', { reason: `allowed origin "${origin}" is not a bare http(s) origin such as https://bid.example.gov.cn` });
    approved.add(origin);
  }
  const refusedUntil = new Map<string, number>();
  const pending = new Map<string, { code: string; result: Promise<boolean> }>();
  let approvalQueue: Promise<unknown> = Promise.resolve();
  const pinLimiter = new PinAttemptLimiter(limits.pin);
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
    entry.login.logout();
    conn.logins.delete(tokenKey);
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
      const result = (approvalQueue = approvalQueue.then(async () => {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), limits.approvalTimeoutMs);
        // An approver that ignores the signal must not hold the queue: the timeout refuses.
        const timedOut = new Promise<boolean>((resolve) => controller.signal.addEventListener('abort', () => resolve(false), { once: true }));
        try {
          log.info('approval-asked', { origin });
          return await Promise.race([approver({ origin, code, signal: controller.signal }), timedOut]);
        } catch {
          return false;
        } finally {
          clearTimeout(timer);
        }
      })) as Promise<boolean>;
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
    const ok = await entry.result;
    if (!ok && !approved.has(origin)) throw new YizhengError('ORIGIN_NOT_APPROVED', { origin });
    return { approved: true };
  };

  // --- methods -----------------------------------------------------------------------------------

  const pinAttempt = async <T>(conn: Connection, certId: string, attempt: () => Promise<T>): Promise<T> => {
    const key = `${conn.origin}\n${tokenKeyOfCertId(certId)}`;
    const wait = pinLimiter.waitMs(key, now());
    if (wait > 0) {
      log.warn('pin-rate-limited', { origin: conn.origin, retryAfterSeconds: Math.ceil(wait / 1000) });
      throw new YizhengError('BRIDGE_RATE_LIMITED', { retryAfterSeconds: Math.ceil(wait / 1000) });
    }
    try {
      const result = await attempt();
      pinLimiter.record(key, now(), 'ok');
      return result;
    } catch (err) {
      const wrong = isYizhengError(err, 'PIN_INCORRECT') || isYizhengError(err, 'PIN_LOCKED');
      pinLimiter.record(key, now(), wrong ? 'wrong-pin' : 'failed');
      throw err;
    }
  };

  const methods: Record<string, (conn: Connection, params: Readonly<Record<string, unknown>>) => Promise<unknown>> = {
    async listCertificates() {
      const list = await module.listCertificates();
      return list
        .filter((c) => c.purpose !== 'encryption')
        .map((c) => ({
          id: c.id,
          label: c.label,
          certificate: Buffer.from(c.der).toString('base64'),
          ...(c.encryption && { encryptionCertificate: Buffer.from(c.encryption.der).toString('base64') }),
          keyId: c.token.serial,
        }));
    },
    async getPinStatus(_conn, params) {
      const s = await module.getPinStatus(stringParam(params, 'certId', 512));
      return { remaining: s.remaining, source: s.source, finalTry: s.finalTry, locked: s.locked, mustChange: s.mustChange };
    },
    async login(conn, params) {
      const certId = stringParam(params, 'certId', 512);
      const pin = pinParam(params, 'pin');
      const tokenKey = tokenKeyOfCertId(certId);
      endLogin(conn, tokenKey);
      const login = await pinAttempt(conn, certId, () => module.login(certId, pin === '' ? null : pin));
      const timer = setTimeout(() => {
        endLogin(conn, tokenKey);
        log.info('login-expired', { origin: conn.origin, connection: conn.id });
      }, limits.loginTtlMs);
      timer.unref();
      conn.logins.set(tokenKey, { login, certId, timer });
      log.info('login', { origin: conn.origin, connection: conn.id, token: tokenKey });
      return null;
    },
    async sign(conn, params) {
      const certId = stringParam(params, 'certId', 512);
      const text = params['text'];
      assertSignableChallenge(text, conn.origin, now());
      const tokenKey = tokenKeyOfCertId(certId);
      const entry = conn.logins.get(tokenKey);
      if (!entry || entry.certId !== certId || !entry.login.active) {
        endLogin(conn, tokenKey);
        throw new YizhengError('TOKEN_LOGIN_REQUIRED', {});
      }
      try {
        const sig = await entry.login.sign(text, { format: 'der' });
        log.info('signed', { origin: conn.origin, connection: conn.id, token: tokenKey, mechanism: sig.mechanism });
        return { signature: Buffer.from(sig.signature).toString('base64'), format: sig.format };
      } finally {
        endLogin(conn, tokenKey); // one signature per PIN entry
      }
    },
    async changePin(conn, params) {
      const certId = stringParam(params, 'certId', 512);
      const oldPin = pinParam(params, 'oldPin');
      const newPin = pinParam(params, 'newPin');
      endLogin(conn, tokenKeyOfCertId(certId));
      await pinAttempt(conn, certId, () => module.changePin(certId, oldPin, newPin));
      log.info('pin-changed', { origin: conn.origin, connection: conn.id, token: tokenKeyOfCertId(certId) });
      return null;
    },
    async logout(conn, params) {
      endLogin(conn, tokenKeyOfCertId(stringParam(params, 'certId', 512)));
      return null;
    },
  };

  const dispatch = async (conn: Connection, method: string, params: Readonly<Record<string, unknown>>): Promise<unknown> => {
    if (method === 'hello') {
      return { bridge: 'yizheng-bridge', protocol: BRIDGE_PROTOCOL, origin: conn.origin, approved: approved.has(conn.origin) } satisfies BridgeHello;
    }
    if (method === 'requestApproval') return requestApproval(conn);
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
    if (connections.size >= limits.maxConnections || perOrigin >= limits.maxConnectionsPerOrigin) {
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
        refused: 0,
        closed: false,
      };
      connections.add(conn);
      log.info('connected', { origin, connection: conn.id, approved: approved.has(origin) });
      ws.on('message', (data, isBinary) => onMessage(conn, data, isBinary));
      ws.on('error', () => {
        // e.g. a message over maxPayload: ws closes the connection with 1009 itself.
      });
      ws.on('close', (code) => {
        conn.closed = true;
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
    present = new Set(module.presentTokens());
  } catch {
    // no slots yet
  }
  const pollMs = options.pollIntervalMs ?? 2000;
  const poller =
    pollMs > 0
      ? setInterval(() => {
          let current: Set<string>;
          try {
            current = new Set(module.presentTokens());
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
