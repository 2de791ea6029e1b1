/**
 * SOF over JSON: the GM/T 0020 calls carried to a loopback client as JSON, for the vendors whose
 * client protocol is not public (Huixin, CMCA; DOMAIN.md §6 lists their transport as open).
 *
 * ASSUMPTIONS (not confirmed against a vendor client; everything here is configurable):
 * - the client listens on a loopback URL the integrator configures (no default port is known);
 * - `http(s)://` URLs take one POST per call, body `{"fn":"SOF_Login","args":[...]}` sent as
 *   `text/plain` (a CORS "simple request": no preflight, which loopback clients often do not answer);
 * - `ws(s)://` URLs take the same object plus an `id`, over one WebSocket; the reply echoes the `id`;
 *   a message with an `event` field and no known `id` is a key change notification;
 * - the reply is `{"code":0,"result":<return value>}`, `code` being the SOF error code (`SOR_OK` = 0);
 * - function names are the standard `SOF_*` names unless `functionNames` maps them.
 */
import { bounded, cancelled } from './abort';
import type { FetchLike } from './challenge';
import { clientError, isRecord, protocolError } from './errors';
import { createJsonSocket, type WebSocketConstructor } from './json-socket';
import { createSofDriver, type SofCarrier, type SofDriverOptions, type SofFunction, type SofReply } from './sof';
import type { TokenDriver } from './token-driver';

/** Options of {@link createSofJsonCarrier}. */
export interface SofJsonOptions {
  /** The client's loopback URL: `http(s)://...` (a POST per call) or `ws(s)://...` (one WebSocket). */
  readonly url: string;
  /** The client's name for `CLIENT_NOT_RUNNING`, e.g. `汇信CA证书客户端`. */
  readonly client: string;
  /** The client's names for the SOF functions, when they differ from the standard ones. */
  readonly functionNames?: Readonly<Partial<Record<SofFunction, string>>> | undefined;
  /** `fetch` for HTTP URLs; default the global one. */
  readonly fetch?: FetchLike | undefined;
  /** WebSocket constructor for ws URLs; default the global one. */
  readonly WebSocket?: WebSocketConstructor | undefined;
  /** Time to connect (WebSocket); default 5 s. */
  readonly connectTimeoutMs?: number | undefined;
}

/** The SOF reply in a JSON answer. */
function sofReply(body: unknown, fn: string): SofReply {
  if (!isRecord(body)) throw protocolError(`the answer to ${fn} is not a JSON object`);
  const code = body['code'];
  if (typeof code !== 'number' || !Number.isInteger(code)) throw protocolError(`the answer to ${fn} has no numeric "code"`);
  if (code !== 0) return { ok: false, code };
  if (!('result' in body)) throw protocolError(`the answer to ${fn} has no "result"`);
  return { ok: true, value: body['result'] };
}

/** Carries SOF calls as JSON to a loopback client (see the module comment for the assumed protocol). */
export function createSofJsonCarrier(options: SofJsonOptions): SofCarrier {
  const name = (fn: SofFunction): string => options.functionNames?.[fn] ?? fn;
  const notRunning = (cause?: unknown): Error => clientError('CLIENT_NOT_RUNNING', { client: options.client, url: options.url }, cause);

  if (/^wss?:\/\//i.test(options.url)) {
    const socket = createJsonSocket({
      url: options.url,
      client: options.client,
      idField: 'id',
      eventName: (m) => (typeof m['event'] === 'string' ? m['event'] : undefined),
      connectTimeoutMs: options.connectTimeoutMs,
      WebSocket: options.WebSocket,
    });
    return {
      async call(fn, args, o) {
        const reply = await socket.request({ fn: name(fn), args }, { signal: o.signal, timeoutMs: o.timeoutMs, what: fn });
        return sofReply(reply, fn);
      },
      onChange: (listener) => socket.onEvent(() => listener()),
      close: () => socket.close(),
    };
  }

  return {
    async call(fn, args, o) {
      const doFetch = options.fetch ?? globalThis.fetch;
      const controller = new AbortController();
      const request = (async (): Promise<SofReply> => {
        let response: Response;
        try {
          response = await doFetch(options.url, {
            method: 'POST',
            headers: { 'content-type': 'text/plain;charset=UTF-8' },
            body: JSON.stringify({ fn: name(fn), args }),
            signal: controller.signal,
          });
        } catch (error) {
          if (controller.signal.aborted) throw cancelled();
          throw notRunning(error);
        }
        if (!response.ok) throw protocolError(`${options.client} answered ${fn} with HTTP ${response.status}`);
        let body: unknown;
        try {
          body = JSON.parse(await response.text());
        } catch {
          throw protocolError(`the answer to ${fn} is not JSON`);
        }
        return sofReply(body, fn);
      })();
      return bounded(request, {
        signal: o.signal,
        timeoutMs: o.timeoutMs,
        onTimeout: () => protocolError(`no reply to ${fn} within ${Math.round(o.timeoutMs / 1000)} s`),
        cleanup: () => controller.abort(),
      });
    },
  };
}

/** Options of {@link createSofJsonDriver}: the carrier's and the driver's. */
export type SofJsonDriverOptions = SofJsonOptions & Omit<SofDriverOptions, 'carrier'>;

/** A token driver for a SOF-over-JSON client: {@link createSofDriver} over {@link createSofJsonCarrier}. */
export function createSofJsonDriver(options: SofJsonDriverOptions): TokenDriver {
  return createSofDriver({ ...options, carrier: createSofJsonCarrier(options) });
}
