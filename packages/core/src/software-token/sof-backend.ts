/**
 * A GM/T 0020 SOF "client" over a software token, for emulating vendor key clients in tests and
 * demos: it answers SOF calls with the token's certificates, PIN counter, signatures and decryptions
 * (`SOF_PriKeyDecrypt`, with the token's encryption key), and fails
 * them with error codes (the standard's SOR codes, or GDCA's client extension when asked) and the
 * client code each failure means. {@link createSofWireEmulator} puts it behind the wire shapes of
 * `createSofJsonCarrier`'s default protocol and the presets of `sof-presets.ts`.
 */
import type { FetchLike } from '../client/challenge';
import { isYizhengError } from '../client/errors';
import type { WebSocketConstructor, WebSocketLike } from '../client/json-socket';
import { SOF_STANDARD_ERRORS, sofCodeKey, type SofMeaning, type SofReply } from '../client/sof';
import type { ClientFault } from './driver-checks';
import type { SoftwareToken } from './software-token';

/** A SOF client answering from a software token. */
export interface SofBackend {
  /** Answers a SOF call as a vendor client would: the return value, or the error code and the client code it means. */
  call(fn: string, args: readonly unknown[]): Promise<SofReply>;
  /** The code of the last failed call (what `SOF_GetLastError` returns). */
  readonly lastError: number;
  /** Makes the next call of `fn` fail with `code` (and, optionally, the client code it means). */
  failNext(fn: string, code: number, meaning?: SofMeaning): void;
  /** Listens for the key being inserted or removed (what a client pushes as a key change event). */
  onChange(listener: () => void): () => void;
}

/** Options of {@link createSofBackend}. */
export interface SofBackendOptions {
  /**
   * The codes it fails with: `standard` (default: GM/T 0020's SOR codes only, `SOR_UnknownErr` where
   * the table has none, e.g. a wrong PIN or a cancel) or `gdca` (GDCA's client extension for those).
   */
  readonly errorCodes?: 'standard' | 'gdca' | undefined;
}

/** SOR codes the backend uses (GM/T 0020, as GmSSL's `sof.h` has them). */
export const SOR = {
  UNKNOWN: 0x0b000001,
  NOT_SUPPORTED: 0x0b000002,
  ALGORITHM: 0x0b000007,
  NOT_INITIALIZED: 0x0b000011,
  INPUT: 0x0b000201,
  CERT_NOT_FOUND: 0x0b000310,
} as const;

/** GDCA's client extension codes (field: GDCA's public page script). */
export const GDCA_SOF_CODES = {
  WRONG_PIN: 0x0b000426,
  PIN_LOCKED: 0x0b000442,
  USER_CANCELLED: 0x0b000447,
  DEVICE_REMOVED: 0x0b000448,
} as const;

/** The code a failure has, by the client code the software token threw and the code set. */
function codeFor(meaning: string, codes: 'standard' | 'gdca'): number {
  const gdca = codes === 'gdca';
  switch (meaning) {
    case 'PIN_INCORRECT':
      return gdca ? GDCA_SOF_CODES.WRONG_PIN : SOR.UNKNOWN;
    case 'PIN_LOCKED':
      return gdca ? GDCA_SOF_CODES.PIN_LOCKED : SOR.UNKNOWN;
    case 'USER_CANCELLED':
      return gdca ? GDCA_SOF_CODES.USER_CANCELLED : SOR.UNKNOWN;
    case 'DEVICE_REMOVED':
      return gdca ? GDCA_SOF_CODES.DEVICE_REMOVED : SOR.UNKNOWN;
    // A client with no key inserted finds no certificate for the id.
    case 'TOKEN_NOT_PRESENT':
    case 'CERT_NOT_FOUND':
      return SOR.CERT_NOT_FOUND;
    case 'MECHANISM_UNSUPPORTED':
      return SOR.ALGORITHM;
    case 'PIN_LEN_RANGE':
      return SOR.INPUT;
    default:
      return SOR.UNKNOWN;
  }
}

/** The client codes a backend failure names (what the default shape's `error` field carries). */
const MEANINGS: Readonly<Record<string, SofMeaning>> = {
  PIN_INCORRECT: 'PIN_INCORRECT',
  PIN_LOCKED: 'PIN_LOCKED',
  USER_CANCELLED: 'USER_CANCELLED',
  DEVICE_REMOVED: 'DEVICE_REMOVED',
  TOKEN_NOT_PRESENT: 'CERT_NOT_FOUND',
  CERT_NOT_FOUND: 'CERT_NOT_FOUND',
  TOKEN_LOGIN_REQUIRED: 'TOKEN_LOGIN_REQUIRED',
  MECHANISM_UNSUPPORTED: 'MECHANISM_UNSUPPORTED',
};

