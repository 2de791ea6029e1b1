/**
 * BJCA's key client (BJCA证书应用环境 / 证书助手) as a token driver, speaking the XTX protocol as BJCA's
 * public page scripts xtxasyn.js 3.4.1 and XTXSAB.js 2.x speak it. Each fact is marked: *verified*
 * (checked against a real client or signature), *field* (read in BJCA's public scripts), *assumed*
 * (our choice where the scripts say nothing).
 *
 * Wire (field):
 * - WebSocket `ws://127.0.0.1:21051/xtxapp/` (`wss://127.0.0.1:21061/xtxapp/` from an https page);
 *   2.x clients answer on `ws://127.0.0.1:{4044,5044,6044,7044,8044}/`, tried in turn after 21051;
 *   the synchronous HTTP form `POST http(s)://127.0.0.1:21051|21061/synctl` is tried last, only when
 *   the `synctl` option asks for it;
 * - 3.4.1 request `{ call_cmd_id: "i_N", CLSID, xtx_func_name, func, URL, param_1..param_n, param,
 *   token? }`; 2.x request `{ cookie, xtx_func_name, call_cmd_id, URL, param_1..n, param }`;
 *   `/synctl` body `{ url, clsid, func, param, token? }`;
 * - reply `{ call_cmd_id, retValue | retVal, token? }`, `retValue` read first; booleans are the
 *   strings `"true"` / `"false"`, numbers are strings; an empty or null value stands for
 *   false / -1 / "" (field); a reply with neither field is a protocol error (assumed: the vendor
 *   scripts would read it as a failure, which after a login would look like a wrong PIN);
 * - the token comes with a successful `SOF_Login` (a token in any other reply is ignored: assumed),
 *   goes back with every later call, and is cleared when a login fails or `SOF_Logout` succeeds;
 * - a message whose `call_cmd_id` is `onUsbkeyChange` says a key came or went; messages without a
 *   `call_cmd_id` are ignored, as the vendor scripts do; a 2.x `set-cookie` value is kept and sent back
 *   as `cookie` (assumed: never the page's own cookies).
 *
 * Login (field, BJCA's own flow): when `SOF_Login` answers false the driver asks
 * `SOF_GetPinRetryCount` at once: > 0 is `PIN_INCORRECT` with the tries left, 0 is `PIN_LOCKED`
 * (请联系BJCA进行解锁), -8 an unknown certId (`CERT_NOT_FOUND`, or `TOKEN_NOT_PRESENT` when no key is
 * left); for those three `SOF_GetLastError` is not asked: BJCA numbers its errors its own way
 * (e.g. 18), not by the GM/T 0020 SOR table. For any other count (a negative one but -8) and for
 * other failures (an empty signature or certificate) the driver asks `SOF_GetLastError` and
 * `SOF_GetLastErrMsg` and keeps both (the text cut at 200 characters) in the error's details
 * (`vendorCode`, `vendorText`); it tells a pulled-out key by the user list (the certificate is
 * gone: `DEVICE_REMOVED`) and the user's cancel by the message (取消 / cancel; assumed).
 *
 * Where calls go (assumed): the first URL that connects, in the order above; a call that was sent
 * and then lost is never sent again elsewhere. PIN-bearing and signing calls (`SOF_Login`,
 * `SOF_LoginEx`, `SOF_ChangePassWd`, `SOF_SignData`, `SOF_SignMessage`) go only to the endpoint that
 * last gave a well-formed XTX reply (asked `SOF_GetUserList` first when none has), never down the
 * list: a PIN is not handed to whatever else listens on a 2.x port; otherwise `CLIENT_NOT_RUNNING`.
 *
 * Keys (field): user list `name||certId&&&...&&&`; certIds `<container>/<device serial>` (the serial
 * becomes `keyId`); PINs match `^.{6,16}$`; the exchange (encryption) certificate is
 * `SOF_ExportExChangeUserCert`. `SOF_SignData(certId, text)` signs the text's bytes and returns
 * base64 (DER for SM2 keys) (verified on a real BJCA signature).
 *
 * Decryption (an envelope's content key, at 开标): `SOF_PriKeyDecrypt(certId, inData)` returning a
 * string (field: xtxasyn.js 3.4.1's function table, alias PriKeyDecrypt; there is no
 * `SOF_AsymDecrypt`, and `SOF_DecryptData` opens a whole PKCS#7 envelope). Assumed: `inData` is the
 * base64 ciphertext, the value the base64 plaintext, the container's encryption key decrypts with its
 * own scheme (no algorithm argument: `algorithm` is not sent), and an empty value is a failure read
 * like a signature's. It goes only where the PIN went (as the PIN-bearing calls do).
 */
