/**
 * SOF over JSON to a loopback key client, pluggable at both ends: a {@link SofProtocol} builds each
 * request and reads each reply (either may first ask the client more: a session handshake,
 * `SOF_GetLastError`); the wire is one HTTP POST per call (`http(s)://` URLs, the body sent as
 * `text/plain`: a CORS simple request, no preflight) or one WebSocket (`ws(s)://`, requests matched
 * to replies by an id field). Protocols for the shapes seen in the field are in `sof-presets.ts`.
 *
 * The default, {@link sofJsonProtocol}, is a shape of this SDK's own, documented for a vendor to
 * adopt (no vendor is known to speak it; Huixin's and CMCA's clients' protocols are not public):
 *
 * - request `{"fn": "SOF_Login", "args": ["<certId>", "<PIN>"]}`: the standard's function names and
 *   argument order; over a WebSocket with an `"id"` the reply echoes;
 * - success `{"code": 0, "result": <the function's return value>}`;
 * - failure `{"code": <SOR code, a number>, "message": "<the client's text>", "error": "<client code>"}`:
 *   `message` and `error` optional; `error` names what the SOR table has no code for
 *   (`PIN_INCORRECT`, `PIN_LOCKED`, `USER_CANCELLED`, `DEVICE_REMOVED`, `TOKEN_NOT_PRESENT`,
 *   `CERT_NOT_FOUND`, `TOKEN_LOGIN_REQUIRED`, `MECHANISM_UNSUPPORTED`);
 * - key changes (WebSocket only): a message with an `"event"` field and no `"id"`.
 */
import { bounded, cancelled } from './abort';
import type { FetchLike } from './challenge';
import { clientError, isRecord, protocolError } from './errors';
import { createJsonSocket, type WebSocketConstructor } from './json-socket';
import { createSofDriver, isSofMeaning, type SofCarrier, type SofCode, type SofDriverOptions, type SofErrorCodes, type SofFunction, type SofReply } from './sof';
import type { TokenDriver } from './token-driver';

/** One call as a {@link SofProtocol} sees it. */
export interface SofCall {
  /** The driver's name for the function. */
  readonly fn: SofFunction;
  /** The name to send (the standard's, or the protocol's / `functionNames`' mapping). */
  readonly name: string;
  /** The arguments, in the standard's order. */
  readonly args: readonly (string | number)[];
}

/** Sends one more JSON message on the carrier's wire (same timeout and abort as the call) and resolves with the reply object (`what` names it in errors). */
export type SofSend = (message: Record<string, unknown>, what: string) => Promise<Record<string, unknown>>;

/**
 * A client's JSON protocol: both ends of a SOF carrier. The carrier handles the wire and its errors
 * (not running, timeouts, replies that are not JSON objects); `reply` throws `CLIENT_PROTOCOL_ERROR`
 * when a reply lacks what it needs. Both ends may use `send` to ask more of the client: a session
 * handshake before a request, `SOF_GetLastError` after a failure.
 */
export interface SofProtocol {
  /** The request object for a call. */
  request(call: SofCall, send: SofSend): Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Reads the reply to a call. */
  reply(body: Record<string, unknown>, call: SofCall, send: SofSend): SofReply | Promise<SofReply>;
  /** Function names that differ from the standard's. */
  readonly names?: Readonly<Partial<Record<SofFunction, string>>> | undefined;
  /** The codes the client uses beyond the standard's; default `standard`. */
  readonly errorCodes?: SofErrorCodes | undefined;
  /** WebSocket: the field matching replies to requests; default `id`. */
  readonly idField?: string | undefined;
  /** WebSocket: true for a pushed message saying a key was inserted or removed; default: it has an `event` field. */
  isKeyChange?(message: Readonly<Record<string, unknown>>): boolean;
}

/** Options of {@link createSofJsonCarrier}. */
export interface SofJsonOptions {
  /** The client's loopback URL: `http(s)://...` (a POST per call) or `ws(s)://...` (one WebSocket). */
  readonly url: string;
  /** The client's name for `CLIENT_NOT_RUNNING`, e.g. `汇信CA证书客户端`. */
  readonly client: string;
  /** The client's protocol; default {@link sofJsonProtocol}. */
  readonly protocol?: SofProtocol | undefined;
  /** Function names that differ from the protocol's (and the standard's). */
  readonly functionNames?: Readonly<Partial<Record<SofFunction, string>>> | undefined;
  /** `fetch` for HTTP URLs; default the global one. */
  readonly fetch?: FetchLike | undefined;
  /** WebSocket constructor for ws URLs; default the global one. */
  readonly WebSocket?: WebSocketConstructor | undefined;
  /** Time to connect (WebSocket); default 5 s. */
  readonly connectTimeoutMs?: number | undefined;
}

