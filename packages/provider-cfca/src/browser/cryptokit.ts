/**
 * CFCA keys through CFCA CryptoKit: a browser extension with a native host, spoken to the way CFCA's
 * `nmCryptokit.js` wrapper does (field: several customers' builds of that wrapper and CFCA's demo
 * page, all public). The driver talks to the extension itself; the wrapper is not needed.
 *
 * - Each platform gets its own product id (`com.cfca.cryptokit.<customer>`, the native host's name)
 *   and its own extension id. Chrome and Edge: `chrome.runtime.sendMessage(extensionId, request,
 *   callback)`; no answer means `chrome.runtime.lastError`. Firefox and Safari: a `CustomEvent`
 *   `<productId>.request` on `document` (detail: the request), answered by `<productId>.response`, or
 *   `<productId>.response.<randomId>` for an invoked function, whose detail is the reply as JSON
 *   text (a detail that is not text is refused); the Firefox extension marks the page with an element
 *   whose id is `<productId>.extension`. `connect`, `checkHost` and `disconnect` carry no random id,
 *   so their answer comes on the shared `<productId>.response`: another script on the page (e.g. the
 *   platform's own `nmCryptokit.js`) could take or supply it.
 * - Start: `{ action: 'connect', host: productId }`, then the host check: `{ action: 'checkHost' }`
 *   or an invoked function `checkHost`, both seen in public builds (even of one preset's names), so
 *   the build's form is tried first and the other one when it fails; calls: `{ action: 'invoke',
 *   funcInfo: { function, params: [...] | null, randomId } }`; reply `{ errorcode: 0, result }`, or a
 *   failure `{ errorcode, result }`.
 * - The wrapper's own codes: 1 connection (`lastError`'s text), 2 extension missing, 3 browser not
 *   supported, 4 host missing, 5 extension exited: all `CLIENT_NOT_RUNNING` here, at start or on any
 *   later call (which then connects again next time), with `details.reason` `extension-missing`,
 *   `browser-unsupported` or `host-missing`. ASSUMED: the host's own codes are never 1 to 5. Any other
 *   code is the host's: the host's text is then read with `GetLastErrorDesc` (the bank build:
 *   `GetErrorCode` + `GetErrorMessage(code)`, the code used only when that call succeeded), as CFCA's
 *   demo does.
 * - Function names differ between builds: see {@link CRYPTOKIT_BUILDS}, or pass a map.
 * - The PIN is typed in the CSP's own dialog while signing (`pinEntry: 'client'`); no retry count is
 *   exposed (a wrong PIN has `source: 'unknown'`).
 *
 * ASSUMED (no public source): the host's error texts. Failures are told apart by Windows smart-card /
 * CSP codes in the code or the text (`0x8010006E` cancelled, `0x8010006B` wrong PIN, `0x8010006C`
 * PIN blocked, `0x80100069` card removed, `0x8010000C` no card, `0x80090016` / `0x80092004` not
 * found, `0x80090008` / `0x80090009` algorithm) and by words (取消 / cancel, 锁定 / locked, 口令错误
 * / wrong PIN, 拔出 / removed, 未插入 / no card, 找不到证书 / certificate not found); any other host
 * failure is `CLIENT_REPORTED_ERROR`, with the function (`details.fn`) and the host's text
 * (`details.vendorText`, at most 200 characters). Also assumed: signatures are detached; the hash is `SM3` when `CertType`
 * says SM2, else `SHA-256` (the name CryptoKit gives SM3 is not confirmed); a select answering
 * `false` found no certificate; the certificate id is the `SerialNumber` answer and selects it again.
 */
import {
  UNKNOWN_PIN_STATUS,
  YizhengError,
  bounded,
  cleanBase64,
  isYizhengError,
  retriesText,
  type ClientErrorCode,
  type TokenCallOptions,
  type TokenCertificate,
  type TokenDriver,
  type TokenSignature,
} from '@yizheng/core/client';

/** The client's name in `CLIENT_NOT_RUNNING`. */
export const CFCA_CLIENT_NAME = 'CFCA CryptoKit';

/**
 * A call: the host function's name, then its parameters. Strings starting with `$` are filled in:
 * `$subject`, `$issuer` (DN filters), `$serial` (serial number filter), `$csp` (CSP list),
 * `$source` (the text to sign), `$hash` (hash name), `$code` (the host's error code).
 */
export type CryptoKitCall = readonly [fn: string, ...params: readonly (string | number | boolean)[]];

