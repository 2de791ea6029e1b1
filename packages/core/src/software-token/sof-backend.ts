/**
 * A GM/T 0020 SOF "client" over a software token, for emulating vendor key clients in tests and
 * demos: it answers SOF calls with the token's certificates, PIN counter and signatures, and fails
 * them with the SOF error codes real clients use. {@link createSofJsonEmulator} puts it behind the
 * SOF-over-JSON protocol of `createSofJsonCarrier`.
 */
import type { FetchLike } from '../client/challenge';
import { isYizhengError } from '../client/errors';
import type { WebSocketConstructor, WebSocketLike } from '../client/json-socket';
import { SOF_ERRORS, type SofReply } from '../client/sof';
import type { ClientFault } from './driver-checks';
import type { SoftwareToken } from './software-token';

/** A SOF client answering from a software token. */
export interface SofBackend {
  /** Answers a SOF call as a vendor client would: the return value, or the SOF error code. */
  call(fn: string, args: readonly unknown[]): Promise<SofReply>;
  /** The code of the last failed call (what `SOF_GetLastError` returns). */
  readonly lastError: number;
  /** Makes the next call of `fn` fail with `code`, e.g. `SOF_ERRORS.USER_CANCELLED` (the user cancelled the client's dialog). */
  failNext(fn: string, code: number): void;
  /** Listens for the key being inserted or removed (what a client pushes as a key change event). */
  onChange(listener: () => void): () => void;
}

/** SOR_IndataErr: bad input data. */
const INPUT_ERROR = 0x0b000201;

const TO_SOF: Readonly<Record<string, number>> = {
  PIN_INCORRECT: SOF_ERRORS.WRONG_PIN,
  PIN_LOCKED: SOF_ERRORS.PIN_LOCKED,
  DEVICE_REMOVED: SOF_ERRORS.DEVICE_REMOVED,
  // A client with no key inserted finds no certificate for the id.
  TOKEN_NOT_PRESENT: SOF_ERRORS.CERT_NOT_FOUND,
  CERT_NOT_FOUND: SOF_ERRORS.CERT_NOT_FOUND,
  USER_CANCELLED: SOF_ERRORS.USER_CANCELLED,
  TOKEN_LOGIN_REQUIRED: SOF_ERRORS.NOT_LOGGED_IN,
  MECHANISM_UNSUPPORTED: SOF_ERRORS.ALGORITHM,
  PIN_LEN_RANGE: INPUT_ERROR,
};

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v ?? ''));

/** A SOF client over `token` (create the token with `signatureFormat: 'der'` to answer as most SOF clients do). */
export function createSofBackend(token: SoftwareToken): SofBackend {
  let lastError = 0;
  const injected = new Map<string, number>();

  async function run(fn: string, a: readonly unknown[]): Promise<unknown> {
    const certId = str(a[0]);
    switch (fn) {
      case 'SOF_GetUserList':
        return (await token.listCertificates()).map((c) => `${c.label}||${c.id}&&&`).join('');
      case 'SOF_ExportUserCert':
      case 'SOF_ExportExChangeUserCert': {
        if (!token.present) throw Object.assign(new Error('absent'), { sof: SOF_ERRORS.CERT_NOT_FOUND });
        const cert = (await token.listCertificates()).find((c) => c.id === certId);
        const value = fn === 'SOF_ExportUserCert' ? cert?.certificate : cert?.encryptionCertificate;
        if (value === undefined) throw Object.assign(new Error('no certificate'), { sof: SOF_ERRORS.CERT_NOT_FOUND });
        return value;
      }
      case 'SOF_Login':
        await token.login(certId, str(a[1]));
        return true;
      case 'SOF_GetPinRetryCount':
        return (await token.getPinStatus(certId)).remaining;
      case 'SOF_SignData':
        return (await token.sign(certId, str(a[1]))).signature;
      case 'SOF_ChangePassWd':
        await token.changePin(certId, str(a[1]), str(a[2]));
        return true;
      case 'SOF_Logout':
        await token.logout(certId);
        return true;
      case 'SOF_GetLastError':
        return lastError;
      default:
        throw Object.assign(new Error(fn), { sof: SOF_ERRORS.NOT_SUPPORTED });
    }
  }

  return {
    get lastError() {
      return lastError;
    },
    failNext(fn, code) {
      injected.set(fn, code);
    },
    onChange: (listener) => token.onEvent(() => listener()),
    async call(fn, args) {
      const forced = injected.get(fn);
      if (forced !== undefined) {
        injected.delete(fn);
        lastError = forced;
        return { ok: false, code: forced };
      }
      try {
        const value = await run(fn, args);
        if (fn !== 'SOF_GetLastError') lastError = 0;
        return { ok: true, value };
      } catch (error) {
        const sof = (error as { sof?: unknown }).sof;
        const code = typeof sof === 'number' ? sof : isYizhengError(error) ? (TO_SOF[error.code] ?? SOF_ERRORS.UNKNOWN) : SOF_ERRORS.UNKNOWN;
        lastError = code;
        return { ok: false, code };
      }
    },
  };
}

/** Answers the SOF-over-JSON protocol (one request text in, one reply text out) from a {@link SofBackend}. */
export interface SofJsonEmulator {
  /** The reply to a request (an HTTP body or a WebSocket message), or undefined when it is dropped. */
  answer(request: string): Promise<string | undefined>;
  /**
   * Makes the next reply faulty: not JSON, without `code` / `result`, with a wrong `id`, or
   * `silent` (never sent); or replaces it with `reply(request)`'s text (undefined: dropped).
   */
  tamperNext(fault: ClientFault | ((request: Readonly<Record<string, unknown>>) => string | undefined)): void;
  /** The SOF client behind it. */
  readonly backend: SofBackend;
  /** A `fetch` that answers in memory, as the client would over HTTP (a `silent` reply never comes). */
  readonly fetch: FetchLike;
  /** A WebSocket class that talks to the emulator in memory; key changes arrive as `{"event":"keychange"}`. */
  readonly WebSocket: WebSocketConstructor;
}

const FAULTS: Readonly<Record<ClientFault, (request: Readonly<Record<string, unknown>>) => string | undefined>> = {
  'not-json': () => 'SOR_OK<html>',
  'missing-fields': (request) => JSON.stringify({ id: request['id'] }),
  'wrong-id': () => JSON.stringify({ id: 'not-asked', code: 0, result: true }),
  silent: () => undefined,
};

/** A SOF-over-JSON emulator: `{ id?, fn, args }` in, `{ id?, code, result }` out. */
export function createSofJsonEmulator(backend: SofBackend): SofJsonEmulator {
  const tampers: ((request: Readonly<Record<string, unknown>>) => string | undefined)[] = [];
  async function answer(text: string): Promise<string | undefined> {
    let request: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      request = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    } catch {
      request = {};
    }
    const tamper = tampers.shift();
    if (tamper) return tamper(request);
    const id = request['id'];
    const fn = request['fn'];
    const args = request['args'];
    const reply =
      typeof fn === 'string' && Array.isArray(args) ? await backend.call(fn, args as readonly unknown[]) : { ok: false as const, code: INPUT_ERROR };
    return JSON.stringify({ ...(id !== undefined && { id }), ...(reply.ok ? { code: 0, result: reply.value } : { code: reply.code, result: null }) });
  }
  return {
    backend,
    answer,
    tamperNext(fault) {
      tampers.push(typeof fault === 'function' ? fault : FAULTS[fault]);
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
    WebSocket: emulatedWebSocket(answer, (listener) => backend.onChange(() => listener(JSON.stringify({ event: 'keychange' })))),
  };
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