import {
  YizhengError,
  bounded,
  checkPinLength,
  cleanBase64,
  createJsonSocket,
  exactPinStatus,
  formatPinError,
  isYizhengError,
  parseSofUserList,
  type ErrorDetails,
  type FetchLike,
  type JsonSocket,
  type PinStatus,
  type SofUser,
  type TokenCallOptions,
  type TokenCertificate,
  type TokenDriver,
  type TokenEvent,
  type WebSocketConstructor,
  type WebSocketLike,
} from '@yizheng/core/client';

/** The client's name in `CLIENT_NOT_RUNNING`, as BJCA's user manual names it. */
export const BJCA_CLIENT_NAME = 'BJCA证书应用环境';

/** The XTX service's loopback URLs (3.x clients), for http and https pages (field). */
export const BJCA_XTX_URLS = { http: 'ws://127.0.0.1:21051/xtxapp/', https: 'wss://127.0.0.1:21061/xtxapp/' } as const;

/** Where 2.x clients answer, tried in turn after the 3.x URL (field). */
export const BJCA_LEGACY_URLS: readonly string[] = [4044, 5044, 6044, 7044, 8044].map((port) => `ws://127.0.0.1:${port}/`);

/** The synchronous HTTP form, for http and https pages (field). */
export const BJCA_SYNCTL_URLS = { http: 'http://127.0.0.1:21051/synctl', https: 'https://127.0.0.1:21061/synctl' } as const;

/** The XTX control's CLSID, sent with each 3.x call (field). */
export const BJCA_XTX_CLSID = '3F367B74-92D9-4C5E-AB93-234F8A91D5E6';

/** Options of {@link createBjcaDriver}. */
export interface BjcaDriverOptions {
  /** The 3.x XTX WebSocket URL; default by the page's protocol (see {@link BJCA_XTX_URLS}). */
  readonly url?: string | undefined;
  /** 2.x WebSocket URLs tried in turn when the 3.x one does not connect; default {@link BJCA_LEGACY_URLS}, `[]` for none. */
  readonly legacyUrls?: readonly string[] | undefined;
  /** Also try the synchronous `/synctl` HTTP form last: `true` for {@link BJCA_SYNCTL_URLS}, or its URL; default off. */
  readonly synctl?: boolean | string | undefined;
  /** The page URL sent with each call (the client shows it); default `location.href`. */
  readonly pageUrl?: string | undefined;
  /** Time for calls the user acts on (login, sign, change PIN); default 60 s. */
  readonly interactiveTimeoutMs?: number | undefined;
  /** Time for other calls; default 10 s. */
  readonly timeoutMs?: number | undefined;
  /** Time to connect to each URL; default 5 s. */
  readonly connectTimeoutMs?: number | undefined;
  /** WebSocket constructor; default the global one. */
  readonly WebSocket?: WebSocketConstructor | undefined;
  /** fetch for `/synctl`; default the global one. */
  readonly fetch?: FetchLike | undefined;
}

/** BJCA's answer to `SOF_GetPinRetryCount` for a certId it does not know (field). */
const UNKNOWN_CERT_ID = -8;
const BOOLEAN = /^SOF_(Login|LoginEx|ChangePassWd|Logout)$/;
const NUMBER = /^SOF_(GetPinRetryCount|GetLastError)$/;
const CANCELLED = /取消|cancel/i;
/** Calls that carry a PIN, sign or decrypt: sent only where a well-formed XTX reply came from. */
const PINNED = /^SOF_(Login|LoginEx|ChangePassWd|SignData|SignMessage|PriKeyDecrypt)$/;
/** The most of a vendor's text kept in an error. */
const cut = (text: string): string => text.slice(0, 200);

type Value = boolean | number | string;
type Reply = Record<string, unknown>;