/** The emulated clients' texts for their failures (the emulators' own wording). */
export const SOF_EMULATED_TEXTS: Readonly<Record<string, string>> = {
  PIN_INCORRECT: '口令错误',
  PIN_LOCKED: '口令已锁死',
  USER_CANCELLED: '用户取消操作',
  DEVICE_REMOVED: '设备已拔出',
  CERT_NOT_FOUND: '证书未发现',
  TOKEN_LOGIN_REQUIRED: '用户未登录',
  MECHANISM_UNSUPPORTED: '算法类型错误',
};

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v ?? ''));

/** The backend's failures, carried as errors through `run`. */
class SofFailure extends Error {
  constructor(
    readonly code: number,
    readonly meaning?: SofMeaning,
  ) {
    super(`SOF error ${code}`);
  }
}

/** A SOF client over `token` (create the token with `signatureFormat: 'der'` to answer as most SOF clients do). */
export function createSofBackend(token: SoftwareToken, options: SofBackendOptions = {}): SofBackend {
  const codes = options.errorCodes ?? 'standard';
  let lastError = 0;
  const injected = new Map<string, SofFailure>();
  const notFound = (): SofFailure => new SofFailure(SOR.CERT_NOT_FOUND, 'CERT_NOT_FOUND');

  async function run(fn: string, a: readonly unknown[]): Promise<unknown> {
    const certId = str(a[0]);
    switch (fn) {
      case 'SOF_GetUserList':
        return (await token.listCertificates()).map((c) => `${c.label}||${c.id}&&&`).join('');
      case 'SOF_ExportUserCert':
      case 'SOF_ExportExchangeUserCert':
      case 'SOF_ExportExChangeUserCert': {
        if (!token.present) throw notFound();
        const cert = (await token.listCertificates()).find((c) => c.id === certId);
        const value = fn === 'SOF_ExportUserCert' ? cert?.certificate : cert?.encryptionCertificate;
        if (value === undefined) throw notFound();
        return value;
      }
      case 'SOF_Login':
        await token.login(certId, str(a[1]));
        return true;
      case 'SOF_GetPinRetryCount':
        return (await token.getPinStatus(certId)).remaining;
      case 'SOF_SignData':
        return (await token.sign(certId, str(a[1]))).signature;
      case 'SOF_PriKeyDecrypt':
        // The base64 ciphertext in, the base64 plaintext out (the encryption key decrypts; the key's own scheme).
        return token.decrypt({ certificateId: certId, ciphertext: str(a[1]) });
      case 'SOF_ChangePassWd':
        await token.changePin(certId, str(a[1]), str(a[2]));
        return true;
      case 'SOF_Logout':
        await token.logout(certId);
        return true;
      case 'SOF_GetLastError':
        return lastError;
      default:
        throw new SofFailure(SOR.NOT_SUPPORTED, 'MECHANISM_UNSUPPORTED');
    }
  }

  return {
    get lastError() {
      return lastError;
    },
    failNext(fn, code, meaning) {
      injected.set(fn, new SofFailure(code, meaning));
    },
    onChange: (listener) => token.onEvent(() => listener()),
    async call(fn, args) {
      let failure = injected.get(fn);
      injected.delete(fn);
      if (!failure) {
        try {
          const value = await run(fn, args);
          if (fn !== 'SOF_GetLastError') lastError = 0;
          return { ok: true, value };
        } catch (error) {
          const client = isYizhengError(error) ? error.code : '';
          failure = error instanceof SofFailure ? error : new SofFailure(codeFor(client, codes), MEANINGS[client]);
        }
      }
      lastError = failure.code;
      return { ok: false, code: failure.code, text: failure.meaning && SOF_EMULATED_TEXTS[failure.meaning], meaning: failure.meaning };
    },
  };
}

/** The wire shapes {@link createSofWireEmulator} speaks (see each in its comment). */
export type SofWireShape = 'json' | 'gdca' | 'named' | 'xtx';

/** Answers one wire shape (one request text in, one reply text out) from a {@link SofBackend}. */
export interface SofWireEmulator {
  /** The reply to a request (an HTTP body or a WebSocket message), or undefined when it is dropped. */
  answer(request: string): Promise<string | undefined>;
  /**
   * Makes the next reply faulty: not JSON, without the shape's fields, with a wrong id, or `silent`
   * (never sent); or replaces it with `reply(request)`'s text (undefined: dropped).
   */
  tamperNext(fault: ClientFault | ((request: Readonly<Record<string, unknown>>) => string | undefined)): void;
  /** The requests received, parsed. */
  readonly requests: Record<string, unknown>[];
  /** The SOF client behind it. */
  readonly backend: SofBackend;
  /** `named`: forgets the session, as a restarted client would (the next call gets `SOR_NotInitializeErr`). */
  restart(): void;
  /** A `fetch` that answers in memory, as the client would over HTTP (a `silent` reply never comes). */
  readonly fetch: FetchLike;
  /** A WebSocket class that talks to the emulator in memory; key changes are pushed as {@link SofWireEmulator.keyChange}. */
  readonly WebSocket: WebSocketConstructor;
  /** The message the client pushes when a key comes or goes. */
  readonly keyChange: string;
}

