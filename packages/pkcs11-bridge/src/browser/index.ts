/**
 * The page entry of @yizheng/pkcs11-bridge: a {@link TokenDriver} that reaches a PKCS#11 token
 * through the local `yizheng-bridge` helper over `ws://127.0.0.1:21800/yizheng`. No Node imports;
 * small enough for a login page.
 *
 * ```ts
 * const driver = createPkcs11BridgeDriver({ onApprovalCode: (code) => showCode(code) });
 * const [cert] = await driver.listCertificates();
 * await driver.login(cert.id, pin);                   // the PIN goes to the token once, never retried
 * const { signature, format } = await driver.sign(cert.id, challenge.text);
 * ```
 *
 * The first call on a site the user has not approved asks for approval: the bridge's window shows
 * the site's address and waits for the 6-digit code that `onApprovalCode` must display on the page.
 *
 * No PIN field is needed when the bridge takes PINs in its own window (after `connect()`,
 * `driver.pinEntry` is `client`), nor for a certificate whose key has a PIN pad (`pinPad: true`):
 * call `login(id, '')` then.
 *
 * @module
 */
import {
  YizhengError,
  type ClientErrorCode,
  type ErrorDetails,
  type Locale,
  type PinStatus,
  type TokenCallOptions,
  type TokenCertificate,
  type TokenDriver,
  type TokenEvent,
  type TokenSignature,
} from '@yizheng/core/client';
import { BRIDGE_PATH, BRIDGE_PROTOCOL, DEFAULT_BRIDGE_PORT, type BridgeHello } from '../protocol';

export { BRIDGE_PATH, BRIDGE_PROTOCOL, DEFAULT_BRIDGE_PORT, type BridgeHello } from '../protocol';
export {
  YizhengError,
  type ClientErrorCode,
  type ErrorDetails,
  type ErrorJson,
  type Locale,
  type PinStatus,
  type TokenCallOptions,
  type TokenCertificate,
  type TokenDriver,
  type TokenEvent,
  type TokenSignature,
  type TokenSignatureFormat,
} from '@yizheng/core/client';

/** The part of a WebSocket the driver uses (the browser's `WebSocket` has it). */
export interface BridgeSocket {
  /** 1 when open. */
  readonly readyState: number;
  /** Sends a text frame. */
  send(data: string): void;
  /** Closes the connection. */
  close(code?: number, reason?: string): void;
  /** Called once connected. */
  onopen: ((event: unknown) => void) | null;
  /** Called with each frame. */
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  /** Called when the connection ends. */
  onclose: ((event: unknown) => void) | null;
  /** Called on a connection error. */
  onerror: ((event: unknown) => void) | null;
}

/** Options of {@link createPkcs11BridgeDriver}. */
export interface Pkcs11BridgeDriverOptions {
  /** The bridge's address; default `ws://127.0.0.1:21800/yizheng`. */
  readonly url?: string;
  /**
   * Shows the 6-digit approval code on the page (e.g. "在证书助手窗口中输入确认码 482913"). Called when the
   * site is not approved yet and the bridge is asking the user.
   */
  readonly onApprovalCode?: (code: string) => void;
  /** How long a call may take (a PIN-pad login waits for the user); default 120 s. */
  readonly timeoutMs?: number;
  /** How long the user has to approve the site; default 180 s. */
  readonly approvalTimeoutMs?: number;
  /** Language of the errors' `message`; default zh-CN. */
  readonly locale?: Locale;
  /** Opens the socket; default `new WebSocket(url)`. */
  readonly createSocket?: (url: string) => BridgeSocket;
}

/** A certificate as the bridge lists it. */
export interface Pkcs11BridgeCertificate extends TokenCertificate {
  /** The key takes its PIN on the reader's PIN pad: show no PIN field, and call `login(id, '')`. */
  readonly pinPad?: boolean;
}