/** @internal True for a code a client may send: a number or a non-blank string. */
export function isSofCode(code: unknown): code is SofCode {
  return typeof code === 'number' || (typeof code === 'string' && code.trim() !== '');
}

/** @internal `value` when it is a string, else undefined. */
export const textOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The default protocol: the documented shape of the module comment. */
export function sofJsonProtocol(): SofProtocol {
  return {
    request: (c) => ({ fn: c.name, args: c.args }),
    reply(body, c) {
      const code = body['code'];
      if (!isSofCode(code)) throw protocolError(`${c.name}: no "code"`);
      if (Number(code) === 0) {
        if (!('result' in body)) throw protocolError(`${c.name}: no "result"`);
        return { ok: true, value: body['result'] };
      }
      const error = body['error'];
      return { ok: false, code, text: textOf(body['message']), meaning: isSofMeaning(error) ? error : undefined };
    },
  };
}

/** Carries SOF calls as JSON to a loopback client, in its {@link SofProtocol} (default {@link sofJsonProtocol}). */
export function createSofJsonCarrier(options: SofJsonOptions): SofCarrier {
  const { url, client } = options;
  const protocol = options.protocol ?? sofJsonProtocol();
  const name = (fn: SofFunction): string =>
    options.functionNames?.[fn] ?? protocol.names?.[fn] ?? (fn === 'SOF_ExportExChangeUserCert' ? 'SOF_ExportExchangeUserCert' : fn);
  let send: (message: Record<string, unknown>, o: { readonly signal?: AbortSignal | undefined; readonly timeoutMs: number; readonly what: string }) => Promise<Record<string, unknown>>;
  let carrier: Pick<SofCarrier, 'onChange' | 'close'> = {};

  if (/^wss?:/i.test(url)) {
    const socket = createJsonSocket({
      url,
      client,
      idField: protocol.idField ?? 'id',
      eventName: (m) => ((protocol.isKeyChange?.(m) ?? 'event' in m) ? 'change' : undefined),
      connectTimeoutMs: options.connectTimeoutMs,
      WebSocket: options.WebSocket,
    });
    send = (message, o) => socket.request(message, o);
    carrier = { onChange: (listener) => socket.onEvent(() => listener()), close: () => socket.close() };
  } else {
    send = (message, o) => {
      const controller = new AbortController();
      const request = (async () => {
        let response: Response;
        try {
          response = await (options.fetch ?? globalThis.fetch)(url, {
            method: 'POST',
            headers: { 'content-type': 'text/plain;charset=UTF-8' },
            body: JSON.stringify(message),
            signal: controller.signal,
          });
        } catch (error) {
          throw controller.signal.aborted ? cancelled() : clientError('CLIENT_NOT_RUNNING', { client, url }, error);
        }
        if (!response.ok) throw protocolError(`${o.what}: HTTP ${response.status}`);
        let body: unknown;
        try {
          body = JSON.parse(await response.text());
        } catch {
          // not JSON: below
        }
        if (!isRecord(body)) throw protocolError(`${o.what}: not a JSON object`);
        return body;
      })();
      return bounded(request, {
        signal: o.signal,
        timeoutMs: o.timeoutMs,
        onTimeout: () => protocolError(`no reply to ${o.what} within ${Math.round(o.timeoutMs / 1000)} s`),
        cleanup: () => controller.abort(),
      });
    };
  }

  return {
    ...carrier,
    errorCodes: protocol.errorCodes,
    async call(fn, args, o) {
      const c: SofCall = { fn, name: name(fn), args };
      const more: SofSend = (message, what) => send(message, { signal: o.signal, timeoutMs: o.timeoutMs, what });
      return protocol.reply(await more(await protocol.request(c, more), c.name), c, more);
    },
  };
}

/** Options of {@link createSofJsonDriver}: the carrier's and the driver's (`errorCodes` overrides the protocol's). */
export type SofJsonDriverOptions = SofJsonOptions & Omit<SofDriverOptions, 'carrier'>;

/** A token driver for a SOF-over-JSON client: {@link createSofDriver} over {@link createSofJsonCarrier}. */
export function createSofJsonDriver(options: SofJsonDriverOptions): TokenDriver {
  return createSofDriver({ ...options, carrier: createSofJsonCarrier(options) });
}
