/**
 * Test support (not exported): CFCA CryptoKit as a page meets it, backed by a software token that
 * signs detached CMS. Both ways in: a fake `chrome.runtime.sendMessage` (Chrome, Edge) and the
 * extension's DOM-event content script (`<productId>.request` → `<productId>.response[.<randomId>]`,
 * the reply as JSON text; the `<productId>.extension` marker element). Behind them: `connect`,
 * `checkHost` (as an action or invoked), `getExtensionVersion`, `disconnect`, and the host's
 * functions under the names of one build; a host failure answers a non-zero `errorcode` with no text,
 * the text coming from `GetLastErrorDesc` (or `GetErrorCode` / `GetErrorMessage`). The CSP's PIN
 * dialog is simulated by `typePin`. Runs in Node (over an `EventTarget`) and in a browser page (over
 * its `document`).
 *
 * The host's error texts are ASSUMED (no public source): Windows' own wording of the smart-card
 * errors in English, or Chinese texts as Chinese CSPs write them.
 */
import type { ClientFault, SoftwareToken } from '@yizheng/core/software-token';
import { CRYPTOKIT_BUILDS, type ChromeRuntimeLike, type CryptoKitBuild, type CryptoKitBuildName, type CryptoKitCall, type CryptoKitDocument } from './cryptokit';

/** What the emulated PIN dialog does: the PIN the user types, or null for 取消. */
export type PinDialog = () => string | null | Promise<string | null>;

/** The failures the host reports, by the client code they should become. */
export type HostFailure = 'PIN_INCORRECT' | 'PIN_LOCKED' | 'USER_CANCELLED' | 'DEVICE_REMOVED' | 'TOKEN_NOT_PRESENT' | 'CERT_NOT_FOUND' | 'UNKNOWN_FUNCTION' | 'OTHER';

/** The host's last-error texts (ASSUMED wording), in Chinese and in Windows' English. */
export const HOST_TEXTS: Readonly<Record<HostFailure, { readonly zh: string; readonly en: string }>> = {
  PIN_INCORRECT: { zh: '用户口令错误', en: 'The card cannot be accessed because the wrong PIN was presented.' },
  PIN_LOCKED: { zh: '用户口令已锁定，请联系管理员解锁', en: 'The card cannot be accessed because the maximum number of PIN entry attempts has been reached.' },
  USER_CANCELLED: { zh: '用户取消了操作', en: 'The action was cancelled by the user.' },
  DEVICE_REMOVED: { zh: '智能卡已被拔出', en: 'The smart card has been removed, so that further communication is not possible.' },
  TOKEN_NOT_PRESENT: { zh: '未插入智能卡', en: 'The operation requires a Smart Card, but no Smart Card is currently in the device.' },
  CERT_NOT_FOUND: { zh: '找不到符合条件的证书', en: 'Cannot find object or property.' },
  UNKNOWN_FUNCTION: { zh: '不支持的函数', en: 'Unsupported function.' },
  OTHER: { zh: '内部错误', en: 'Internal error.' },
};

/** Options of {@link emulateCryptoKit}. */
export interface CryptoKitEmulatorOptions {
  /** The product id the extension and host answer to; default `com.cfca.cryptokit.yizheng`. */
  readonly productId?: string | undefined;
  /** The extension id `chrome.runtime.sendMessage` reaches; default a made-up one. */
  readonly extensionId?: string | undefined;
  /** The build whose function names the host knows; default `selectCertificate`. */
  readonly build?: CryptoKitBuildName | CryptoKitBuild | undefined;
  /** The CSP's PIN dialog; default types the token's PIN `123456`. */
  readonly typePin?: PinDialog | undefined;
  /** What `CertType` answers; default `SM2`. */
  readonly certType?: string | undefined;
  /** The language of the host's texts; default `zh`. */
  readonly texts?: 'zh' | 'en' | undefined;
  /** The page's document (in a browser); default a fresh `EventTarget` with `getElementById`. */
  readonly document?: CryptoKitDocument | undefined;
}

