/**
 * {@link SofProtocol} presets for the SOF-over-local-service shapes seen in the field, for
 * `createSofJsonCarrier` / `createSofJsonDriver` and the drivers built on them (`protocol: ...`). What
 * each one relies on is marked: verified (a public standard or source), field (seen in a vendor's
 * public page script or service), assumed (needed to make it work, and configurable).
 *
 * - {@link xtxProtocol}: BJCA's XTX WebSocket (field: BJCA's page scripts `xtxasyn.js` 3.4.1 and
 *   `XTXSAB.js` 2.x), for reference and compatibility; `@yizheng/provider-bjca` has the real driver.
 * - {@link namedFieldsProtocol}: named-field JSON over local HTTPS after a device-instance handshake
 *   (field: a western CA's "SOF 本地服务").
 * - {@link gdcaProtocol}: GDCA's `{ErrorCode, Result: {...}}` replies (field: GDCA's public page
 *   script), with GDCA's extension codes ({@link SOF_GDCA_ERRORS}).
 *
 * They live in their own page entry, `@yizheng/core/client/sof-presets`, so a page that needs none of
 * them does not carry them.
 *
 * @module
 */
import { isRecord, protocolError } from './errors';
import { SOF_STANDARD_ERRORS, sofCodeKey, sofErrorToClientError, type SofErrorTable, type SofFunction, type SofReply } from './sof';
import { isSofCode, textOf, type SofCall, type SofProtocol, type SofSend } from './sof-json';

/**
 * The standard's codes plus GDCA's client extension (field: GDCA's public page script; neither the
 * standard's nor BJCA's): declare it (`errorCodes: SOF_GDCA_ERRORS`) only for a client known to use
 * them. {@link gdcaProtocol} does.
 */
export const SOF_GDCA_ERRORS: SofErrorTable = {
  ...SOF_STANDARD_ERRORS,
  /** No such container (no certificate). */
  [0x0b000425]: 'CERT_NOT_FOUND',
  /** Wrong PIN (the driver then asks the tries left with `SOF_GetPinRetryCount`). */
  [0x0b000426]: 'PIN_INCORRECT',
  /** PIN locked. */
  [0x0b000442]: 'PIN_LOCKED',
  /** The user cancelled the client's dialog. */
  [0x0b000447]: 'USER_CANCELLED',
  /** The key was pulled out during the call. */
  [0x0b000448]: 'DEVICE_REMOVED',
  /** SOR_EnumDevErr (设备枚举错误): no device. */
  [0x0b000500]: 'TOKEN_NOT_PRESENT',
  /** No certificate found. */
  [0x0b00100a]: 'CERT_NOT_FOUND',
};

/** Options of {@link xtxProtocol}. */
export interface XtxProtocolOptions {
  /** The page URL sent with each call (the client shows it); default `location.href`. */
  readonly pageUrl?: string | undefined;
}

/**
 * BJCA's XTX shape (field), for `ws://127.0.0.1:21051/xtxapp/` (`wss://127.0.0.1:21061/xtxapp/` from
 * an https page): request `{call_cmd_id, xtx_func_name, param: [...], URL, token?}`, reply
 * `{call_cmd_id, retValue | retVal}` (`retValue` read first); booleans and numbers may come as
 * strings; a failure is `false`, a negative count or `""` (a missing value too), and its code is asked
 * with `SOF_GetLastError` (BJCA numbers its errors its own way, not by the SOR table: they stay
 * `CLIENT_REPORTED_ERROR` unless declared in `errorCodes`; the PIN path works from `SOF_GetPinRetryCount`, as
 * BJCA's own script does); the `token` a successful `SOF_Login` returns goes back with later calls and
 * is dropped when a login fails or `SOF_Logout` succeeds; `call_cmd_id: "onUsbkeyChange"` messages are
 * key changes; BJCA spells the exchange export `SOF_ExportExChangeUserCert`. Not sent (field, unused
 * here): 3.4.1's `CLSID`, `func` and `param_1..n`; 2.x's `cookie`.
 */
export function xtxProtocol(options: XtxProtocolOptions = {}): SofProtocol {
  let token = '';
  const request = (name: string, param: readonly unknown[]): Record<string, unknown> => ({
    xtx_func_name: name,
    param,
    URL: options.pageUrl ?? (globalThis as { location?: { href?: string } }).location?.href ?? '',
    ...(token !== '' && { token }),
  });
  const valueOf = (body: Record<string, unknown>): unknown => ('retValue' in body ? body['retValue'] : body['retVal']);
  return {
    idField: 'call_cmd_id',
    names: { SOF_ExportExChangeUserCert: 'SOF_ExportExChangeUserCert' },
    isKeyChange: (m) => /^on/i.test(String(m['call_cmd_id'])),
    request: (c) => request(c.name, c.args),
    async reply(body, c, send) {
      const value = valueOf(body);
      const failed = /Login|PassWd|Logout/.test(c.fn)
        ? value !== true && value !== 'true'
        : c.fn === 'SOF_GetPinRetryCount'
          ? !(Number(value) >= 0)
          : value === undefined || value === null || value === false || (value === '' && c.fn !== 'SOF_GetUserList');
      if (!failed) {
        if (c.fn === 'SOF_Logout') token = '';
        if (c.fn === 'SOF_Login' && typeof body['token'] === 'string' && body['token'] !== '') token = body['token'];
        return { ok: true, value };
      }
      if (c.fn === 'SOF_Login') token = '';
      const code = valueOf(await send(request('SOF_GetLastError', []), 'SOF_GetLastError'));
      return { ok: false, code: isSofCode(code) ? code : 0 };
    },
  };
}