/** The SOF-over-JSON emulator of the default protocol: {@link createSofWireEmulator} with `json`. */
export type SofJsonEmulator = SofWireEmulator;

/** The parameter names the `named` shape uses (the standard's, as GmSSL's `sof.h` declares them). */
const NAMED_PARAMS: Readonly<Record<string, readonly string[]>> = {
  SOF_GetUserList: [],
  SOF_Login: ['ContainerName', 'PassWd'],
  SOF_ChangePassWd: ['ContainerName', 'OldPassWd', 'NewPassWd'],
  SOF_SignData: ['ContainerName', 'InData'],
  SOF_PriKeyDecrypt: ['ContainerName', 'InData'],
};

/** The `gdca` shape's `Result` field per function (the emulator's own names: GDCA's are not known). */
const GDCA_RESULT_FIELDS: Readonly<Record<string, string>> = {
  SOF_GetUserList: 'UserList',
  SOF_ExportUserCert: 'Cert',
  SOF_ExportExchangeUserCert: 'Cert',
  SOF_GetPinRetryCount: 'RetryCount',
  SOF_SignData: 'SignedValue',
  SOF_PriKeyDecrypt: 'OutData',
};

const hex = (code: number): string => `0x${code.toString(16).toUpperCase().padStart(8, '0')}`;

/**
 * An emulated client of one wire shape over `backend`:
 *
 * - `json` (the default protocol): `{id?, fn, args}` → `{id?, code: 0, result}`, or `{id?, code,
 *   result: null, message, error?}` with `error` only when the SOR code does not tell it already;
 * - `gdca`: `{id?, fn, args}` → `{id?, ErrorCode: 0, Result: {<field>: value}}` (counts as strings),
 *   failures `{ErrorCode: "0x0B000426", ErrorMsg, Result: {}}` (codes as hex strings: create the
 *   backend with `errorCodes: 'gdca'`);
 * - `named`: `{function: "SOF_GetDeviceInstance"}` → `{status: 0, value: "<instance>"}`, then
 *   `{function, DeviceInstance, ContainerName, PassWd, ...}` → `{status: 0, value}`, failures
 *   `{status: "<code in decimal>", message}`; a wrong or forgotten instance → `SOR_NotInitializeErr`;
 * - `xtx`: `{call_cmd_id, xtx_func_name, param, URL, token?}` → `{call_cmd_id, retValue}` with
 *   booleans as `"true"` / `"false"`, numbers as strings, failures as `"false"` / `"-1"` / `""`,
 *   `SOF_GetLastError` the backend's last code (a string), a `token` with a successful login.
 */
