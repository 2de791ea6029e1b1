/**
 * CFCA keys through CFCA CryptoKit, a browser extension with a native host (DOMAIN.md §6, field: the
 * `nmCryptokit` wrapper CFCA ships to integrators). The page passes the wrapper object (or a function
 * returning it, for an extension that loads late); its methods return Promises that resolve with
 * `{ errorcode: 0, result }` and reject with `{ errorcode, result: <error text> }`:
 *
 * - `init()` connects to the extension and its native host;
 * - `selectCertificate(subjectDNFilter, issuerDNFilter, serialNumber, cspList)` selects the
 *   certificate later calls use (a dialog when several match);
 * - `getSignCertInfo(type)`: `CertContent` (base64 DER), `SubjectCN`, `SerialNumber`, `CertType`;
 * - `signMsgPKCS7(source, hashAlgorithm, attached)`: a base64 PKCS#7 SignedData of the source.
 *
 * The PIN is typed in the CSP's own dialog when signing (`pinEntry: 'client'`), and no retry count is
 * exposed (a wrong PIN has `source: 'unknown'`).
 *
 * ASSUMPTIONS: signatures are detached (`attached` false: the server has the text); the hash is
 * `SM3` when `CertType` says SM2, else `SHA-256`; CryptoKit's own error codes are not public, so
 * failures are told apart by the Windows smart-card / CSP codes beneath it (`0x8010006E` cancelled,
 * `0x8010006B` wrong PIN, `0x8010006C` PIN blocked, `0x80100069` card removed, `0x8010000C` no card,
 * `0x80090016` / `0x80092004` key or certificate not found, `0x80090008` / `0x80090009` algorithm)
 * found in `errorcode` or in the error text, and by the words 取消 / cancel.
 */
import {
  UNKNOWN_PIN_STATUS,
  YizhengError,
  bounded,
  cleanBase64,
  formatPinError,
  isYizhengError,
  type TokenCallOptions,
  type TokenCertificate,
  type TokenDriver,
  type TokenSignature,
} from '@yizheng/core/client';

/** A CryptoKit answer. */
export interface CryptoKitResult {
  /** 0 on success. */
  readonly errorcode?: number | undefined;
  /** The value, or the error text. */
  readonly result?: unknown;
}

/** The CryptoKit wrapper's methods the driver uses (CFCA's `nmCryptokit`). */
export interface CfcaCryptoKit {
  /** Connects to the extension and its native host. */
  init?(): Promise<unknown>;
  /** Selects the certificate later calls use. */
  selectCertificate(subjectDNFilter: string, issuerDNFilter: string, serialNumber: string, cspList: string): Promise<CryptoKitResult | string>;
  /** A field of the selected certificate. */
  getSignCertInfo(infoType: string): Promise<CryptoKitResult | string>;
  /** Signs `source` as PKCS#7 SignedData. */
  signMsgPKCS7(source: string, hashAlgorithm: string, attached: boolean): Promise<CryptoKitResult | string>;
}

/** The client's name in `CLIENT_NOT_RUNNING`. */
export const CFCA_CLIENT_NAME = 'CFCA CryptoKit 浏览器扩展';

/** Options of {@link createCfcaDriver}. */
export interface CfcaDriverOptions {
  /** The CryptoKit wrapper, or a function returning it (undefined while the extension is missing). */
  readonly cryptoKit: CfcaCryptoKit | (() => CfcaCryptoKit | undefined);
  /** CSP names to search (`cspList`), e.g. `CFCA CSP v3.0||CFCA Ulan CSP v4.0`; default all. */
  readonly cspList?: string | undefined;
  /** Subject DN filter for the selection; default none. */
  readonly subjectFilter?: string | undefined;
  /** Issuer DN filter for the selection; default none. */
  readonly issuerFilter?: string | undefined;
  /** The hash for `signMsgPKCS7`; default by the certificate type (see the module comment). */
  readonly hashAlgorithm?: string | undefined;
  /** Time for calls the user acts on (selection, PIN dialog); default 120 s. */
  readonly interactiveTimeoutMs?: number | undefined;
  /** Time for other calls; default 10 s. */
  readonly timeoutMs?: number | undefined;
}

const CODES: readonly (readonly [number, 'USER_CANCELLED' | 'PIN_INCORRECT' | 'PIN_LOCKED' | 'DEVICE_REMOVED' | 'TOKEN_NOT_PRESENT' | 'CERT_NOT_FOUND' | 'MECHANISM_UNSUPPORTED'])[] = [
  [0x8010006e, 'USER_CANCELLED'],
  [0x800704c7, 'USER_CANCELLED'],
  [0x8010006b, 'PIN_INCORRECT'],
  [0x8010006c, 'PIN_LOCKED'],
  [0x80100069, 'DEVICE_REMOVED'],
  [0x8010000c, 'TOKEN_NOT_PRESENT'],
  [0x80090016, 'CERT_NOT_FOUND'],
  [0x80092004, 'CERT_NOT_FOUND'],
  [0x80090008, 'MECHANISM_UNSUPPORTED'],
  [0x80090009, 'MECHANISM_UNSUPPORTED'],
];

