/**
 * A token driver over the GM/T 0020 / GB/T 43694-2024 SOF function set, whatever carries the calls:
 * a loopback client speaking SOF over JSON (`sof-json.ts`, with presets for the shapes seen in the
 * field in `sof-presets.ts`), BJCA's XTX WebSocket, or a carrier of your own. The carrier turns each
 * call into a {@link SofReply}; this file does the rest: user list parsing, certificate export, login
 * with the tries left after a wrong PIN, signing, PIN change, insert / remove events, and the mapping
 * of vendor error codes to client codes.
 *
 * Error codes. The standard's table (the SOR codes `0x0B000001`–`0x0B000421`, as GmSSL's `sof.h`
 * carries it: verified) has no code for a wrong PIN, a locked PIN, a cancelled dialog or a pulled-out
 * key. So, by default:
 * - a failed `SOF_Login` / `SOF_ChangePassWd` without a code, with `SOR_UnknownErr` or with a code
 *   outside the standard's table is followed by `SOF_GetPinRetryCount`, as BJCA's own page script
 *   does (field): more than 0 tries left is `PIN_INCORRECT` with the count, 0 is `PIN_LOCKED`;
 * - the SOR codes that have a client code map to it ({@link SOF_STANDARD_ERRORS});
 * - a reply may name the client code itself ({@link SofReply}'s `meaning`, e.g. the default JSON
 *   shape's `"error"` field);
 * - any other code is `CLIENT_REPORTED_ERROR` and the vendor's code and
 *   text in `vendorCode` / `vendorText` (`fn` names the call).
 *
 * A carrier whose client has codes of its own declares them (`errorCodes`: a table added to the
 * standard's), e.g. GDCA's client extension (`SOF_GDCA_ERRORS` in `sof-presets.ts`; field: GDCA's
 * public page script; neither the standard's nor BJCA's). Nothing else is assumed by default.
 */
import { cleanBase64 } from './base64';
import { CLIENT_ERROR_CATALOGUE } from '../errors/catalogue-client';
import { clientError, protocolError, type ClientErrorCode, type YizhengError } from './errors';
import { UNKNOWN_PIN_STATUS, checkPinLength, exactPinStatus, formatPinError, type PinLength } from './pin';
import type { PinStatus, TokenCallOptions, TokenCertificate, TokenDriver, TokenEvent, TokenSignature, TokenSignatureFormat } from './token-driver';

/**
 * The client code a vendor's error code stands for: usually `PIN_INCORRECT` (the tries left are then
 * asked), `PIN_LOCKED`, `USER_CANCELLED`, `DEVICE_REMOVED`, `TOKEN_NOT_PRESENT`, `CERT_NOT_FOUND`,
 * `TOKEN_LOGIN_REQUIRED` or `MECHANISM_UNSUPPORTED`.
 */
export type SofMeaning = ClientErrorCode;

/** A vendor's error code, as its client sends it: a number, or a string (`"0x0B000426"`, `"18"`, `"E102"`). */
export type SofCode = number | string;

/**
 * Vendor error codes with a meaning. Keys are the codes: numeric codes as numbers
 * (`{ [0x0B000447]: 'USER_CANCELLED' }`: the client may send them as numbers or as numeric strings,
 * `"0x0B000447"`, `"184550471"`), other codes as the client sends them (`{ E102: 'USER_CANCELLED' }`).
 */
export type SofErrorTable = Readonly<Record<string, SofMeaning>>;

/** The codes a client uses: the standard's only (`standard`, the default), or a table added to the standard's (e.g. `SOF_GDCA_ERRORS`). */
export type SofErrorCodes = 'standard' | SofErrorTable;

/**
 * The SOR codes of GM/T 0020 (GmSSL's `sof.h`: verified) that have a client code. The others of the
 * table (`0x0B000001`–`0x0B000421`: file, memory, timeout, input, certificate validity errors, ...)
 * arrive as `CLIENT_REPORTED_ERROR`.
 */
export const SOF_STANDARD_ERRORS: SofErrorTable = {
  /** SOR_NotSupportYetErr. */
  [0x0b000002]: 'MECHANISM_UNSUPPORTED',
  /** SOR_AlgoTypeErr. */
  [0x0b000007]: 'MECHANISM_UNSUPPORTED',
  /** SOR_KeyNotFountErr. */
  [0x0b000309]: 'CERT_NOT_FOUND',
  /** SOR_CertNotFountErr. */
  [0x0b000310]: 'CERT_NOT_FOUND',
  /** SOR_ParameterNotSupportErr. */
  [0x0b000419]: 'MECHANISM_UNSUPPORTED',
};