/** One way to the client: a 3.x or 2.x WebSocket, or `/synctl`. */
interface Endpoint {
  readonly url: string;
  /** Sends a call; rejects with client errors. */
  send(fn: string, params: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<Reply>;
  /** False while nothing was ever connected for the latest attempt (then the call was not sent). */
  reached(): boolean;
  readonly socket?: JsonSocket;
  close(): void;
}

function page(): { readonly protocol?: string; readonly href?: string } {
  return (globalThis as { location?: { protocol?: string; href?: string } }).location ?? {};
}

function protocolError(reason: string): YizhengError {
  return new YizhengError('CLIENT_PROTOCOL_ERROR', { reason });
}

/** The call's value: `retValue` first, then `retVal`; strings turned into booleans and numbers. */
function valueOf(fn: string, reply: Reply): Value {
  const raw = Object.hasOwn(reply, 'retValue') ? reply['retValue'] : Object.hasOwn(reply, 'retVal') ? reply['retVal'] : reply;
  if (raw === reply) throw protocolError(`the reply to ${fn} has neither retValue nor retVal`);
  const empty = raw === null || raw === undefined || raw === '';
  if (BOOLEAN.test(fn)) return raw === true || raw === 'true';
  if (NUMBER.test(fn)) {
    const n = empty ? -1 : Number(raw);
    if (!Number.isInteger(n)) throw protocolError(`${fn} did not return a number`);
    return n;
  }
  if (empty) return '';
  if (typeof raw !== 'string') throw protocolError(`${fn} did not return a string`);
  return raw;
}

/**
 * A WebSocket constructor that records whether its latest socket ever opened: a call that failed
 * before that was never sent, so the next URL may be tried.
 */
function tracking(options: BjcaDriverOptions, state: { opened: boolean }): WebSocketConstructor {
  return function Tracked(url: string): WebSocketLike {
    state.opened = false;
    const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Ctor) throw new Error('no WebSocket');
    const ws = new Ctor(url);
    ws.addEventListener('open', () => void (state.opened = true));
    return ws;
  } as unknown as WebSocketConstructor;
}

/**
 * A token driver for BJCA keys through BJCA证书应用环境 (see the module comment). Every failure is a
 * client error: `CLIENT_NOT_RUNNING` when no URL answers (`details.tried` lists them), `PIN_INCORRECT`
 * with the tries left, `PIN_LOCKED` (`reason: 'contact-ca'`: 请联系BJCA进行解锁), `PIN_LEN_RANGE`
 * (6–16), `TOKEN_NOT_PRESENT`, `CERT_NOT_FOUND`, `DEVICE_REMOVED`, `USER_CANCELLED`, and
 * `CLIENT_PROTOCOL_ERROR`: for replies that break the protocol (`details.reason` says how), and with
 * `CLIENT_REPORTED_ERROR` for a failure BJCA's client reported with a code the driver cannot read
 * (see {@link bjcaClientError}).
 */
