/**
 * A token driver over the GM/T 0020 (GB/T 43694-2024) SOF function set, whatever carries the calls:
 * BJCA's XTX WebSocket, or a SOF-over-JSON loopback client (Huixin, CMCA). The carrier turns each
 * call into a {@link SofReply}; this file does the rest: user list parsing, certificate export,
 * login with the tries-left count after a wrong PIN, signing, PIN change, insert / remove events, and
 * the mapping of SOF error codes to client codes.
 *
 * SOF error codes (base `0x0B000000`) as vendor clients return them (DOMAIN.md §6; the table beyond
 * wrong PIN / PIN locked / user cancel / device removed is from vendor integration scripts (field)).
 */
import { cleanBase64 } from './base64';
import { clientError, protocolError, type YizhengError } from './errors';
import { checkPinLength, exactPinStatus, formatPinError, type PinLength } from './pin';
import type { PinStatus, TokenCallOptions, TokenCertificate, TokenDriver, TokenEvent, TokenSignature, TokenSignatureFormat } from './token-driver';

/** SOF error codes a driver tells apart. */
export const SOF_ERRORS = {
  /** SOR_UnknownErr. */
  UNKNOWN: 0x0b000001,
  /** SOR_NotSupportYetErr: the function is not supported. */
  NOT_SUPPORTED: 0x0b000002,
  /** SOR_AlgoTypeErr: algorithm not supported. */
  ALGORITHM: 0x0b000007,
  /** SOR_KeyNotFountErr. */
  KEY_NOT_FOUND: 0x0b000309,
  /** SOR_CertNotFountErr. */
  CERT_NOT_FOUND: 0x0b000310,
  /** SOR_PARAMETERNOTSUPPORTErr. */
  PARAMETER_NOT_SUPPORTED: 0x0b000419,
  /** SOR_ContainerNotExistErr. */
  CONTAINER_NOT_FOUND: 0x0b000425,
  /** SOR_WrongPinErr: wrong PIN (ask `SOF_GetPinRetryCount` for the tries left). */
  WRONG_PIN: 0x0b000426,
  /** SOR_NotLoginErr: a private-key operation before `SOF_Login`. */
  NOT_LOGGED_IN: 0x0b000438,
  /** SOR_UserPinLocked. */
  PIN_LOCKED: 0x0b000442,
  /** SOR_UserCancel: the user cancelled the client's dialog. */
  USER_CANCELLED: 0x0b000447,
  /** SOR_DeviceRemoved: the key was pulled out during the operation. */
  DEVICE_REMOVED: 0x0b000448,
  /** SOR_EnumDevErr: no device could be enumerated. */
  NO_DEVICE: 0x0b000500,
  /** SOR_EnumNoCertErr: no certificate (no key) found. */
  NO_CERTIFICATE: 0x0b00100a,
} as const;

/** The SOF functions a driver calls. */
export type SofFunction =
  | 'SOF_GetUserList'
  | 'SOF_ExportUserCert'
  | 'SOF_ExportExChangeUserCert'
  | 'SOF_Login'
  | 'SOF_GetPinRetryCount'
  | 'SOF_SignData'
  | 'SOF_ChangePassWd'
  | 'SOF_Logout';

/** A SOF call's outcome: its return value, or the SOF error code it failed with (0 when the client gave none). */
export type SofReply = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly code: number };

/** Carries SOF calls to a key client. Transport failures reject with client errors (`CLIENT_NOT_RUNNING`, ...). */
export interface SofCarrier {
  /** Calls `fn` with `args`. */
  call(fn: SofFunction, args: readonly (string | number)[], options: TokenCallOptions & { readonly timeoutMs: number }): Promise<SofReply>;
  /** Subscribes to the client's key change notifications (no detail needed: the driver compares user lists). */
  onChange?(listener: () => void): () => void;
  /** Releases connections. */
  close?(): void;
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
 * entries skipped).
 *
 * @throws {YizhengError} `CLIENT_PROTOCOL_ERROR` when it is not a string or an entry has no `||`.
 */
export function parseSofUserList(value: unknown): SofUser[] {
  if (typeof value !== 'string') throw protocolError('SOF_GetUserList did not return a string');
  const users: SofUser[] = [];
  for (const entry of value.split('&&&')) {
    if (entry.trim() === '') continue;
    const at = entry.indexOf('||');
    if (at < 0) throw protocolError('SOF_GetUserList entry without "||"');
    const certId = entry.slice(at + 2).trim();
    if (certId === '') throw protocolError('SOF_GetUserList entry without a certId');
    users.push({ label: entry.slice(0, at).trim(), certId });
  }
  return users;
}