/** A CryptoKit build: how its host is checked and the calls the driver makes. */
export interface CryptoKitBuild {
  /** The host check tried first: `{ action: 'checkHost' }` (`action`) or an invoked function `checkHost` (`invoke`); the other form is tried when it fails. */
  readonly checkHost: 'action' | 'invoke';
  /** Selects the signing certificate (a dialog when several match). */
  readonly select: CryptoKitCall;
  /** Reads the selected certificate, base64 DER. */
  readonly certificate?: CryptoKitCall | undefined;
  /** Reads its serial number: the driver's certificate id, passed back as `$serial`. */
  readonly serial?: CryptoKitCall | undefined;
  /** Reads its CN: the label. */
  readonly label?: CryptoKitCall | undefined;
  /** Reads its key type (`SM2` or `RSA`), to choose the hash. */
  readonly certType?: CryptoKitCall | undefined;
  /** Signs `$source`: base64 PKCS#7 SignedData, detached. */
  readonly sign: CryptoKitCall;
  /** Reads the host's last error code (`$code` of `lastError`), when the build needs it. */
  readonly errorCode?: CryptoKitCall | undefined;
  /** Reads the host's last error text. */
  readonly lastError: CryptoKitCall;
}

const info = (type: string): CryptoKitCall => ['GetSignCertInfo', type];

/**
 * The builds seen in the field (function names as the wrappers send them):
 * - `selectCertificate`: `SelectCertificate(subjectDN, issuerDN, serial, cspList)`,
 *   `getSignCertInfo(type)`, `SignMsgPKCS7(source, hash, attached)`, `GetLastErrorDesc()`;
 * - `selectSignCert`: `SelectSignCert(subjectDN, issuerDN, serial, SM2ProviderName)`,
 *   `GetSignCertInfo(type)`, `SignMsgPKCS7`, `GetLastErrorDesc()`;
 * - `bank`: `SetCert('SC', dn, serial, email, issuerDN, certBase64)`, `GetCertCN()`,
 *   `DetachSignStr(dn, source)`, `GetErrorCode()`, `GetErrorMessage(code)`, host check invoked. No
 *   call reading the certificate or its serial number was seen (OPEN): add `certificate` and
 *   `serial` to a copy of it for such a build.
 */
export const CRYPTOKIT_BUILDS = {
  selectCertificate: {
    checkHost: 'action',
    select: ['SelectCertificate', '$subject', '$issuer', '$serial', '$csp'],
    certificate: ['getSignCertInfo', 'CertContent'],
    serial: ['getSignCertInfo', 'SerialNumber'],
    label: ['getSignCertInfo', 'SubjectCN'],
    certType: ['getSignCertInfo', 'CertType'],
    sign: ['SignMsgPKCS7', '$source', '$hash', false],
    lastError: ['GetLastErrorDesc'],
  },
  selectSignCert: {
    checkHost: 'action',
    select: ['SelectSignCert', '$subject', '$issuer', '$serial', '$csp'],
    certificate: info('CertContent'),
    serial: info('SerialNumber'),
    label: info('SubjectCN'),
    certType: info('CertType'),
    sign: ['SignMsgPKCS7', '$source', '$hash', false],
    lastError: ['GetLastErrorDesc'],
  },
  bank: {
    checkHost: 'invoke',
    select: ['SetCert', 'SC', '$subject', '$serial', '', '$issuer', ''],
    label: ['GetCertCN'],
    sign: ['DetachSignStr', '', '$source'],
    errorCode: ['GetErrorCode'],
    lastError: ['GetErrorMessage', '$code'],
  },
} as const satisfies Record<string, CryptoKitBuild>;

/** A preset's name. */
export type CryptoKitBuildName = keyof typeof CRYPTOKIT_BUILDS;

/** `chrome.runtime` as a page sees it when the extension accepts the page's messages. */
export interface ChromeRuntimeLike {
  sendMessage(extensionId: string, message: unknown, callback: (response?: unknown) => void): void;
  readonly lastError?: { readonly message?: string | undefined } | undefined;
}

/** What the DOM-event form uses of the page's `document`. */
export interface CryptoKitDocument {
  addEventListener(type: string, listener: (event: { readonly detail?: unknown }) => void): void;
  removeEventListener(type: string, listener: (event: { readonly detail?: unknown }) => void): void;
  dispatchEvent(event: never): boolean;
  getElementById?(id: string): unknown;
}