/** The emulator and its controls. */
export interface CryptoKitEmulator {
  readonly productId: string;
  readonly extensionId: string;
  /** The fake `chrome.runtime`. */
  readonly runtime: ChromeRuntimeLike;
  /** The document the content script listens on. */
  readonly document: CryptoKitDocument;
  /** Every request the extension got, in order (`connect`, `checkHost`, or the invoked function's name). */
  readonly requests: string[];
  /** The way the last request came in. */
  readonly lastVia: 'runtime' | 'events' | undefined;
  /** The sign calls seen: hash name and attached flag. */
  readonly signCalls: { readonly hash: string; readonly attached: unknown }[];
  /** Whether the extension is installed and enabled (default true). */
  extension: boolean;
  /** Whether the native host is installed (default true). */
  host: boolean;
  /** Makes the next reply faulty; false when the fault cannot happen on this way in (a wrong id over `chrome.runtime`). */
  tamper(fault: ClientFault, via?: 'runtime' | 'events'): boolean;
  /** Makes the next reply to `action` or invoked function (default any invoke) this one, e.g. `{ errorcode: 4, result: 'Host does not exist!' }`. */
  replyNext(reply: unknown, action?: string): void;
  /** Makes the next reply over DOM events carry this detail as is (not as JSON text). */
  rawNext(detail: unknown): void;
  /** Makes the next invoked function fail in the host with this text (and, when given, this code). */
  failNext(text: string, code?: number): void;
  /** Removes the content script's listener and the marker. */
  stop(): void;
}

interface MarkerDocument {
  createElement?(tag: string): { id: string; hidden?: boolean; remove(): void };
  body?: { appendChild(node: unknown): unknown };
}

const isVariable = (p: unknown): p is string => typeof p === 'string' && p.startsWith('$');

/** The values of a call's `$` parameters, when `fn` and `params` fit its template. */
function match(call: CryptoKitCall | undefined, fn: string, params: readonly unknown[]): Record<string, unknown> | undefined {
  if (!call || call[0] !== fn) return undefined;
  const template = call.slice(1);
  if (template.some((p, i) => !isVariable(p) && typeof p === 'string' && params[i] !== p)) return undefined;
  return Object.fromEntries(template.flatMap((p, i) => (isVariable(p) ? [[p.slice(1), params[i]]] : [])));
}