/**
 * The client error for a SOF error code (0 or an unknown code: `CLIENT_PROTOCOL_ERROR` naming it).
 * `WRONG_PIN` is not handled here: it needs the tries left (see {@link createSofDriver}).
 */
export function sofErrorToClientError(code: number, fn: string): YizhengError {
  const details = { sofCode: code, fn };
  switch (code) {
    case SOF_ERRORS.PIN_LOCKED:
      return formatPinError(exactPinStatus(0));
    case SOF_ERRORS.USER_CANCELLED:
      return clientError('USER_CANCELLED', details);
    case SOF_ERRORS.DEVICE_REMOVED:
      return clientError('DEVICE_REMOVED', details);
    case SOF_ERRORS.NO_DEVICE:
    case SOF_ERRORS.NO_CERTIFICATE:
      return clientError('TOKEN_NOT_PRESENT', details);
    case SOF_ERRORS.CERT_NOT_FOUND:
    case SOF_ERRORS.KEY_NOT_FOUND:
    case SOF_ERRORS.CONTAINER_NOT_FOUND:
      return clientError('CERT_NOT_FOUND', details);
    case SOF_ERRORS.NOT_LOGGED_IN:
      return clientError('TOKEN_LOGIN_REQUIRED', details);
    case SOF_ERRORS.NOT_SUPPORTED:
    case SOF_ERRORS.ALGORITHM:
    case SOF_ERRORS.PARAMETER_NOT_SUPPORTED:
      return clientError('MECHANISM_UNSUPPORTED', { ...details, mechanism: fn });
    default:
      return protocolError(`${fn} failed with SOF error 0x${(code >>> 0).toString(16).toUpperCase().padStart(8, '0')}`);
  }
}

/** A token driver over SOF calls (see the module comment). */
export function createSofDriver(options: SofDriverOptions): TokenDriver {
  const { carrier } = options;
  const quick = options.timeoutMs ?? 10_000;
  const interactive = options.interactiveTimeoutMs ?? 60_000;
  let known: readonly string[] | undefined;

  async function call(fn: SofFunction, args: readonly (string | number)[], timeoutMs: number, o?: TokenCallOptions): Promise<SofReply> {
    return carrier.call(fn, args, { timeoutMs, ...(o?.signal && { signal: o.signal }) });
  }

  async function value(fn: SofFunction, args: readonly (string | number)[], timeoutMs: number, o?: TokenCallOptions): Promise<unknown> {
    const reply = await call(fn, args, timeoutMs, o);
    if (reply.ok) return reply.value;
    throw await failure(fn, reply.code, String(args[0] ?? ''), o);
  }

  async function users(o?: TokenCallOptions): Promise<SofUser[]> {
    const list = parseSofUserList(await value('SOF_GetUserList', [], quick, o));
    known = list.map((u) => u.certId);
    return list;
  }

  /** The client error for a failed call; a missing certificate on an empty key list means no key at all. */
  async function failure(fn: SofFunction, code: number, certId: string, o?: TokenCallOptions): Promise<YizhengError> {
    const error = sofErrorToClientError(code, fn);
    if (fn === 'SOF_GetUserList' || error.code !== 'CERT_NOT_FOUND') return error;
    const list = await users(o).catch(() => undefined);
    if (list === undefined) return error;
    if (list.length === 0) return clientError('TOKEN_NOT_PRESENT', { sofCode: code, fn }, error);
    return clientError('CERT_NOT_FOUND', { sofCode: code, fn, certId }, error);
  }

  async function pinStatus(certId: string, o?: TokenCallOptions): Promise<PinStatus> {
    const raw = await value('SOF_GetPinRetryCount', [certId], quick, o);
    const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 255) {
      throw protocolError('SOF_GetPinRetryCount did not return a count');
    }
    return exactPinStatus(n);
  }

  /** A PIN call (login, change): true, or the PIN error with the tries left. */
  async function pinCall(fn: 'SOF_Login' | 'SOF_ChangePassWd', args: readonly string[], certId: string, o?: TokenCallOptions): Promise<void> {
    const reply = await call(fn, args, interactive, o);
    if (reply.ok && (reply.value === true || reply.value === 'true' || reply.value === 1)) return;
    const code = reply.ok ? SOF_ERRORS.WRONG_PIN : reply.code;
    if (code === SOF_ERRORS.WRONG_PIN || code === 0 || code === SOF_ERRORS.UNKNOWN) {
      // A client that reports no code (BJCA answers `false`): the tries left tell locked from wrong.
      throw formatPinError(await pinStatus(certId, o));
    }
    throw await failure(fn, code, certId, o);
  }

  function base64Of(raw: unknown, what: string): string {
    const b64 = cleanBase64(raw);
    if (b64 === undefined) throw protocolError(`${what} did not return base64`);
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