/** The client error for a CryptoKit rejection. */
function failure(reason: unknown, fn: string): YizhengError {
  const record = typeof reason === 'object' && reason !== null ? (reason as CryptoKitResult) : {};
  const text = typeof record.result === 'string' ? record.result : typeof reason === 'string' ? reason : '';
  const numeric = typeof record.errorcode === 'number' ? record.errorcode >>> 0 : undefined;
  const hex = /0x([0-9a-f]{8})/i.exec(text)?.[1];
  const code = numeric !== undefined && CODES.some(([c]) => c === numeric) ? numeric : hex === undefined ? numeric : Number.parseInt(hex, 16);
  const known = CODES.find(([c]) => c === code)?.[1] ?? (/取消|cancel/i.test(text) ? 'USER_CANCELLED' : undefined);
  const details = { fn, errorcode: record.errorcode ?? null, text: text.slice(0, 200) };
  if (known === 'PIN_INCORRECT' || known === 'PIN_LOCKED') return formatPinError({ ...UNKNOWN_PIN_STATUS, locked: known === 'PIN_LOCKED' });
  if (known === 'MECHANISM_UNSUPPORTED') return new YizhengError(known, { ...details, mechanism: fn });
  if (known) return new YizhengError(known, details);
  return new YizhengError('CLIENT_PROTOCOL_ERROR', { ...details, reason: `${fn} failed: ${text.slice(0, 120) || `errorcode ${String(record.errorcode)}`}` });
}

/** A token driver for CFCA keys through CryptoKit (see the module comment). */
export function createCfcaDriver(options: CfcaDriverOptions): TokenDriver {
  const quick = options.timeoutMs ?? 10_000;
  const interactive = options.interactiveTimeoutMs ?? 120_000;
  let ready: Promise<CfcaCryptoKit> | undefined;
  let selected: { readonly serial: string; readonly type: string } | undefined;

  const notRunning = (cause?: unknown): YizhengError => new YizhengError('CLIENT_NOT_RUNNING', { client: CFCA_CLIENT_NAME }, { cause });

  function kit(): Promise<CfcaCryptoKit> {
    ready ??= (async () => {
      const api = typeof options.cryptoKit === 'function' ? options.cryptoKit() : options.cryptoKit;
      if (!api) throw notRunning();
      try {
        await api.init?.();
      } catch (error) {
        throw notRunning(error);
      }
      return api;
    })();
    ready.catch(() => (ready = undefined));
    return ready;
  }

  /** Forgets the selection when the key or certificate is gone. */
  function forget<E extends { readonly code: string }>(error: E): E {
    if (error.code === 'DEVICE_REMOVED' || error.code === 'TOKEN_NOT_PRESENT' || error.code === 'CERT_NOT_FOUND') selected = undefined;
    return error;
  }

  /** Calls `fn`, bounded by the timeout and the signal; resolves with its `result`. */
  async function call(fn: string, run: (api: CfcaCryptoKit) => Promise<CryptoKitResult | string>, timeoutMs: number, o?: TokenCallOptions): Promise<string> {
    const api = await kit();
    let answer: CryptoKitResult | string;
    try {
      answer = await bounded(run(api), {
        signal: o?.signal,
        timeoutMs,
        onTimeout: () => new YizhengError('CLIENT_PROTOCOL_ERROR', { reason: `no answer to ${fn} within ${Math.round(timeoutMs / 1000)} s` }),
      });
    } catch (reason) {
      throw forget(isYizhengError(reason) ? reason : failure(reason, fn));
    }
    if (typeof answer === 'object' && answer.errorcode !== undefined && answer.errorcode !== 0) throw forget(failure(answer, fn));
    const value = typeof answer === 'string' ? answer : answer.result;
    if (typeof value !== 'string') throw new YizhengError('CLIENT_PROTOCOL_ERROR', { reason: `${fn} answered without a text result` });
    return value;
  }

  async function select(serial: string, o?: TokenCallOptions): Promise<TokenCertificate> {
    await call('SelectCertificate', (k) => k.selectCertificate(options.subjectFilter ?? '', options.issuerFilter ?? '', serial, options.cspList ?? ''), interactive, o);
    const info = (type: string): Promise<string> => call('GetSignCertInfo', (k) => k.getSignCertInfo(type), quick, o);
    const certificate = cleanBase64(await info('CertContent'));
    if (certificate === undefined) throw new YizhengError('CLIENT_PROTOCOL_ERROR', { reason: 'CertContent is not base64' });
    const id = (await info('SerialNumber')).trim();
    if (id === '') throw new YizhengError('CLIENT_PROTOCOL_ERROR', { reason: 'no SerialNumber' });
    selected = { serial: id, type: (await info('CertType').catch(() => '')).trim() };
    return { id, label: (await info('SubjectCN')).trim() || id, certificate, provider: 'cfca' };
  }

  /** Makes `certId` the selected certificate (CryptoKit signs with the selected one). */
  async function ensure(certId: string, o?: TokenCallOptions): Promise<void> {
    if (selected?.serial === certId) return;
    const cert = await select(certId, o);
    if (cert.id !== certId) throw new YizhengError('CERT_NOT_FOUND', { certId });
  }

  return {
    id: 'cfca-cryptokit',
    pinEntry: 'client',
    async listCertificates(o) {
      try {
        return [await select('', o)];
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code === 'CERT_NOT_FOUND' || code === 'TOKEN_NOT_PRESENT') return [];
        throw error;
      }
    },
    async login(certId, _pin, o) {
      await ensure(certId, o);
    },
    async sign(certId, text, o): Promise<TokenSignature> {
      if (typeof text !== 'string' || text === '') throw new YizhengError('CLIENT_PROTOCOL_ERROR', { reason: 'nothing to sign' });
      await ensure(certId, o);
      const hash = options.hashAlgorithm ?? (/SM2/i.test(selected?.type ?? '') ? 'SM3' : 'SHA-256');
      const signature = cleanBase64(await call('SignMsgPKCS7', (k) => k.signMsgPKCS7(text, hash, false), interactive, o));
      if (signature === undefined) throw new YizhengError('CLIENT_PROTOCOL_ERROR', { reason: 'SignMsgPKCS7 did not return base64' });
      return { signature, format: 'cms' };
    },
    async close() {
      selected = undefined;
    },
  };
}
