/**
 * PIN status and the wording users already know from their CA clients:
 * a wrong PIN shows 校验失败，还有N次机会; no tries left means 密码已被锁死.
 */
import { YizhengError, type Locale } from './errors';
import type { PinStatus } from './token-driver';

/** A PIN status from an exact tries-left counter (SOF_GetPinRetryCount, SKF, a software token). */
export function exactPinStatus(remaining: number, options: { readonly mustChange?: boolean } = {}): PinStatus {
  const n = Number.isInteger(remaining) && remaining > 0 ? remaining : 0;
  return { remaining: n, source: 'exact', finalTry: n === 1, locked: n === 0, mustChange: options.mustChange ?? false };
}

/** A PIN status when the key client reports nothing (e.g. CFCA's CSP asks for the PIN itself). */
export const UNKNOWN_PIN_STATUS: PinStatus = Object.freeze({
  remaining: null,
  source: 'unknown',
  finalTry: false,
  locked: false,
  mustChange: false,
});

/**
 * The tries-left sentence for a wrong PIN, in both languages: `还有3次机会。` / `3 tries left.`, a
 * warning on the final try, or that the count is unknown. These fill `retriesZh` / `retriesEn` of
 * `PIN_INCORRECT`.
 */
export function retriesText(status: PinStatus): { readonly retriesZh: string; readonly retriesEn: string } {
  const n = status.remaining;
  if (status.locked || n === 0) return { retriesZh: '密码已被锁死。', retriesEn: 'The PIN is locked.' };
  if (n === 1 || (n === null && status.finalTry)) {
    return { retriesZh: '还有1次机会，再次输错将锁死UKey。', retriesEn: '1 try left: another wrong PIN locks the key.' };
  }
  if (n !== null) return { retriesZh: `还有${n}次机会。`, retriesEn: `${n} tries left.` };
  return { retriesZh: '剩余尝试次数未知。', retriesEn: 'Tries left: unknown.' };
}

/**
 * The one-line text a login page shows after a wrong PIN, as users know it from their CA clients:
 * `校验失败，还有3次机会` / `Verification failed: 3 tries left`, and `密码已被锁死` / `The PIN is
 * locked` when no tries are left.
 */
export function pinFailureText(status: PinStatus, locale: Locale = 'zh-CN'): string {
  const n = status.remaining;
  const zh = locale !== 'en';
  if (status.locked || n === 0) return zh ? '密码已被锁死' : 'The PIN is locked';
  if (n === null) return zh ? (status.finalTry ? '校验失败，仅剩最后1次机会' : '校验失败') : status.finalTry ? 'Verification failed: 1 try left' : 'Verification failed';
  return zh ? `校验失败，还有${n}次机会` : `Verification failed: ${n} ${n === 1 ? 'try' : 'tries'} left`;
}

/**
 * The error for a failed PIN check: `PIN_LOCKED` when the status says locked or no tries are left,
 * otherwise `PIN_INCORRECT` with `retriesZh` / `retriesEn` and the status fields (`remaining`,
 * `source`, `finalTry`, `locked`, `mustChange`) in its details.
 */
export function formatPinError(status: PinStatus, options: { readonly locale?: Locale; readonly cause?: unknown } = {}): YizhengError {
  const locked = status.locked || status.remaining === 0;
  const fields = { ...status, locked, remaining: locked ? 0 : status.remaining };
  const init = { ...(options.locale && { locale: options.locale }), ...(options.cause !== undefined && { cause: options.cause }) };
  if (locked) return new YizhengError('PIN_LOCKED', fields, init);
  return new YizhengError('PIN_INCORRECT', { ...retriesText(status), ...fields }, init);
}

/** PIN length bounds, inclusive. */
export interface PinLength {
  /** Fewest characters. */
  readonly min: number;
  /** Most characters. */
  readonly max: number;
}

/**
 * Checks a PIN's length before it reaches the key (a PIN of the wrong length must not cost a try).
 *
 * @throws {YizhengError} `PIN_LEN_RANGE` with `min` and `max`.
 */
export function checkPinLength(pin: string, range: PinLength): void {
  if (typeof pin !== 'string' || pin.length < range.min || pin.length > range.max) {
    throw new YizhengError('PIN_LEN_RANGE', { min: range.min, max: range.max });
  }
}