/** The PKCS#11 bridge driver: a {@link TokenDriver} with an explicit {@link Pkcs11BridgeDriver.connect}. */
export interface Pkcs11BridgeDriver extends TokenDriver {
  /** Always `pkcs11-bridge`. */
  readonly id: 'pkcs11-bridge';
  /**
   * `page` until connected; then `client` when the bridge asks for the PIN in its own window (its
   * `pinEntry: 'helper'`): show no PIN field, `login` and `changePin` send no PIN.
   */
  readonly pinEntry: 'page' | 'client';
  /** Connects, and asks for approval when the site needs it; every other method does this first. */
  connect(): Promise<BridgeHello>;
  /** The signing certificates; `pinPad` marks keys that take the PIN on a PIN pad. */
  listCertificates(options?: TokenCallOptions): Promise<Pkcs11BridgeCertificate[]>;
  /**
   * Decrypts a key-transport ciphertext (base64; an envelope's content key) with the key of the
   * certificate's encryption pair on the token (or its own key when it has none), after `login` to
   * the certificate; resolves with the plaintext, base64, and ends the login (one decryption per PIN
   * entry, as for signatures). RSA only through standard PKCS#11: `rsa-oaep` (SHA-256, the default),
   * `rsa-oaep-sha1`, `rsa-pkcs1`; SM2 and EC keys, and mechanisms the token refuses (SoftHSM2 has
   * OAEP with SHA-1 only), are `MECHANISM_UNSUPPORTED`.
   */
  decrypt(
    request: { readonly certificateId: string; readonly ciphertext: string; readonly algorithm?: 'sm2' | 'rsa-oaep' | 'rsa-oaep-sha1' | 'rsa-pkcs1' | undefined },
    options?: TokenCallOptions,
  ): Promise<string>;
}

const CLIENT_NAME = 'yizheng-bridge';