/** Options of {@link createCfcaDriver}. */
export interface CfcaDriverOptions {
  /** The platform's CryptoKit product id, e.g. `com.cfca.cryptokit.<customer>`. */
  readonly productId: string;
  /** The platform's Chrome extension id (for `chrome.runtime.sendMessage`). */
  readonly extensionId?: string | undefined;
  /** The platform's Edge extension id, when it differs; default `extensionId`. */
  readonly edgeExtensionId?: string | undefined;
  /** The build: a preset name (default `selectCertificate`) or a map. */
  readonly build?: CryptoKitBuildName | CryptoKitBuild | undefined;
  /** `runtime` (Chrome, Edge), `events` (Firefox, Safari), or `auto` (default): `runtime` when `chrome.runtime` is there and an extension id is given. */
  readonly transport?: 'auto' | 'runtime' | 'events' | undefined;
  /** `chrome.runtime`; default the page's. */
  readonly runtime?: ChromeRuntimeLike | undefined;
  /** The document the extension listens on; default the page's. */
  readonly document?: CryptoKitDocument | undefined;
  /** CSP names to search (`$csp`), e.g. `CFCA CSP v3.0||CFCA Ulan CSP v4.0`; default all. */
  readonly cspList?: string | undefined;
  /** Subject DN filter (`$subject`); default none. */
  readonly subjectFilter?: string | undefined;
  /** Issuer DN filter (`$issuer`); default none. */
  readonly issuerFilter?: string | undefined;
  /** The hash name (`$hash`); default by the certificate type (see the module comment). */
  readonly hashAlgorithm?: string | undefined;
  /** Time for calls the user acts on (selection, PIN dialog); default 120 s. */
  readonly interactiveTimeoutMs?: number | undefined;
  /** Time for other calls; default 10 s. */
  readonly timeoutMs?: number | undefined;
}

interface Reply {
  readonly errorcode: number;
  readonly result?: unknown;
}
type Send = (request: Record<string, unknown>, timeoutMs: number, signal?: AbortSignal) => Promise<Reply>;

const protocol = (reason: string, details: object = {}): YizhengError => new YizhengError('CLIENT_PROTOCOL_ERROR', { ...details, reason });
const notRunning = (reason?: 'extension-missing' | 'host-missing' | 'browser-unsupported', text?: string): YizhengError =>
  new YizhengError('CLIENT_NOT_RUNNING', { client: CFCA_CLIENT_NAME, ...(reason && { reason }), ...(text && { text: text.slice(0, 200) }) });
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Whether `code` is one of the wrapper's own (1 to 5; ASSUMED never the host's). */
const isWrapperCode = (code: number): boolean => code >= 1 && code <= 5;

/** The wrapper's codes 1 to 5, at start or later: why the client is not running. */
function wrapperFailure(reply: Reply): YizhengError {
  const code = reply.errorcode;
  const text = str(reply.result);
  const reason = code === 3 ? 'browser-unsupported' : code === 2 || code === 5 || (code === 1 && !/host/i.test(text)) ? 'extension-missing' : 'host-missing';
  return notRunning(reason, text || `errorcode ${code}`);
}

const CSP_CODES: Readonly<Record<number, ClientErrorCode>> = {
  0x8010006e: 'USER_CANCELLED',
  0x800704c7: 'USER_CANCELLED',
  0x8010006b: 'PIN_INCORRECT',
  0x8010006c: 'PIN_LOCKED',
  0x80100069: 'DEVICE_REMOVED',
  0x8010000c: 'TOKEN_NOT_PRESENT',
  0x80090016: 'CERT_NOT_FOUND',
  0x80092004: 'CERT_NOT_FOUND',
  0x80090008: 'MECHANISM_UNSUPPORTED',
  0x80090009: 'MECHANISM_UNSUPPORTED',
};