export function createBjcaDriver(options: BjcaDriverOptions = {}): TokenDriver {
  const https = page().protocol === 'https:';
  const pageUrl = (): string => options.pageUrl ?? page().href ?? '';
  const quick = options.timeoutMs ?? 10_000;
  const interactive = options.interactiveTimeoutMs ?? 60_000;
  let token = '';
  let cookie = '';
  let known: readonly SofUser[] | undefined;

  function wsEndpoint(url: string, legacy: boolean): Endpoint {
    const state = { opened: false };
    const socket = createJsonSocket({
      url,
      client: BJCA_CLIENT_NAME,
      idField: 'call_cmd_id',
      idPrefix: 'i_',
      // Events by name (onUsbkeyChange); messages with no call_cmd_id (a 2.x set-cookie) are no error.
      eventName: (m) => {
        const id = m['call_cmd_id'];
        if (typeof m['set-cookie'] === 'string') cookie = m['set-cookie'];
        return typeof id === 'string' && /^on/i.test(id) ? id.toLowerCase() : id === undefined || id === '' ? '' : undefined;
      },
      connectTimeoutMs: options.connectTimeoutMs,
      WebSocket: tracking(options, state),
    });
    return {
      url,
      socket,
      reached: () => state.opened,
      close: () => socket.close(),
      async send(fn, params, timeoutMs, signal) {
        const numbered: Record<string, string> = {};
        params.forEach((p, i) => void (numbered[`param_${i + 1}`] = p));
        const message = legacy
          ? { cookie, xtx_func_name: fn, URL: pageUrl(), ...numbered, param: params }
          : { CLSID: BJCA_XTX_CLSID, xtx_func_name: fn, func: fn, URL: pageUrl(), ...numbered, param: params, ...(token !== '' && { token }) };
        const reply = await socket.request(message, { signal, timeoutMs, what: fn });
        if (typeof reply['set-cookie'] === 'string') cookie = reply['set-cookie'];
        return reply;
      },
    };
  }

  function httpEndpoint(url: string): Endpoint {
    let reached = false;
    return {
      url,
      reached: () => reached,
      close: () => undefined,
      async send(fn, params, timeoutMs, signal) {
        const fetcher = options.fetch ?? (globalThis as { fetch?: FetchLike }).fetch;
        const controller = new AbortController();
        const body = JSON.stringify({ url: pageUrl(), clsid: BJCA_XTX_CLSID, func: fn, param: params, ...(token !== '' && { token }) });
        const request = (async (): Promise<Reply> => {
          let res: Response;
          try {
            if (!fetcher) throw new Error('no fetch');
            res = await fetcher(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: controller.signal });
          } catch (cause) {
            reached = false;
            throw new YizhengError('CLIENT_NOT_RUNNING', { client: BJCA_CLIENT_NAME, url }, { cause });
          }
          reached = true;
          if (res.status !== 200) throw protocolError(`${fn} answered HTTP ${res.status}`);
          let reply: unknown;
          try {
            reply = await res.json();
          } catch {
            reply = undefined;
          }
          if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) throw protocolError(`the reply to ${fn} is not a JSON object`);
          return reply as Reply;
        })();
        return bounded(request, {
          signal,
          timeoutMs,
          onTimeout: () => protocolError(`no reply to ${fn} within ${Math.round(timeoutMs / 1000)} s`),
          cleanup: () => controller.abort(),
        });
      },
    };
  }

  const endpoints: Endpoint[] = [
    wsEndpoint(options.url ?? (https ? BJCA_XTX_URLS.https : BJCA_XTX_URLS.http), false),
    ...(options.legacyUrls ?? BJCA_LEGACY_URLS).map((url) => wsEndpoint(url, true)),
    ...(options.synctl ? [httpEndpoint(typeof options.synctl === 'string' ? options.synctl : https ? BJCA_SYNCTL_URLS.https : BJCA_SYNCTL_URLS.http)] : []),
  ];
  let active: Endpoint | undefined;
  /** The endpoint that last gave a well-formed XTX reply: the only one PINNED calls go to. */
  let trusted: Endpoint | undefined;

  /**
   * Sends `fn` where the client answers: the endpoint that answered last, else each in turn; a PINNED
   * call only to the trusted endpoint.
   */
  async function send(fn: string, params: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<[Reply, Endpoint]> {
    const pinned = PINNED.test(fn);
    const order = pinned ? (trusted ? [trusted] : []) : active ? [active, ...endpoints.filter((e) => e !== active)] : endpoints;
    let first: unknown;
    for (const endpoint of order) {
      try {
        const reply = await endpoint.send(fn, params, timeoutMs, signal);
        active = endpoint;
        return [reply, endpoint];
      } catch (error) {
        if (!isYizhengError(error, 'CLIENT_NOT_RUNNING')) throw error;
        if (active === endpoint) active = undefined;
        // It dropped while the call was out, or it carries a PIN: never send it anywhere else.
        if (pinned || endpoint.reached()) throw error;
        first ??= error;
      }
    }
    throw new YizhengError('CLIENT_NOT_RUNNING', { client: BJCA_CLIENT_NAME, url: endpoints[0]?.url, tried: endpoints.map((e) => e.url) }, { cause: first });
  }

  /** One XTX call and its value, with the token rules. */
  async function call(fn: string, params: readonly string[], timeoutMs: number, o?: TokenCallOptions): Promise<Value> {
    if (PINNED.test(fn) && !trusted) await call('SOF_GetUserList', [], quick, o);
    const [reply, endpoint] = await send(fn, params, timeoutMs, o?.signal);
    const value = valueOf(fn, reply);
    trusted = endpoint;
    const login = /^SOF_Login(Ex)?$/.test(fn);
    if (login && value === true && typeof reply['token'] === 'string' && reply['token'] !== '') token = reply['token'];
    if ((login && value !== true) || (fn === 'SOF_Logout' && value === true)) token = '';
    return value;
  }

  async function users(o?: TokenCallOptions): Promise<SofUser[]> {
    const list = parseSofUserList(await call('SOF_GetUserList', [], quick, o));
    known = list;
    return list;
  }

  /** The error for a certificate the client does not know: no key left at all, or another key. */
  async function notFound(fn: string, certId: string, details: ErrorDetails, o?: TokenCallOptions): Promise<YizhengError> {
    const list = await users(o).catch(() => undefined);
    return new YizhengError(list?.length === 0 ? 'TOKEN_NOT_PRESENT' : 'CERT_NOT_FOUND', { fn, certId, ...details });
  }

  /** A failure other than a PIN check: BJCA's own code and message, read by what they mean. */
  async function failure(fn: string, certId: string, o?: TokenCallOptions, extra: ErrorDetails = {}): Promise<YizhengError> {
    const before = known;
    const vendorCode = await call('SOF_GetLastError', [], quick, o).catch(() => undefined);
    const vendorText = await call('SOF_GetLastErrMsg', [], quick, o).catch(() => undefined);
    const details: ErrorDetails = { fn, certId, ...extra, ...(vendorCode !== undefined && { vendorCode }), ...(vendorText !== undefined && vendorText !== '' && { vendorText: cut(String(vendorText)) }) };
    if (typeof vendorText === 'string' && CANCELLED.test(vendorText)) return new YizhengError('USER_CANCELLED', details);
    const list = await users(o).catch(() => undefined);
    if (list && !list.some((u) => u.certId === certId)) {
      if (before?.some((u) => u.certId === certId)) return new YizhengError('DEVICE_REMOVED', details);
      return new YizhengError(list.length === 0 ? 'TOKEN_NOT_PRESENT' : 'CERT_NOT_FOUND', details);
    }
    return bjcaClientError(details);
  }

  /** After a failed PIN check: BJCA's flow, the tries left at once. */
  async function pinFailure(fn: string, certId: string, o?: TokenCallOptions): Promise<YizhengError> {
    const n = Number(await call('SOF_GetPinRetryCount', [certId], quick, o));
    if (n > 0) return formatPinError(exactPinStatus(n));
    if (n === 0) return bjcaLocked();
    if (n === UNKNOWN_CERT_ID) return notFound(fn, certId, { retryCount: n }, o);
    return failure(fn, certId, o, { retryCount: n });
  }

  async function pinStatus(certId: string, o?: TokenCallOptions): Promise<PinStatus> {
    const n = Number(await call('SOF_GetPinRetryCount', [certId], quick, o));
    if (n >= 0) return exactPinStatus(n);
    throw n === UNKNOWN_CERT_ID ? await notFound('SOF_GetPinRetryCount', certId, { retryCount: n }, o) : await failure('SOF_GetPinRetryCount', certId, o, { retryCount: n });
  }

  async function base64(fn: string, certId: string, params: readonly string[], timeoutMs: number, o?: TokenCallOptions): Promise<string> {
    const raw = await call(fn, params, timeoutMs, o);
    if (raw === '') throw await failure(fn, certId, o);
    const b64 = cleanBase64(raw);
    // 16 bytes at least: "true", "null" or "fail" is no certificate or signature.
    if (b64 === undefined || b64.length < 24) throw protocolError(`${fn} did not return base64`);
    return b64;
  }

  const serial = (certId: string): string | undefined => (certId.includes('/') ? certId.slice(certId.lastIndexOf('/') + 1) || undefined : undefined);

  return {
    id: 'bjca-xtx',
    pinEntry: 'page',
    async listCertificates(o) {
      const out: TokenCertificate[] = [];
      for (const user of await users(o)) {
        const certificate = await base64('SOF_ExportUserCert', user.certId, [user.certId], quick, o);
        const encryption = cleanBase64(await call('SOF_ExportExChangeUserCert', [user.certId], quick, o));
        const keyId = serial(user.certId);
        out.push({
          id: user.certId,
          label: user.label,
          certificate,
          ...(encryption !== undefined && { encryptionCertificate: encryption }),
          provider: 'bjca',
          ...(keyId !== undefined && { keyId }),
        });
      }
      return out;
    },
    async login(certId, pin, o) {
      checkPinLength(pin, { min: 6, max: 16 });
      if ((await call('SOF_Login', [certId, pin], interactive, o)) !== true) throw await pinFailure('SOF_Login', certId, o);
    },
    async sign(certId, text, o) {
      if (typeof text !== 'string' || text === '') throw protocolError('nothing to sign');
      return { signature: await base64('SOF_SignData', certId, [certId, text], interactive, o), format: 'auto' };
    },
    async decrypt(request, o) {
      const certId = request?.certificateId;
      const ciphertext = cleanBase64(request?.ciphertext);
      if (typeof certId !== 'string' || certId === '') throw new YizhengError('CERT_NOT_FOUND', { fn: 'SOF_PriKeyDecrypt', reason: 'no certificate id' });
      if (ciphertext === undefined) throw protocolError('the ciphertext to decrypt is not base64');
      // An envelope's encrypted content key (an RSA-8192 block at most), as the PKCS#11 bridge takes it: nothing larger reaches the client.
      if ((ciphertext.length / 4) * 3 - (ciphertext.length - ciphertext.replace(/=+$/, '').length) > 1024) throw protocolError('the ciphertext to decrypt exceeds 1024 bytes');
      return base64('SOF_PriKeyDecrypt', request.certificateId, [request.certificateId, ciphertext], interactive, o);
    },
    getPinStatus: pinStatus,
    async changePin(certId, oldPin, newPin, o) {
      checkPinLength(newPin, { min: 6, max: 16 });
      if ((await call('SOF_ChangePassWd', [certId, oldPin, newPin], interactive, o)) !== true) throw await pinFailure('SOF_ChangePassWd', certId, o);
    },
    async logout(certId) {
      await call('SOF_Logout', [certId], quick);
    },
    onEvent(listener: (event: TokenEvent) => void) {
      let off: (() => void) | undefined;
      let stopped = false;
      const changed = (): void => {
        const before = new Map((known ?? []).map((u) => [u.certId, u]));
        users()
          .then((list) => {
            const now = new Map(list.map((u) => [u.certId, u]));
            const emit = (type: TokenEvent['type'], gone: Map<string, SofUser>, there: Map<string, SofUser>): void => {
              const ids = [...gone.keys()].filter((id) => !there.has(id));
              if (ids.length === 0) return;
              const keyId = serial(ids[0] ?? '');
              listener(keyId === undefined ? { type } : { type, keyId });
            };
            emit('removed', before, now);
            emit('inserted', now, before);
          })
          .catch(() => undefined);
      };
      // Subscribe on the endpoint that answers (after a first user list, which also sets the baseline).
      users()
        .catch(() => undefined)
        .then(() => {
          if (stopped) return;
          const socket = (active ?? endpoints[0])?.socket;
          off = socket?.onEvent((name) => {
            if (name === 'onusbkeychange') changed();
          });
        })
        .catch(() => undefined);
      return () => {
        stopped = true;
        off?.();
      };
    },
    async close() {
      for (const e of endpoints) e.close();
    },
  };
}

/** `PIN_LOCKED` as BJCA words it: 请联系BJCA进行解锁 (field). */
function bjcaLocked(): YizhengError {
  return new YizhengError('PIN_LOCKED', { ...exactPinStatus(0), reason: 'contact-ca', ca: 'BJCA' });
}

/**
 * A failure BJCA's client reported with a code the driver does not read (BJCA numbers its errors its
 * own way): `CLIENT_REPORTED_ERROR` (as core's SOF drivers report a
 * vendor code they cannot read), its message quoting BJCA's own words; the details keep BJCA's code
 * and message as they came (`vendorCode`, `vendorText`: at most 200 characters), the call (`fn`) and the certificate (`certId`).
 */
export function bjcaClientError(details: ErrorDetails): YizhengError {
  const text = details['vendorText'];
  return new YizhengError('CLIENT_REPORTED_ERROR', {
    ...details,
    client: BJCA_CLIENT_NAME,
    vendorText: cut(typeof text === 'string' && text !== '' ? text : `${String(details['fn'] ?? 'XTX')}: ${String(details['vendorCode'] ?? '?')}`),
  });
}