export function createSofWireEmulator(backend: SofBackend, shape: SofWireShape = 'json'): SofWireEmulator {
  const tampers: ((request: Readonly<Record<string, unknown>>) => string | undefined)[] = [];
  const requests: Record<string, unknown>[] = [];
  const idField = shape === 'xtx' ? 'call_cmd_id' : 'id';
  let instances = 0;
  let instance: string | undefined;
  const keyChange = JSON.stringify(shape === 'xtx' ? { call_cmd_id: 'onUsbkeyChange', retValue: '' } : { event: 'keychange' });

  const faults: Readonly<Record<ClientFault, (request: Readonly<Record<string, unknown>>) => string | undefined>> = {
    'not-json': () => 'SOR_OK<html>',
    'missing-fields': (request) => JSON.stringify({ [idField]: request[idField] }),
    'wrong-id': () => JSON.stringify({ [idField]: 'not-asked', code: 0, result: true, status: 0, ErrorCode: 0, Result: {}, retValue: 'true' }),
    silent: () => undefined,
  };

  async function reply(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    switch (shape) {
      case 'json': {
        const { fn, args } = request;
        if (typeof fn !== 'string' || !Array.isArray(args)) return { code: SOR.INPUT, result: null };
        const r = await backend.call(fn, args as unknown[]);
        if (r.ok) return { code: 0, result: r.value };
        const told = SOF_STANDARD_ERRORS[sofCodeKey(r.code)] !== undefined;
        return { code: r.code, result: null, ...(r.text !== undefined && { message: r.text }), ...(!told && r.meaning && { error: r.meaning }) };
      }
      case 'gdca': {
        const { fn, args } = request;
        if (typeof fn !== 'string' || !Array.isArray(args)) return { ErrorCode: hex(SOR.INPUT), ErrorMsg: '输入数据错误', Result: {} };
        const r = await backend.call(fn, args as unknown[]);
        if (!r.ok) return { ErrorCode: hex(Number(r.code)), ErrorMsg: r.text ?? '', Result: {} };
        const field = GDCA_RESULT_FIELDS[fn];
        return { ErrorCode: 0, Result: field === undefined ? {} : { [field]: typeof r.value === 'number' ? String(r.value) : r.value } };
      }
      case 'named': {
        const fn = request['function'];
        if (fn === 'SOF_GetDeviceInstance') {
          instance = `dev-${++instances}`;
          return { status: 0, value: instance };
        }
        if (typeof fn !== 'string') return { status: String(SOR.INPUT), message: '输入数据错误' };
        if (instance === undefined || request['DeviceInstance'] !== instance) return { status: String(SOR.NOT_INITIALIZED), message: '未初始化' };
        const args = (NAMED_PARAMS[fn] ?? ['ContainerName']).map((name) => request[name]);
        const r = await backend.call(fn, args);
        return r.ok ? { status: 0, value: r.value } : { status: String(r.code), message: r.text ?? '' };
      }
      case 'xtx': {
        const fn = String(request['xtx_func_name']);
        const param = Array.isArray(request['param']) ? (request['param'] as unknown[]) : [];
        const r = await backend.call(fn, param);
        const boolean = /^SOF_(Login|ChangePassWd|Logout)$/.test(fn);
        const retValue = r.ok ? (typeof r.value === 'boolean' || typeof r.value === 'number' ? String(r.value) : r.value) : boolean ? 'false' : fn === 'SOF_GetPinRetryCount' ? '-1' : '';
        return { retValue, ...(fn === 'SOF_Login' && r.ok && { token: 'xtx-session-1' }) };
      }
    }
  }

  async function answer(text: string): Promise<string | undefined> {
    let request: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      request = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    } catch {
      request = {};
    }
    requests.push(request);
    const tamper = tampers.shift();
    if (tamper) return tamper(request);
    const id = request[idField];
    return JSON.stringify({ ...(id !== undefined && { [idField]: id }), ...(await reply(request)) });
  }

  return {
    backend,
    answer,
    requests,
    keyChange,
    restart() {
      instance = undefined;
    },
    tamperNext(fault) {
      tampers.push(typeof fault === 'function' ? fault : faults[fault]);
    },
    fetch: (_url, init) =>
      new Promise<Response>((resolve, reject) => {
        const signal = init?.signal ?? undefined;
        const abort = (): void => reject(new DOMException('aborted', 'AbortError'));
        if (signal?.aborted) return abort();
        signal?.addEventListener('abort', abort, { once: true });
        answer(typeof init?.body === 'string' ? init.body : '').then(
          (text) => {
            if (text !== undefined) resolve(new Response(text, { status: 200, headers: { 'content-type': 'application/json' } }));
          },
          reject,
        );
      }),
    WebSocket: emulatedWebSocket(answer, (listener) => backend.onChange(() => listener(keyChange))),
  };
}

/** A SOF-over-JSON emulator of the default protocol (`json` shape): `{ id?, fn, args }` in, `{ id?, code, result }` out. */
export function createSofJsonEmulator(backend: SofBackend): SofJsonEmulator {
  return createSofWireEmulator(backend, 'json');
}

type Listener = (event: { readonly data?: unknown }) => void;

/** A WebSocket class whose peer is `answer` in memory (replies and pushed messages arrive asynchronously, as over a socket). */
function emulatedWebSocket(answer: (text: string) => Promise<string | undefined>, push: (listener: (text: string) => void) => () => void): WebSocketConstructor {
  return class EmulatedWebSocket implements WebSocketLike {
    readyState = 0;
    readonly #listeners = new Map<string, Listener[]>();
    readonly #unsubscribe: () => void;

    constructor(_url: string) {
      this.#unsubscribe = push((text) => this.#deliver(text));
      setTimeout(() => {
        this.readyState = 1;
        this.#emit('open', {});
      }, 0);
    }

    #emit(type: string, event: { readonly data?: unknown }): void {
      for (const listener of this.#listeners.get(type) ?? []) listener(event);
    }

    #deliver(text: string): void {
      setTimeout(() => {
        if (this.readyState === 1) this.#emit('message', { data: text });
      }, 0);
    }

    addEventListener(type: string, listener: Listener): void {
      this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
    }

    send(data: string): void {
      if (this.readyState !== 1) throw new Error('not open');
      answer(data).then((reply) => reply !== undefined && this.#deliver(reply), () => undefined);
    }

    close(): void {
      if (this.readyState === 3) return;
      this.readyState = 3;
      this.#unsubscribe();
      setTimeout(() => this.#emit('close', {}), 0);
    }
  };
}