/**
 * The SOF functions a driver calls, by the names the driver asks for them. They are the standard's
 * names, but for one kept for compatibility: the exchange (encryption) certificate is asked for as
 * `SOF_ExportExChangeUserCert`, BJCA's spelling; `createSofJsonCarrier` sends the standard's
 * `SOF_ExportExchangeUserCert` unless a protocol or `functionNames` says otherwise.
 *
 * `SOF_PriKeyDecrypt(CertID, InData)` decrypts with the container's encryption (exchange) key: the
 * name and argument order are field (BJCA's xtxasyn.js function table, and the export tables of other
 * vendors' SOF libraries); that `InData` is the base64 ciphertext and the value the base64 plaintext is
 * assumed (no public script shows it). `SOF_DecryptData` is something else: it opens a whole PKCS#7
 * envelope (BJCA's alias DecodeP7Enveloped); `SOF_AsymDecrypt` is in no script seen. The driver
 * here does not call it (the page bundle's size): `withSofDecrypt` (`sof-decrypt.ts`) adds
 * `decrypt` to a SOF driver.
 */
export type SofFunction =
  | 'SOF_GetUserList'
  | 'SOF_ExportUserCert'
  | 'SOF_ExportExChangeUserCert'
  | 'SOF_Login'
  | 'SOF_GetPinRetryCount'
  | 'SOF_SignData'
  | 'SOF_ChangePassWd'
  | 'SOF_Logout'
  | 'SOF_PriKeyDecrypt';

/**
 * A SOF call's outcome: its return value, or the vendor's error code (0 when the client gave none),
 * with the client's text and, when the client said it in words the carrier understands, the client
 * code it means.
 */
export type SofReply =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly code: SofCode; readonly text?: string | undefined; readonly meaning?: SofMeaning | undefined };

/** Carries SOF calls to a key client. Transport failures reject with client errors (`CLIENT_NOT_RUNNING`, ...). */
export interface SofCarrier {
  /** Calls `fn` with `args`. */
  call(fn: SofFunction, args: readonly (string | number)[], options: TokenCallOptions & { readonly timeoutMs: number }): Promise<SofReply>;
  /** Subscribes to the client's key change notifications (no detail needed: the driver compares user lists). */
  onChange?(listener: () => void): () => void;
  /** Releases connections. */
  close?(): void;
  /** The codes the client uses beyond the standard's; default `standard`. */
  readonly errorCodes?: SofErrorCodes | undefined;
}

/** Options of {@link createSofDriver}. */
export interface SofDriverOptions {
  /** Driver id, e.g. `bjca-xtx`. */
  readonly id: string;
  /** Provider id put on each certificate, e.g. `bjca`. */
  readonly provider?: string | undefined;
  /** The carrier. */
  readonly carrier: SofCarrier;
  /** PIN length rule checked before the PIN reaches the key (BJCA: 6–16); default none. */
  readonly pinLength?: PinLength | undefined;
  /**
   * The format `SOF_SignData` returns; default `auto` (DER for SM2 / ECDSA keys, the bare signature for
   * RSA: the server tells them apart).
   */
  readonly signatureFormat?: TokenSignatureFormat | undefined;
  /** Time for calls the user may have to act on (login, sign, change PIN); default 60 s. */
  readonly interactiveTimeoutMs?: number | undefined;
  /** Time for other calls; default 10 s. */
  readonly timeoutMs?: number | undefined;
  /** The codes the client uses beyond the standard's; default the carrier's `errorCodes`, else `standard`. */
  readonly errorCodes?: SofErrorCodes | undefined;
}

/** One entry of a SOF user list. */
export interface SofUser {
  /** The name shown (usually the certificate's CN). */
  readonly label: string;
  /** The certId for the other SOF calls. */
  readonly certId: string;
}

/**
 * Parses a SOF user list, `name||certId&&&name||certId&&&` (the trailing `&&&` optional, blank
 * entries skipped; the first 64 kept).
 *
 * @throws {YizhengError} `CLIENT_PROTOCOL_ERROR` when it is not a string or an entry has no `||`.
 */