/** Options of {@link namedFieldsProtocol}. */
export interface NamedFieldsProtocolOptions {
  /**
   * Each function's parameter names, in the standard's order; default the standard's parameter names
   * as GmSSL's `sof.h` declares them (verified: `ContainerName`, `PassWd`, `OldPassWd`, `NewPassWd`,
   * `InData`; `PassWd` also seen in the field).
   */
  readonly params?: Readonly<Partial<Record<SofFunction, readonly string[]>>> | undefined;
  /** The reply field with the return value; default `value` (assumed). */
  readonly valueField?: string | undefined;
  /** The request field carrying the session's device instance; default `DeviceInstance` (assumed). */
  readonly instanceField?: string | undefined;
}

/** SOR_NotInitializeErr (GM/T 0020): what the client answers when the session is gone (assumed). */
const NOT_INITIALIZED = String(0x0b000011);

/**
 * Named-field JSON after a device-instance session (field: a western CA's "SOF 本地服务" takes an
 * HTTPS POST `{"function": "SOF_Login", "PassWd": ...}` after `SOF_GetDeviceInstance` and answers
 * `{"status": 0}`). Assumed: the handshake's return value is the instance, sent back in
 * `instanceField` with every call; the return value is in `valueField`; a failure is a non-zero
 * `status` (a SOR code, as a number or a string) with its text in `message`; a call answered with
 * `SOR_NotInitializeErr` (the client restarted) opens a new session and is asked once more.
 */
export function namedFieldsProtocol(options: NamedFieldsProtocolOptions = {}): SofProtocol {
  const valueField = options.valueField ?? 'value';
  const instanceField = options.instanceField ?? 'DeviceInstance';
  const params: Readonly<Partial<Record<SofFunction, readonly string[]>>> = {
    SOF_GetUserList: [],
    SOF_Login: ['ContainerName', 'PassWd'],
    SOF_ChangePassWd: ['ContainerName', 'OldPassWd', 'NewPassWd'],
    SOF_SignData: ['ContainerName', 'InData'],
    SOF_PriKeyDecrypt: ['ContainerName', 'InData'],
    ...options.params,
  };
  let session: Promise<unknown> | undefined;
  const parse = (body: Record<string, unknown>, what: string): SofReply => {
    const status = body['status'];
    if (!isSofCode(status)) throw protocolError(`${what}: no "status"`);
    return sofCodeKey(status) === '0' ? { ok: true, value: body[valueField] } : { ok: false, code: status, text: textOf(body['message']) };
  };
  /** The session's instance: one handshake shared by concurrent calls, forgotten when it fails. */
  const instance = (send: SofSend): Promise<unknown> =>
    (session ??= (async () => {
      const fn = 'SOF_GetDeviceInstance';
      const reply = parse(await send({ function: fn }, fn), fn);
      if (!reply.ok) throw sofErrorToClientError(reply.code, fn, { text: reply.text });
      return reply.value;
    })().catch((error: unknown) => {
      session = undefined;
      throw error;
    }));
  const request = async (c: SofCall, send: SofSend): Promise<Record<string, unknown>> => {
    const message: Record<string, unknown> = { function: c.name, [instanceField]: await instance(send) };
    (params[c.fn] ?? ['ContainerName']).forEach((field, i) => (message[field] = c.args[i]));
    return message;
  };
  return {
    request,
    async reply(body, c, send) {
      const reply = parse(body, c.name);
      if (reply.ok || sofCodeKey(reply.code) !== NOT_INITIALIZED) return reply;
      session = undefined;
      return parse(await send(await request(c, send), c.name), c.name);
    },
  };
}

/** Options of {@link gdcaProtocol}. */
export interface GdcaProtocolOptions {
  /** Builds a request; default the SDK's `{"fn", "args"}` (assumed: GDCA's request shape was not seen). */
  readonly request?: ((call: SofCall, send: SofSend) => Record<string, unknown> | Promise<Record<string, unknown>>) | undefined;
  /** The field of `Result` with the return value; default: `Result`'s only field (none for an empty `Result`, as a login's), else `Result` itself (assumed). */
  readonly resultField?: string | undefined;
}

/**
 * GDCA's reply shape (field: GDCA's public page script): `{ErrorCode, Result: {...}}`, `ErrorCode` 0
 * on success, else a SOR code or one of GDCA's extension codes ({@link SOF_GDCA_ERRORS}, declared);
 * numbers and numeric strings (`"0x0B000426"`, `"184550438"`) are both read as codes. Assumed: the
 * text in `ErrorMsg`; the return value as `resultField` says.
 */
export function gdcaProtocol(options: GdcaProtocolOptions = {}): SofProtocol {
  return {
    errorCodes: SOF_GDCA_ERRORS,
    request: options.request ?? ((c) => ({ fn: c.name, args: c.args })),
    reply(body, c) {
      const code = body['ErrorCode'];
      if (!isSofCode(code)) throw protocolError(`${c.name}: no "ErrorCode"`);
      if (sofCodeKey(code) !== '0') return { ok: false, code, text: textOf(body['ErrorMsg']) };
      const result = body['Result'];
      if (result === undefined) throw protocolError(`${c.name}: no "Result"`);
      if (!isRecord(result)) return { ok: true, value: result };
      const values = Object.values(result);
      return { ok: true, value: options.resultField !== undefined ? result[options.resultField] : values.length < 2 ? values[0] : result };
    },
  };
}
