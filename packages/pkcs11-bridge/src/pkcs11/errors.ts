/**
 * PKCS#11 return codes → Yizheng error codes, and the "N tries left" wording (as support desks say it:
 * 校验失败，还有N次机会; 密码已被锁死).
 */
import { isYizhengError, YizhengError } from '@yizheng/core';
import type { PinState } from '../pin-state';
import { ckrNameOf, ckrOf } from './api';
import * as C from './constants';

/**
 * The retry sentence of a PIN_INCORRECT message, in both languages (the wording of core's page
 * helpers: 还有3次机会。, a warning on the final try, 密码已被锁死。, or that the count is unknown).
 */
export function pinRetryTexts(state: Pick<PinState, 'remaining' | 'locked' | 'finalTry'>): { retriesZh: string; retriesEn: string } {
  const n = state.remaining;
  if (state.locked || n === 0) return { retriesZh: '密码已被锁死。', retriesEn: 'The PIN is locked.' };
  if (n === 1 || (n === null && state.finalTry)) {
    return { retriesZh: '还有1次机会，再次输错将锁死UKey。', retriesEn: '1 try left: another wrong PIN locks the key.' };
  }
  if (n !== null) return { retriesZh: `还有${n}次机会。`, retriesEn: `${n} tries left.` };
  return { retriesZh: '剩余尝试次数未知。', retriesEn: 'Tries left: unknown.' };
}

/**
 * The error for a wrong PIN, given the PIN state read afterwards: PIN_LOCKED when that try locked
 * the key, else PIN_INCORRECT; both carry `remaining`, `source`, `finalTry`, `locked`, `mustChange`
 * (and PIN_INCORRECT the `retriesZh` / `retriesEn` sentence).
 */
export function wrongPinError(state: PinState, cause?: unknown): YizhengError {
  const fields = { remaining: state.remaining, source: state.source, finalTry: state.finalTry, locked: state.locked, mustChange: state.mustChange };
  const options = cause === undefined ? {} : { cause };
  if (state.locked) return new YizhengError('PIN_LOCKED', fields, options);
  return new YizhengError('PIN_INCORRECT', { ...pinRetryTexts(state), ...fields }, options);
}

/** Readable name of a mechanism for MECHANISM_UNSUPPORTED. */
export function mechanismName(mechanism: number): string {
  const known: Record<number, string> = {
    [C.CKM_RSA_PKCS]: 'CKM_RSA_PKCS',
    [C.CKM_RSA_PKCS_OAEP]: 'CKM_RSA_PKCS_OAEP',
    [C.CKM_SHA256_RSA_PKCS]: 'CKM_SHA256_RSA_PKCS',
    [C.CKM_ECDSA]: 'CKM_ECDSA',
    [C.CKM_ECDSA_SHA256]: 'CKM_ECDSA_SHA256',
  };
  return known[mechanism] ?? `0x${mechanism.toString(16).padStart(8, '0')}`;
}

/** What the mapping needs to know about where the error happened. */
export interface Pkcs11ErrorContext {
  /** The PKCS#11 function that failed, e.g. `C_Login`. */
  readonly fn: string;
  /** True when the token is gone (checked by the caller after the failure). */
  readonly tokenGone?: boolean;
  /** The token's PIN state read after the failure (for PIN errors). */
  readonly pinState?: PinState;
  /** The token's PIN length limits (for PIN_LEN_RANGE). */
  readonly pinLength?: { readonly min: number; readonly max: number };
  /** The mechanism being used (for MECHANISM_UNSUPPORTED). */
  readonly mechanism?: number;
}

const REMOVAL_CODES = new Set([
  C.CKR_DEVICE_REMOVED,
  C.CKR_SESSION_HANDLE_INVALID,
  C.CKR_SESSION_CLOSED,
  C.CKR_DEVICE_ERROR,
  C.CKR_TOKEN_NOT_PRESENT,
  C.CKR_SLOT_ID_INVALID,
]);

/** True when the CKR_ code can mean "the token was pulled out" (the caller then checks the slot). */
export function mayMeanRemoval(err: unknown): boolean {
  const ckr = ckrOf(err);
  return ckr !== undefined && REMOVAL_CODES.has(ckr);
}

/**
 * Turns what a PKCS#11 call threw into a {@link YizhengError}. Errors that are already Yizheng errors,
 * and programming errors (TypeError), pass through unchanged.
 */
export function mapPkcs11Error(err: unknown, context: Pkcs11ErrorContext): unknown {
  if (isYizhengError(err) || err instanceof TypeError) return err;
  const ckr = ckrOf(err);
  const name = ckrNameOf(err) ?? (ckr === undefined ? 'unknown error' : `CKR 0x${ckr.toString(16)}`);
  const cause = { cause: err };
  if (context.tokenGone && (ckr === undefined || REMOVAL_CODES.has(ckr) || ckr === C.CKR_GENERAL_ERROR || ckr === C.CKR_FUNCTION_FAILED)) {
    return new YizhengError('DEVICE_REMOVED', {}, cause);
  }
  switch (ckr) {
    case C.CKR_PIN_INCORRECT:
    case C.CKR_PIN_INVALID:
      if (context.pinState) return wrongPinError(context.pinState, err);
      return new YizhengError('PIN_INCORRECT', { remaining: null, source: 'unknown', finalTry: false, locked: false, mustChange: false, ...pinRetryTexts({ remaining: null, locked: false, finalTry: false }) }, cause);
    case C.CKR_PIN_LOCKED:
      return new YizhengError('PIN_LOCKED', {}, cause);
    case C.CKR_PIN_LEN_RANGE:
      return new YizhengError('PIN_LEN_RANGE', { min: context.pinLength?.min ?? '?', max: context.pinLength?.max ?? '?' }, cause);
    case C.CKR_PIN_EXPIRED:
      return new YizhengError('PIN_MUST_CHANGE', {}, cause);
    case C.CKR_PIN_TOO_WEAK:
      return new YizhengError('PIN_REJECTED', { reason: 'too weak (CKR_PIN_TOO_WEAK)' }, cause);
    case C.CKR_DEVICE_REMOVED:
      return new YizhengError('DEVICE_REMOVED', {}, cause);
    case C.CKR_TOKEN_NOT_PRESENT:
    case C.CKR_TOKEN_NOT_RECOGNIZED:
    case C.CKR_SLOT_ID_INVALID:
      return new YizhengError('TOKEN_NOT_PRESENT', {}, cause);
    case C.CKR_MECHANISM_INVALID:
    case C.CKR_MECHANISM_PARAM_INVALID:
    case C.CKR_KEY_TYPE_INCONSISTENT:
    case C.CKR_KEY_FUNCTION_NOT_PERMITTED:
      return new YizhengError('MECHANISM_UNSUPPORTED', { mechanism: `${context.mechanism === undefined ? '' : `${mechanismName(context.mechanism)}: `}${name}` }, cause);
    case C.CKR_FUNCTION_CANCELED:
    case C.CKR_CANCEL:
      return new YizhengError('USER_CANCELLED', {}, cause);
    case C.CKR_USER_NOT_LOGGED_IN:
      return new YizhengError('TOKEN_LOGIN_REQUIRED', {}, cause);
    default:
      return new YizhengError('CLIENT_PROTOCOL_ERROR', { reason: `${name} from ${context.fn}` }, cause);
  }
}