/** Text patterns, in this order (ASSUMED wording, see the module comment). */
const TEXTS: readonly (readonly [RegExp, ClientErrorCode])[] = [
  [/取消|cancel/i, 'USER_CANCELLED'],
  [/锁定|锁死|已锁|被锁|locked|blocked|maximum number of PIN/i, 'PIN_LOCKED'],
  [/(PIN|口令|密码)[^,，。;；]{0,8}(错误|不正确|有误|校验失败|验证失败)|(wrong|incorrect|invalid) (PIN|password)/i, 'PIN_INCORRECT'],
  [/拔出|移除|拔掉|removed/i, 'DEVICE_REMOVED'],
  [/未插入|没有插入|请插入|未检测到(USB)?Key|no smart ?card|not inserted/i, 'TOKEN_NOT_PRESENT'],
  [/(找不到|未找到|没有找到|不存在|没有|无)[^,，。]{0,6}证书|证书[^,，。]{0,6}(不存在|找不到|未找到)|找不到对象|no (valid |matching )?certificate|certificate[^.]{0,20}not found|cannot find object/i, 'CERT_NOT_FOUND'],
  [/(不支持|unsupported|not supported|invalid)[^.。]{0,20}(算法|algorithm)|(算法|algorithm)[^.。]{0,20}(不支持|not supported|unsupported|invalid)/i, 'MECHANISM_UNSUPPORTED'],
];

/** The client error for a host failure, from the host's code and text. */
function hostFailure(fn: string, errorcode: unknown, text: string): YizhengError {
  const numeric = typeof errorcode === 'number' ? errorcode >>> 0 : NaN;
  const hex = /0x([0-9a-f]{8})/i.exec(text)?.[1];
  const code = CSP_CODES[numeric] ?? (hex ? CSP_CODES[Number.parseInt(hex, 16)] : undefined) ?? TEXTS.find(([pattern]) => pattern.test(text))?.[1];
  const details = { fn, errorcode: errorcode ?? null, vendorText: text.slice(0, 200) || `errorcode ${String(errorcode)}` };
  if (code === 'PIN_INCORRECT') return new YizhengError(code, { ...retriesText(UNKNOWN_PIN_STATUS), ...UNKNOWN_PIN_STATUS, ...details });
  if (code === 'PIN_LOCKED') return new YizhengError(code, { ...UNKNOWN_PIN_STATUS, remaining: 0, locked: true, ...details });
  if (code) return new YizhengError(code, code === 'MECHANISM_UNSUPPORTED' ? { ...details, mechanism: fn } : details);
  return new YizhengError('CLIENT_REPORTED_ERROR', details);
}

/** Checks a reply's shape. */
function toReply(raw: unknown): Reply {
  if (raw === null) throw notRunning('extension-missing', 'no reply: the extension was removed');
  const record = typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const code = record['errorcode'];
  const errorcode = typeof code === 'number' ? code : typeof code === 'string' && /^-?\d+$/.test(code) ? Number(code) : NaN;
  if (!Number.isInteger(errorcode)) throw protocol('the reply is not { errorcode, result }');
  if (errorcode === 0 && !('result' in record)) throw protocol('the reply has no result');
  return { errorcode, result: record['result'] };
}

const randomId = (): string => Math.random().toString(36).slice(2, 12).padEnd(10, '0');