export function parseSofUserList(value: unknown): SofUser[] {
  if (typeof value !== 'string') throw protocolError('SOF_GetUserList: not a string');
  const users: SofUser[] = [];
  for (const entry of value.split('&&&')) {
    if (entry.trim() === '') continue;
    const at = entry.indexOf('||');
    const certId = entry.slice(at + 2).trim();
    if (at < 0 || certId === '') throw protocolError('SOF_GetUserList: not name||certId');
    users.push({ label: entry.slice(0, at).trim(), certId });
  }
  return users.slice(0, 64);
}

/** @internal A code as a table key: numbers and numeric strings (`0x0B000426`, `184550438`) in decimal, other strings as sent. */
export const sofCodeKey = (code: unknown): string => String(isNaN(Number(code)) ? code : Number(code));

/**
 * @internal What `code` means: `meaning` when given, else by the table for `codes` (an explicit table
 * goes over the standard's; it has no prototype, so a code like `constructor` means nothing).
 */
function meaningOf(codes: SofErrorCodes | undefined, code: SofCode, meaning?: SofMeaning): SofMeaning | undefined {
  const table = { __proto__: null, ...SOF_STANDARD_ERRORS, ...(typeof codes === 'object' && codes) } as unknown as SofErrorTable;
  return meaning ?? table[code] ?? table[sofCodeKey(code)];
}

/** @internal True for a client code (what a reply may name as its meaning). */
export function isSofMeaning(value: unknown): value is SofMeaning {
  return typeof value === 'string' && Object.hasOwn(CLIENT_ERROR_CATALOGUE, value);
}

/**
 * The client error for a vendor error code: its meaning (given, or from the `errorCodes` table), else
 * `CLIENT_REPORTED_ERROR`. Details: `fn`, `vendorCode` (as the client
 * sent it), `vendorText` (the client's text; `fn: code` when it gave none). A `PIN_INCORRECT` meaning
 * gives an unknown tries count here ({@link createSofDriver} asks the key).
 */
export function sofErrorToClientError(
  code: SofCode,
  fn: string,
  options: { readonly errorCodes?: SofErrorCodes | undefined; readonly text?: string | undefined; readonly meaning?: SofMeaning | undefined } = {},
): YizhengError {
  const meaning = meaningOf(options.errorCodes, code, options.meaning);
  const details = { fn, vendorCode: code, vendorText: (options.text || `${fn}: ${code}`).slice(0, 200) };
  if (meaning === 'PIN_LOCKED') return formatPinError(exactPinStatus(0));
  if (meaning === 'PIN_INCORRECT') return formatPinError(UNKNOWN_PIN_STATUS);
  if (meaning === undefined) return clientError('CLIENT_REPORTED_ERROR', details);
  return clientError(meaning, meaning === 'MECHANISM_UNSUPPORTED' ? { ...details, mechanism: fn } : details);
}

type SofFailure = Extract<SofReply, { ok: false }>;

/** What a PIN call that answered this way returned: success (undefined: a protocol with no value), failure; anything else is a protocol error. */
const TRUE: readonly unknown[] = [true, 'true', undefined];
const FALSE: readonly unknown[] = [false, 'false', 0, '0'];

