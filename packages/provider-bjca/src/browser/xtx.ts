/**
 * BJCA's key client (BJCA证书应用环境 / 证书助手) as a token driver: the XTX WebSocket protocol the
 * client serves on loopback (field: from BJCA's own page scripts, xtxasyn.js).
 *
 * - URL `ws://127.0.0.1:21051/xtxapp/`, or `wss://127.0.0.1:21061/xtxapp/` for an https page;
 * - request `{ call_cmd_id, xtx_func_name, param: [...], URL, token? }`, reply `{ call_cmd_id,
 *   retVal }` (some versions say `retValue`); `token` comes with a successful `SOF_Login` and goes
 *   back with later calls;
 * - booleans may come as `"true"` / `"false"`, numbers as strings;
 * - a failed call answers `false`, `""` or `-1`; `SOF_GetLastError` then gives the SOF error code;
 * - after a failed `SOF_Login`, `SOF_GetPinRetryCount` gives the tries left (0: locked, "contact BJCA
 *   to unlock");
 * - key insertion and removal arrive as a message whose `call_cmd_id` is `onUsbkeyChange`;
 * - `SOF_SignData(certId, text)` signs the ASCII bytes of the text (verified on a real BJCA signature) and returns base64
 *   (DER for SM2 keys); PINs are 6 to 16 characters.
 */
import {
  YizhengError,
  createJsonSocket,
  createSofDriver,
  type SofCarrier,
  type SofFunction,
  type TokenDriver,
  type WebSocketConstructor,
} from '@yizheng/core/client';

/** The client's name in `CLIENT_NOT_RUNNING`, as BJCA's user manual names it. */
export const BJCA_CLIENT_NAME = 'BJCA证书应用环境';

/** The XTX service's loopback URLs, for http and https pages. */
export const BJCA_XTX_URLS = { http: 'ws://127.0.0.1:21051/xtxapp/', https: 'wss://127.0.0.1:21061/xtxapp/' } as const;

/** Options of {@link createBjcaDriver}. */
export interface BjcaDriverOptions {
  /** The XTX service URL; default by the page's protocol (see {@link BJCA_XTX_URLS}). */
  readonly url?: string | undefined;
  /** The page URL sent with each call (the client shows it); default `location.href`. */
  readonly pageUrl?: string | undefined;
  /** Time for calls the user acts on (login, sign, change PIN); default 60 s. */
  readonly interactiveTimeoutMs?: number | undefined;
  /** Time for other calls; default 10 s. */
  readonly timeoutMs?: number | undefined;
  /** Time to connect; default 5 s. */
  readonly connectTimeoutMs?: number | undefined;
  /** WebSocket constructor; default the global one. */
  readonly WebSocket?: WebSocketConstructor | undefined;
}

const BOOLEAN_RESULTS: ReadonlySet<string> = new Set(['SOF_Login', 'SOF_ChangePassWd', 'SOF_Logout']);
const NUMBER_RESULTS: ReadonlySet<string> = new Set(['SOF_GetPinRetryCount', 'SOF_GetLastError']);

function page(): { readonly protocol?: string; readonly href?: string } {
  return (globalThis as { location?: { protocol?: string; href?: string } }).location ?? {};
}

/** True when the XTX value means the call failed. */
function failed(fn: string, value: unknown): boolean {
  if (BOOLEAN_RESULTS.has(fn)) return !(value === true || value === 'true');
  if (NUMBER_RESULTS.has(fn)) return Number(value) < 0;
  return fn !== 'SOF_GetUserList' && value === '';
}

function xtxCarrier(options: BjcaDriverOptions): SofCarrier {
  const url = options.url ?? (page().protocol === 'https:' ? BJCA_XTX_URLS.https : BJCA_XTX_URLS.http);
  const quick = options.timeoutMs ?? 10_000;
  let loginToken = '';
  const socket = createJsonSocket({
    url,
    client: BJCA_CLIENT_NAME,
    idField: 'call_cmd_id',
    idPrefix: 'i_',
    eventName: (m) => (typeof m['call_cmd_id'] === 'string' && /^on/i.test(m['call_cmd_id']) ? m['call_cmd_id'].toLowerCase() : undefined),
    connectTimeoutMs: options.connectTimeoutMs,
    WebSocket: options.WebSocket,
  });

  async function xtx(fn: string, param: readonly (string | number)[], timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
    const reply = await socket.request(
      { xtx_func_name: fn, param, URL: options.pageUrl ?? page().href ?? '', ...(loginToken !== '' && { token: loginToken }) },
      { signal, timeoutMs, what: fn },
    );
    if (typeof reply['token'] === 'string' && reply['token'] !== '') loginToken = reply['token'];
    if ('retVal' in reply) return reply['retVal'];
    if ('retValue' in reply) return reply['retValue'];
    throw new YizhengError('CLIENT_PROTOCOL_ERROR', { reason: `the reply to ${fn} has no retVal` });
  }

  return {
    async call(fn: SofFunction, args, o) {
      const value = await xtx(fn, args, o.timeoutMs, o.signal);
      if (!failed(fn, value)) return { ok: true, value };
      if (fn === 'SOF_Login') loginToken = '';
      const code = Number(await xtx('SOF_GetLastError', [], quick, o.signal));
      return { ok: false, code: Number.isInteger(code) && code > 0 ? code : 0 };
    },
    onChange: (listener) =>
      socket.onEvent((name) => {
        if (name === 'onusbkeychange') listener();
      }),
    close: () => socket.close(),
  };
}

/**
 * A token driver for BJCA keys through BJCA证书应用环境 (see the module comment). Every failure is a
 * client error: `CLIENT_NOT_RUNNING` when the client is not installed or not started, `PIN_INCORRECT`
 * with the tries left, `PIN_LOCKED`, `PIN_LEN_RANGE` (6–16), `TOKEN_NOT_PRESENT`, `CERT_NOT_FOUND`,
 * `DEVICE_REMOVED`, `USER_CANCELLED`, `CLIENT_PROTOCOL_ERROR`.
 */
export function createBjcaDriver(options: BjcaDriverOptions = {}): TokenDriver {
  return createSofDriver({
    id: 'bjca-xtx',
    provider: 'bjca',
    carrier: xtxCarrier(options),
    pinLength: { min: 6, max: 16 },
    interactiveTimeoutMs: options.interactiveTimeoutMs,
    timeoutMs: options.timeoutMs,
  });
}