/** A CryptoKit stand-in over `token` (certificate serial numbers are the token's certificate ids). */
export function emulateCryptoKit(token: SoftwareToken, options: CryptoKitEmulatorOptions = {}): CryptoKitEmulator {
  const productId = options.productId ?? 'com.cfca.cryptokit.yizheng';
  const extensionId = options.extensionId ?? 'kgcdlhaplkmnofbeigbdnhjdbkimjokb';
  const build: CryptoKitBuild = typeof options.build === 'object' ? options.build : CRYPTOKIT_BUILDS[options.build ?? 'selectCertificate'];
  const typePin = options.typePin ?? (() => '123456');
  const lang = options.texts ?? 'zh';
  const doc: CryptoKitDocument = options.document ?? fakeDocument();
  const requests: string[] = [];
  const signCalls: { hash: string; attached: unknown }[] = [];
  const faults: { fault: ClientFault; via: 'runtime' | 'events' | undefined }[] = [];
  const replies: { reply: unknown; action: string }[] = [];
  const raws: unknown[] = [];
  const failures: { text: string; code: number }[] = [];
  let connected = false;
  let selected: string | undefined;
  let lastError = { code: 0, text: '' };
  let marker: { remove(): void } | undefined;
  let lastVia: 'runtime' | 'events' | undefined;

  function fakeDocument(): CryptoKitDocument {
    const target = new EventTarget();
    return {
      addEventListener: (type, listener) => target.addEventListener(type, listener as (event: Event) => void),
      removeEventListener: (type, listener) => target.removeEventListener(type, listener as (event: Event) => void),
      dispatchEvent: (event) => target.dispatchEvent(event as Event),
      getElementById: (id) => (emulator.extension && id === `${productId}.extension` ? {} : null),
    };
  }

  const ok = (result: unknown) => ({ errorcode: 0, result });
  function fail(kind: HostFailure | { text: string; code: number }): { errorcode: number; result: string } {
    lastError = typeof kind === 'object' ? kind : { code: -1, text: HOST_TEXTS[kind][lang] };
    return { errorcode: lastError.code, result: '' };
  }
  const fromToken = (error: unknown) => {
    const code = (error as { code?: string }).code ?? '';
    return fail(code in HOST_TEXTS ? (code as HostFailure) : 'OTHER');
  };

  async function certificateOf(serial: unknown) {
    return (await token.listCertificates()).find((c) => c.id === serial);
  }

  /** The host: one invoked function. */
  async function invoke(fn: string, params: readonly unknown[]): Promise<unknown> {
    const failure = failures.shift();
    if (failure) return fail(failure);
    if (fn === 'checkHost') return ok('');
    const errorCode = match(build.errorCode, fn, params);
    if (errorCode) return ok(String(lastError.code));
    if (match(build.lastError, fn, params)) return ok(lastError.text);
    const select = match(build.select, fn, params);
    if (select) {
      selected = undefined;
      if (!token.present) return fail('TOKEN_NOT_PRESENT');
      const serial = String(select['serial'] ?? '');
      const found = (await token.listCertificates()).find((c) => serial === '' || c.id.toUpperCase() === serial.toUpperCase());
      if (!found) return fail('CERT_NOT_FOUND');
      selected = found.id;
      return ok('true');
    }
    const reads: [CryptoKitCall | undefined, (c: { id: string; label: string; certificate: string }) => string][] = [
      [build.certificate, (c) => c.certificate],
      [build.serial, (c) => c.id],
      [build.label, (c) => c.label],
      [build.certType, () => options.certType ?? 'SM2'],
    ];
    for (const [call, value] of reads) {
      if (!match(call, fn, params)) continue;
      if (!token.present) return fail('TOKEN_NOT_PRESENT');
      const cert = await certificateOf(selected);
      return cert ? ok(value(cert)) : fail('CERT_NOT_FOUND');
    }
    const sign = match(build.sign, fn, params);
    if (sign) {
      const attachedAt = build.sign.slice(1).findIndex((p) => typeof p === 'boolean');
      signCalls.push({ hash: String(sign['hash'] ?? ''), attached: attachedAt < 0 ? undefined : params[attachedAt] });
      if (!token.present) return fail('TOKEN_NOT_PRESENT');
      if (selected === undefined || !(await certificateOf(selected))) return fail('CERT_NOT_FOUND');
      // A dialog may answer later (a page's own modal stands in for CryptoKit's window).
      const pin = await typePin();
      if (pin === null) return fail('USER_CANCELLED');
      if (!token.present) return fail('DEVICE_REMOVED'); // pulled out while the dialog was open
      try {
        await token.login(selected, pin);
        return ok((await token.sign(selected, String(sign['source'] ?? ''))).signature);
      } catch (error) {
        return fromToken(error);
      }
    }
    return fail('UNKNOWN_FUNCTION');
  }

  /** The extension: one request from the page. */
  async function handle(request: unknown): Promise<unknown> {
    const r = (typeof request === 'object' && request !== null ? request : {}) as { action?: unknown; host?: unknown; funcInfo?: { function?: unknown; params?: unknown } };
    const action = String(r.action);
    const name = action === 'invoke' ? String(r.funcInfo?.function) : action;
    requests.push(name);
    const planned = replies.findIndex((p) => p.action === action || (action === 'invoke' && (p.action === '' || p.action === name)));
    if (planned >= 0) return replies.splice(planned, 1)[0]?.reply;
    switch (action) {
      case 'getExtensionVersion':
        return ok('1.0.0.1');
      case 'connect':
        connected = emulator.host && r.host === productId;
        return connected ? ok('') : { errorcode: -1, result: 'Specified native messaging host not found.' };
      case 'disconnect':
        connected = false;
        return ok('');
      case 'checkHost':
        if (build.checkHost !== 'action') return { errorcode: -1, result: 'unknown action' };
        return connected ? ok('') : { errorcode: -1, result: 'Host does not exist!' };
      case 'invoke':
        if (!connected) return { errorcode: -1, result: 'not connected' };
        if (name === 'checkHost' && build.checkHost !== 'invoke') return fail('UNKNOWN_FUNCTION');
        return invoke(name, Array.isArray(r.funcInfo?.params) ? r.funcInfo.params : []);
      default:
        return { errorcode: -1, result: 'unknown action' };
    }
  }

  /** Applies a planned fault; undefined when the reply should not be sent. */
  function faulty(reply: unknown, via: 'runtime' | 'events'): { reply: unknown; suffix?: string } | undefined {
    if (via === 'events' && raws.length > 0) return { reply: raws.shift() };
    const index = faults.findIndex((f) => f.via === undefined || f.via === via);
    const fault = index < 0 ? undefined : faults.splice(index, 1)[0]?.fault;
    switch (fault) {
      case 'silent':
        return undefined;
      case 'not-json':
        return { reply: via === 'runtime' ? 'not json' : '{"errorcode":0,' };
      case 'missing-fields':
        return { reply: via === 'runtime' ? { errorcode: 0 } : '{"errorcode":0}' };
      case 'wrong-id':
        return { reply: JSON.stringify(reply), suffix: '.WRONGRANDOM' };
      default:
        return { reply: via === 'runtime' ? reply : JSON.stringify(reply) };
    }
  }

  const runtime: ChromeRuntimeLike & { lastError?: { message: string } | undefined } = {
    lastError: undefined,
    sendMessage(id, message, callback) {
      const answer = (reply: unknown, error?: string): void => {
        setTimeout(() => {
          runtime.lastError = error === undefined ? undefined : { message: error };
          callback(reply);
          runtime.lastError = undefined;
        }, 0);
      };
      if (!emulator.extension || id !== extensionId) return answer(undefined, 'Could not establish connection. Receiving end does not exist.');
      const copy = JSON.parse(JSON.stringify(message)) as unknown; // messages are copied, as structured clones are
      lastVia = 'runtime';
      void handle(copy).then((reply) => {
        const out = faulty(reply, 'runtime');
        if (out) answer(out.reply);
      });
    },
  };

  const onRequest = (event: { readonly detail?: unknown }): void => {
    if (!emulator.extension) return;
    const request = event.detail as { funcInfo?: { randomId?: unknown } } | undefined;
    const id = request?.funcInfo?.randomId;
    lastVia = 'events';
    void handle(request).then((reply) => {
      const out = faulty(reply, 'events');
      if (!out) return;
      const name = `${productId}.response${out.suffix ?? (typeof id === 'string' && id ? `.${id}` : '')}`;
      doc.dispatchEvent(new CustomEvent(name, { detail: out.reply }) as never);
    });
  };
  doc.addEventListener(`${productId}.request`, onRequest);

  function setMarker(present: boolean): void {
    const page = doc as unknown as MarkerDocument;
    if (!page.createElement || !page.body) return;
    if (present && !marker) {
      const element = page.createElement('div');
      element.id = `${productId}.extension`;
      element.hidden = true;
      page.body.appendChild(element);
      marker = element;
    } else if (!present && marker) {
      marker.remove();
      marker = undefined;
    }
  }

  let extension = true;
  const emulator: CryptoKitEmulator = {
    productId,
    extensionId,
    runtime,
    document: doc,
    requests,
    signCalls,
    get lastVia() {
      return lastVia;
    },
    get extension() {
      return extension;
    },
    set extension(value: boolean) {
      extension = value;
      setMarker(value);
    },
    host: true,
    tamper(fault, via) {
      if (fault === 'wrong-id' && via !== 'events') return false;
      faults.push({ fault, via });
      return true;
    },
    replyNext(reply, action = '') {
      replies.push({ reply, action });
    },
    rawNext(detail) {
      raws.push(detail);
    },
    failNext(text, code = -1) {
      failures.push({ text, code });
    },
    stop() {
      doc.removeEventListener(`${productId}.request`, onRequest);
      setMarker(false);
    },
  };
  setMarker(true);
  return emulator;
}