/** A token driver over SOF calls (see the module comment). */
export function createSofDriver(options: SofDriverOptions): TokenDriver {
  const { carrier } = options;
  const quick = options.timeoutMs ?? 10_000;
  const interactive = options.interactiveTimeoutMs ?? 60_000;
  const errorCodes = options.errorCodes ?? carrier.errorCodes;
  let known: readonly string[] | undefined;

  async function call(fn: SofFunction, args: readonly (string | number)[], timeoutMs: number, o?: TokenCallOptions): Promise<SofReply> {
    return carrier.call(fn, args, { timeoutMs, ...(o?.signal && { signal: o.signal }) });
  }

  async function value(fn: SofFunction, args: readonly (string | number)[], timeoutMs: number, o?: TokenCallOptions): Promise<unknown> {
    const reply = await call(fn, args, timeoutMs, o);
    if (reply.ok) return reply.value;
    throw await failure(fn, reply, String(args[0] ?? ''), o);
  }

  async function users(o?: TokenCallOptions): Promise<SofUser[]> {
    const list = parseSofUserList(await value('SOF_GetUserList', [], quick, o));
    known = list.map((u) => u.certId);
    return list;
  }

  /** The client error for a failed call; a missing certificate on an empty key list means no key at all. */
  async function failure(fn: SofFunction, reply: SofFailure, certId: string, o?: TokenCallOptions): Promise<YizhengError> {
    const error = sofErrorToClientError(reply.code, fn, { errorCodes, text: reply.text, meaning: reply.meaning });
    if (fn === 'SOF_GetUserList' || error.code !== 'CERT_NOT_FOUND') return error;
    const list = await users(o).catch(() => undefined);
    if (list === undefined) return error;
    return list.length === 0 ? clientError('TOKEN_NOT_PRESENT', error.details, error) : clientError('CERT_NOT_FOUND', { ...error.details, certId }, error);
  }

  async function pinStatus(certId: string, o?: TokenCallOptions): Promise<PinStatus> {
    const raw = await value('SOF_GetPinRetryCount', [certId], quick, o);
    const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (!(typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < 256)) throw protocolError('SOF_GetPinRetryCount: not a count');
    return exactPinStatus(n);
  }

  /** A PIN call (login, change): success, or the PIN error with the tries left (see the module comment). */
  async function pinCall(fn: 'SOF_Login' | 'SOF_ChangePassWd', args: readonly string[], certId: string, o?: TokenCallOptions): Promise<void> {
    const reply = await call(fn, args, interactive, o);
    if (reply.ok && TRUE.includes(reply.value)) return;
    if (reply.ok && !FALSE.includes(reply.value)) throw protocolError(fn);
    const failed: SofFailure = reply.ok ? { ok: false, code: 0 } : reply;
    const meaning = meaningOf(errorCodes, failed.code, failed.meaning);
    const n = Number(sofCodeKey(failed.code));
    if (meaning === 'PIN_INCORRECT') throw formatPinError(await pinStatus(certId, o).catch(() => UNKNOWN_PIN_STATUS));
    if (meaning === undefined && !(n > 0x0b000001 && n <= 0x0b000421)) throw formatPinError(await pinStatus(certId, o));
    throw await failure(fn, failed, certId, o);
  }

  function base64Of(raw: unknown, what: string): string {
    const b64 = cleanBase64(raw);
    if (!(b64 && b64.length > 23)) throw protocolError(`${what}: not base64`); // 16 bytes at least
    return b64;
  }

  const driver: TokenDriver = {
    id: options.id,
    pinEntry: 'page',
    async listCertificates(o) {
      const list = await users(o);
      const out: TokenCertificate[] = [];
      for (const user of list) {
        const certificate = base64Of(await value('SOF_ExportUserCert', [user.certId], quick, o), 'SOF_ExportUserCert');
        const exchange = await call('SOF_ExportExChangeUserCert', [user.certId], quick, o);
        const encryption = exchange.ok ? cleanBase64(exchange.value) : undefined;
        out.push({
          id: user.certId,
          label: user.label,
          certificate,
          ...(encryption !== undefined && { encryptionCertificate: encryption }),
          ...(options.provider !== undefined && { provider: options.provider }),
        });
      }
      return out;
    },
    async login(certId, pin, o) {
      if (options.pinLength) checkPinLength(pin, options.pinLength);
      await pinCall('SOF_Login', [certId, pin], certId, o);
    },
    async sign(certId, text, o): Promise<TokenSignature> {
      if (typeof text !== 'string' || text === '') throw protocolError('nothing to sign');
      const signature = base64Of(await value('SOF_SignData', [certId, text], interactive, o), 'SOF_SignData');
      return { signature, format: options.signatureFormat ?? 'auto' };
    },
    getPinStatus: pinStatus,
    async changePin(certId, oldPin, newPin, o) {
      if (options.pinLength) checkPinLength(newPin, options.pinLength);
      await pinCall('SOF_ChangePassWd', [certId, oldPin, newPin], certId, o);
    },
    async logout(certId) {
      await value('SOF_Logout', [certId], quick);
    },
    close: async () => carrier.close?.(),
  };
  const { onChange } = carrier;
  if (onChange) {
    driver.onEvent = (listener: (event: TokenEvent) => void) => {
      users().catch(() => undefined);
      return onChange(() => {
        const before = new Set(known ?? []);
        users()
          .then((list) => {
            const now = new Set(list.map((u) => u.certId));
            if ([...before].some((id) => !now.has(id))) listener({ type: 'removed' });
            if ([...now].some((id) => !before.has(id))) listener({ type: 'inserted' });
          })
          .catch(() => undefined);
      });
    };
  }
  return driver;
}