/** A token driver for CFCA keys through CryptoKit (see the module comment). */
export function createCfcaDriver(options: CfcaDriverOptions): TokenDriver {
  const product = options.productId;
  const build: CryptoKitBuild = typeof options.build === 'object' ? options.build : CRYPTOKIT_BUILDS[options.build ?? 'selectCertificate'];
  const quick = options.timeoutMs ?? 10_000;
  const interactive = options.interactiveTimeoutMs ?? 120_000;
  const g = globalThis as { chrome?: { runtime?: ChromeRuntimeLike }; document?: CryptoKitDocument; navigator?: { userAgent?: string } };
  let ready: Promise<Send> | undefined;
  let selected: { readonly id: string; readonly type: string } | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const timeout = (what: string, ms: number) => () => protocol(`no answer to ${what} within ${Math.round(ms / 1000)} s`);

  function runtimeSend(runtime: ChromeRuntimeLike): Send {
    const edge = /Edg\//.test(g.navigator?.userAgent ?? '');
    const id = (edge && options.edgeExtensionId) || options.extensionId || '';
    return (request, ms, signal) =>
      bounded(
        new Promise<unknown>((resolve) => {
          try {
            runtime.sendMessage(id, request, (response) => resolve(response ?? { errorcode: 1, result: runtime.lastError?.message ?? 'no answer' }));
          } catch (error) {
            resolve({ errorcode: 1, result: error instanceof Error ? error.message : String(error) });
          }
        }).then(toReply),
        { signal, timeoutMs: ms, onTimeout: timeout(String(request['action']), ms) },
      );
  }

  function eventSend(doc: CryptoKitDocument): Send {
    const Event = (globalThis as unknown as { CustomEvent?: new (type: string, init: { detail: unknown }) => never }).CustomEvent;
    return (request, ms, signal) => {
      const id = (request['funcInfo'] as { randomId?: string } | undefined)?.randomId;
      const name = `${product}.response${id ? `.${id}` : ''}`;
      let listener: (event: { readonly detail?: unknown }) => void = () => undefined;
      const answer = new Promise<Reply>((resolve, reject) => {
        listener = ({ detail }) => {
          try {
            if (typeof detail !== 'string') throw protocol('the reply is not JSON text');
            resolve(toReply(JSON.parse(detail)));
          } catch (error) {
            reject(isYizhengError(error) ? error : protocol('the reply is not JSON'));
          }
        };
      });
      doc.addEventListener(name, listener);
      if (Event) doc.dispatchEvent(new Event(`${product}.request`, { detail: request }));
      return bounded(answer, { signal, timeoutMs: ms, onTimeout: timeout(String(request['action']), ms), cleanup: () => doc.removeEventListener(name, listener) });
    };
  }

  /** Finds the extension, connects it to the host and checks the host (the wrapper's `init`). */
  async function start(o?: TokenCallOptions): Promise<Send> {
    const runtime = options.runtime ?? g.chrome?.runtime;
    const doc = options.document ?? g.document;
    const mode = options.transport ?? 'auto';
    const useRuntime = mode === 'runtime' || (mode === 'auto' && !!runtime?.sendMessage && !!options.extensionId);
    if (/Trident|MSIE/.test(g.navigator?.userAgent ?? '') || (!useRuntime && !doc)) throw notRunning('browser-unsupported');
    if (useRuntime && !runtime?.sendMessage) throw notRunning('extension-missing', 'chrome.runtime is not available');
    const send = useRuntime && runtime ? runtimeSend(runtime) : eventSend(doc as CryptoKitDocument);
    const step = async (request: Record<string, unknown>, ms = quick): Promise<void> => {
      const reply = await send(request, ms, o?.signal);
      if (reply.errorcode !== 0) throw wrapperFailure(reply);
    };
    if (!useRuntime && !doc?.getElementById?.(`${product}.extension`)) {
      // No marker (Safari never sets one): ask the extension its version, as the wrapper does for Safari.
      await step({ action: 'getExtensionVersion', funcInfo: { function: 'getExtensionVersion', params: null, randomId: randomId() } }, 500).catch((error: unknown) => {
        throw isYizhengError(error, 'CLIENT_PROTOCOL_ERROR') ? notRunning('extension-missing') : error;
      });
    }
    await step({ action: 'connect', host: product });
    // The host check: the build's form, else the other one (public builds differ, see the module comment).
    const check = (form: string): Promise<Reply> =>
      send(form === 'invoke' ? { action: 'invoke', funcInfo: { function: 'checkHost', params: null, randomId: randomId() } } : { action: 'checkHost' }, quick, o?.signal);
    const first = await check(build.checkHost);
    const reply = first.errorcode === 0 || isWrapperCode(first.errorcode) ? first : await check(build.checkHost === 'invoke' ? 'action' : 'invoke');
    if (reply.errorcode !== 0) throw wrapperFailure(isWrapperCode(reply.errorcode) ? reply : first);
    return send;
  }

  /** Invokes `call` once; resolves with the whole reply (errorcode 0 or the host's). */
  async function invokeRaw(call: CryptoKitCall, values: Readonly<Record<string, string>>, ms: number, o?: TokenCallOptions): Promise<Reply> {
    const attempt = (ready ??= start(o));
    attempt.catch(() => {
      if (ready === attempt) ready = undefined;
    });
    const send = await attempt;
    const [fn, ...params] = call;
    const filled = params.map((p) => (typeof p === 'string' && p.startsWith('$') ? (values[p.slice(1)] ?? '') : p));
    const reply = await send({ action: 'invoke', funcInfo: { function: fn, params: filled.length ? filled : null, randomId: randomId() } }, ms, o?.signal);
    if (isWrapperCode(reply.errorcode)) {
      ready = undefined;
      throw wrapperFailure(reply);
    }
    return reply;
  }

  /** Invokes `call`; a host failure is classified by the host's last error (code and text). */
  async function invoke(call: CryptoKitCall, values: Readonly<Record<string, string>>, ms: number, o?: TokenCallOptions): Promise<unknown> {
    let reply: Reply;
    try {
      reply = await invokeRaw(call, values, ms, o);
    } catch (error) {
      // Not running, or no or a malformed answer: connect again next time (the extension may be gone).
      if (isYizhengError(error, 'CLIENT_NOT_RUNNING') || isYizhengError(error, 'CLIENT_PROTOCOL_ERROR')) ready = undefined;
      throw error;
    }
    if (reply.errorcode === 0) return reply.result;
    let text = str(reply.result);
    let code = reply.errorcode;
    try {
      if (build.errorCode) {
        // The host's code, only when that call itself succeeded with a number.
        const read = await invokeRaw(build.errorCode, {}, quick, o);
        const value = read.result;
        const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
        if (read.errorcode === 0 && Number.isFinite(n)) code = n;
      }
      const described = await invokeRaw(build.lastError, { code: String(code) }, quick, o);
      if (described.errorcode === 0) text = str(described.result) || text;
    } catch (error) {
      // The text is a help, not a must: classify by what is known, unless the client went away.
      if (isYizhengError(error, 'CLIENT_NOT_RUNNING')) throw error;
    }
    const error = hostFailure(call[0], code, text);
    if (error.code === 'DEVICE_REMOVED' || error.code === 'TOKEN_NOT_PRESENT' || error.code === 'CERT_NOT_FOUND') selected = undefined;
    throw error;
  }

  async function read(call: CryptoKitCall | undefined, what: string, o?: TokenCallOptions): Promise<string> {
    if (!call) throw protocol(`this CryptoKit build has no call reading the ${what}: add \`${what}\` to the build map`);
    const value = await invoke(call, {}, quick, o);
    if (typeof value !== 'string') throw protocol(`${call[0]} answered without a text result`);
    return value.trim();
  }

  /** Selects a certificate (all, or by serial number) and reads it. */
  async function select(serial: string, o?: TokenCallOptions): Promise<TokenCertificate> {
    selected = undefined;
    const values = { subject: options.subjectFilter ?? '', issuer: options.issuerFilter ?? '', serial, csp: options.cspList ?? '' };
    const answer = await invoke(build.select, values, interactive, o);
    if (answer === false || answer === 'false') throw new YizhengError('CERT_NOT_FOUND', { certId: serial });
    const certificate = cleanBase64(await read(build.certificate, 'certificate', o));
    if (certificate === undefined) throw protocol('the certificate is not base64');
    const id = await read(build.serial, 'serial', o);
    if (id === '') throw protocol('no serial number');
    if (serial !== '' && id.toUpperCase() !== serial.toUpperCase()) throw new YizhengError('CERT_NOT_FOUND', { certId: serial });
    const type = build.certType ? await read(build.certType, 'certType', o).catch(() => '') : '';
    const label = build.label ? await read(build.label, 'label', o) : '';
    selected = { id, type };
    return { id, label: label || id, certificate, provider: 'cfca' };
  }

  /** Runs one operation at a time: CryptoKit signs with the certificate selected last. */
  function exclusive<T>(run: () => Promise<T>): Promise<T> {
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  }

  return {
    id: 'cfca-cryptokit',
    pinEntry: 'client',
    listCertificates: (o) =>
      exclusive(async () => {
        try {
          return [await select('', o)];
        } catch (error) {
          if (isYizhengError(error, 'CERT_NOT_FOUND') || isYizhengError(error, 'TOKEN_NOT_PRESENT')) return [];
          throw error;
        }
      }),
    // The PIN is typed in the CSP's dialog when signing: login selects the certificate, which
    // checks that the key and the certificate are there.
    login: (certId, _pin, o) => exclusive(async () => void (await select(certId, o))),
    sign: (certId, text, o) =>
      exclusive(async (): Promise<TokenSignature> => {
        if (typeof text !== 'string' || text === '') throw protocol('nothing to sign');
        if (selected?.id !== certId) await select(certId, o);
        const hash = options.hashAlgorithm ?? (/SM2/i.test(selected?.type ?? '') ? 'SM3' : 'SHA-256');
        const signature = cleanBase64(await invoke(build.sign, { source: text, hash }, interactive, o));
        // 24 base64 characters: 16 bytes, less than any signature.
        if (signature === undefined || signature.length < 24) throw protocol(`${build.sign[0]} did not return base64`);
        return { signature, format: 'cms' };
      }),
    async close() {
      selected = undefined;
      const connected = ready;
      ready = undefined;
      const send = await connected?.catch(() => undefined);
      await send?.({ action: 'disconnect', host: product }, 1000).catch(() => undefined);
    },
  };
}