/** Creates the driver. Nothing connects until the first call. */
export function createPkcs11BridgeDriver(options: Pkcs11BridgeDriverOptions = {}): Pkcs11BridgeDriver {
  const url = options.url ?? `ws://127.0.0.1:${DEFAULT_BRIDGE_PORT}${BRIDGE_PATH}`;
  const locale: Locale = options.locale ?? 'zh-CN';
  const timeoutMs = options.timeoutMs ?? 120_000;
  const approvalTimeoutMs = options.approvalTimeoutMs ?? 180_000;
  const createSocket = options.createSocket ?? ((u: string) => new WebSocket(u) as unknown as BridgeSocket);
  const listeners = new Set<(event: TokenEvent) => void>();
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();
  let socket: BridgeSocket | null = null;
  let opening: Promise<BridgeSocket> | null = null;
  let ready: Promise<BridgeHello> | null = null;
  let pinInHelper = false;
  let nextId = 1;

  const error = (code: ClientErrorCode, details: ErrorDetails = {}): YizhengError => new YizhengError(code, details, { locale });
  const notRunning = (): YizhengError => error('CLIENT_NOT_RUNNING', { client: CLIENT_NAME });

  const fromWire = (e: unknown): YizhengError => {
    const o = (typeof e === 'object' && e !== null ? e : {}) as { code?: unknown; details?: unknown };
    const details = typeof o.details === 'object' && o.details !== null ? (o.details as ErrorDetails) : {};
    if (typeof o.code === 'string' && /^[A-Z_]{1,40}$/.test(o.code)) {
      try {
        // A code of the page's catalogue builds; one it does not know (a newer bridge) does not.
        return error(o.code as ClientErrorCode, details);
      } catch {
        // fall through
      }
    }
    return error('CLIENT_PROTOCOL_ERROR', { reason: `unknown error ${typeof o.code === 'string' ? o.code.slice(0, 40) : ''} from the bridge` });
  };

  const dropped = (): void => {
    socket = null;
    opening = null;
    ready = null;
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      p.reject(notRunning());
      pending.delete(id);
    }
  };

  const onFrame = (raw: unknown): void => {
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(String(raw)) as Record<string, unknown>;
    } catch {
      return;
    }
    if (frame['event'] === 'approval' && typeof frame['code'] === 'string') {
      options.onApprovalCode?.(frame['code']);
      return;
    }
    if (frame['event'] === 'token' && (frame['type'] === 'inserted' || frame['type'] === 'removed')) {
      const event: TokenEvent = typeof frame['keyId'] === 'string' ? { type: frame['type'], keyId: frame['keyId'] } : { type: frame['type'] };
      for (const l of listeners) l(event);
      return;
    }
    const id = frame['id'];
    const p = typeof id === 'number' ? pending.get(id) : undefined;
    if (p === undefined || typeof id !== 'number') return;
    pending.delete(id);
    clearTimeout(p.timer);
    if ('error' in frame) p.reject(fromWire(frame['error']));
    else p.resolve(frame['result']);
  };

  const open = (): Promise<BridgeSocket> => {
    if (socket && socket.readyState === 1) return Promise.resolve(socket);
    if (opening) return opening;
    opening = new Promise<BridgeSocket>((resolve, reject) => {
      let s: BridgeSocket;
      try {
        s = createSocket(url);
      } catch {
        reject(notRunning());
        return;
      }
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        s.close();
        reject(notRunning());
      }, 10_000);
      s.onopen = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket = s;
        resolve(s);
      };
      s.onmessage = (event) => onFrame(event.data);
      s.onerror = () => undefined;
      s.onclose = () => {
        clearTimeout(timer);
        if (!settled) {
          settled = true;
          reject(notRunning());
        }
        if (socket === s || socket === null) dropped();
      };
    });
    opening.catch(() => {
      opening = null;
    });
    return opening;
  };

  const call = async <T>(method: string, params: Record<string, unknown> = {}, wait = timeoutMs, signal?: AbortSignal): Promise<T> => {
    if (signal?.aborted) throw error('USER_CANCELLED');
    const s = await open();
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        const p = pending.get(id);
        if (!p) return;
        pending.delete(id);
        clearTimeout(p.timer);
        reject(error('USER_CANCELLED'));
      };
      const timer = setTimeout(() => {
        pending.delete(id);
        signal?.removeEventListener('abort', onAbort);
        reject(error('CLIENT_PROTOCOL_ERROR', { reason: `no answer to ${method} within ${Math.round(wait / 1000)} s` }));
      }, wait);
      const settle = <V>(fn: (v: V) => void) => (v: V): void => {
        signal?.removeEventListener('abort', onAbort);
        fn(v);
      };
      pending.set(id, { resolve: settle(resolve as (v: unknown) => void), reject: settle(reject), timer });
      signal?.addEventListener('abort', onAbort, { once: true });
      s.send(JSON.stringify({ id, method, params }));
    });
  };

  const connect = (options: TokenCallOptions = {}): Promise<BridgeHello> => {
    if (ready) return ready;
    const attempt = (async () => {
      const hello = await call<BridgeHello>('hello', { protocol: BRIDGE_PROTOCOL }, timeoutMs, options.signal);
      if (hello?.bridge !== 'yizheng-bridge') throw error('CLIENT_PROTOCOL_ERROR', { reason: 'not a yizheng-bridge' });
      if (!hello.approved) await call('requestApproval', {}, approvalTimeoutMs, options.signal);
      pinInHelper = hello.pinEntry === 'helper';
      return { ...hello, approved: true };
    })();
    ready = attempt;
    attempt.catch(() => {
      if (ready === attempt) ready = null;
    });
    return attempt;
  };

  const ensure = async <T>(method: string, params: Record<string, unknown>, options: TokenCallOptions = {}): Promise<T> => {
    await connect(options);
    return call<T>(method, params, timeoutMs, options.signal);
  };

  return {
    id: 'pkcs11-bridge',
    get pinEntry() {
      return pinInHelper ? 'client' : 'page';
    },
    connect: () => connect(),
    async listCertificates(options) {
      const list = await ensure<unknown>('listCertificates', {}, options);
      if (!Array.isArray(list)) throw error('CLIENT_PROTOCOL_ERROR', { reason: 'certificate list is not an array' });
      return list as Pkcs11BridgeCertificate[];
    },
    async login(certId, pin, options) {
      await connect(options);
      // No PIN leaves the page when the bridge asks in its own window; none is sent for a PIN pad.
      await call('login', { certId, pin: pinInHelper || pin === '' ? null : pin }, timeoutMs, options?.signal);
    },
    async sign(certId, text, options) {
      const sig = await ensure<TokenSignature>('sign', { certId, text }, options);
      if (typeof sig?.signature !== 'string' || (sig.format !== 'der' && sig.format !== 'raw')) {
        throw error('CLIENT_PROTOCOL_ERROR', { reason: 'malformed signature answer' });
      }
      return { signature: sig.signature, format: sig.format };
    },
    async decrypt(request, options) {
      const params = { certId: request.certificateId, ciphertext: request.ciphertext, ...(request.algorithm !== undefined && { algorithm: request.algorithm }) };
      const out = await ensure<{ plaintext?: unknown }>('decrypt', params, options);
      if (typeof out?.plaintext !== 'string') throw error('CLIENT_PROTOCOL_ERROR', { reason: 'malformed decryption answer' });
      return out.plaintext;
    },
    getPinStatus(certId, options) {
      return ensure<PinStatus>('getPinStatus', { certId }, options);
    },
    async changePin(certId, oldPin, newPin, options) {
      await connect(options);
      await call('changePin', pinInHelper ? { certId } : { certId, oldPin, newPin }, timeoutMs, options?.signal);
    },
    async logout(certId) {
      await ensure('logout', { certId });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async close() {
      const s = socket;
      dropped();
      s?.close(1000, 'closed by the page');
    },
  };
}
