/**
 * Where a certificate stands in its validity period, and which reminder tier it has reached
 * (platforms remind the user as expiry approaches; BJCA's client warns at 60 days).
 * All arithmetic is on UTC milliseconds, so time zones, daylight saving and leap days play no part.
 */
import { YizhengError } from '../errors/index';

/** Milliseconds in a day: days here are exact 24-hour spans, not calendar days. */
export const MS_PER_DAY = 86_400_000;

/** The reminder tiers used when none are given, in days before expiry. */
export const DEFAULT_EXPIRY_THRESHOLDS: readonly number[] = Object.freeze([60, 30, 7, 1]);

/** The clock difference tolerated between this machine and the CA's when none is given: 5 minutes. */
export const DEFAULT_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * - `not-yet-valid`: before notBefore, beyond the skew tolerance (证书未生效);
 * - `expired`: after notAfter, beyond the skew tolerance (证书已过期);
 * - `expiring`: inside the validity period and a reminder threshold is reached (证书即将到期);
 * - `valid`: inside the validity period, no threshold reached.
 */
export type ExpiryState = 'valid' | 'expiring' | 'expired' | 'not-yet-valid';

/** The validity period a certificate states. */
export interface ValidityPeriod {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Options of {@link assessExpiry}. */
export interface ExpiryOptions {
  /** The moment to assess at, as a Date or epoch milliseconds; default: now. */
  readonly now?: Date | number;
  /** Reminder tiers in days before expiry (positive, finite; order and duplicates do not matter). Default [60, 30, 7, 1]. */
  readonly thresholds?: readonly number[];
  /** Tolerated clock difference in milliseconds (non-negative, finite). Default 5 minutes. */
  readonly clockSkewMs?: number;
}

/** The verdict of {@link assessExpiry}. */
export interface ExpiryAssessment {
  readonly state: ExpiryState;
  /**
   * Whole days remaining: ⌊(notAfter − now) / 86,400,000⌋. 0 in the last 24 hours, negative once
   * notAfter has passed (−1 in the first 24 hours after it, even while the skew still counts the
   * certificate as not expired). Not adjusted for skew.
   */
  readonly daysLeft: number;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /**
   * The reminder tier reached: the smallest threshold t with notAfter − now ≤ t days, or null when no
   * threshold is reached or the state is `expired` or `not-yet-valid`.
   */
  readonly level: number | null;
}

/**
 * Assesses a certificate's validity at a moment.
 *
 * Clock skew: the certificate is `not-yet-valid` only when now + skew < notBefore, and `expired` only
 * when now − skew > notAfter. So within `clockSkewMs` of either end it still counts as usable: a
 * certificate extended minutes ago, or a client clock a little fast, does not lock the user out. Just
 * past notAfter (within the skew) the state is `expiring` at the smallest tier (or `valid` when no
 * thresholds are configured) and `daysLeft` is −1.
 *
 * @throws YizhengError `INVALID_ARGUMENT` when a date is not a valid Date, notBefore is after
 * notAfter, `now` is not a valid date or epoch-millisecond number, a threshold is not a positive finite
 * number, or the skew is negative or not finite. `details.reason` is in English (it names the argument
 * for the developer) and `details.argument` names it.
 */
export function assessExpiry(certificate: ValidityPeriod, options: ExpiryOptions = {}): ExpiryAssessment {
  const { notBefore, notAfter } = checkPeriod(certificate);
  const now = checkNow(options.now);
  const thresholds = checkThresholds(options.thresholds);
  const skew = checkSkew(options.clockSkewMs);

  const remaining = notAfter - now;
  const daysLeft = Math.floor(remaining / MS_PER_DAY);
  const period = { notBefore: new Date(notBefore), notAfter: new Date(notAfter) };
  if (now + skew < notBefore) return { state: 'not-yet-valid', daysLeft, ...period, level: null };
  if (now - skew > notAfter) return { state: 'expired', daysLeft, ...period, level: null };
  const level = thresholds.find((days) => remaining <= days * MS_PER_DAY) ?? null;
  return { state: level === null ? 'valid' : 'expiring', daysLeft, ...period, level };
}

function checkPeriod(certificate: ValidityPeriod): { notBefore: number; notAfter: number } {
  if (typeof certificate !== 'object' || certificate === null) {
    throw invalid('certificate', 'certificate must be an object with notBefore and notAfter dates');
  }
  const notBefore = dateMs(certificate.notBefore, 'certificate.notBefore');
  const notAfter = dateMs(certificate.notAfter, 'certificate.notAfter');
  if (notBefore > notAfter) {
    throw invalid(
      'certificate',
      `certificate.notBefore (${new Date(notBefore).toISOString()}) is after certificate.notAfter (${new Date(notAfter).toISOString()})`,
    );
  }
  return { notBefore, notAfter };
}

function checkNow(now: Date | number | undefined): number {
  if (now === undefined) return Date.now();
  if (typeof now === 'number') {
    // new Date() rejects times beyond ±8.64e15 ms; accept exactly what a Date can hold.
    if (!Number.isFinite(now) || Number.isNaN(new Date(now).getTime())) {
      throw invalid('options.now', `options.now must be a valid epoch-millisecond time, got ${String(now)}`);
    }
    return now;
  }
  return dateMs(now, 'options.now');
}

/** The default thresholds, sorted once (every login assesses expiry). */
const DEFAULT_ASCENDING: readonly number[] = Object.freeze(ascending(DEFAULT_EXPIRY_THRESHOLDS));

function checkThresholds(thresholds: readonly number[] | undefined): readonly number[] {
  if (thresholds === undefined) return DEFAULT_ASCENDING;
  if (!Array.isArray(thresholds)) throw invalid('options.thresholds', 'options.thresholds must be an array of days');
  thresholds.forEach((days: unknown, i) => {
    if (typeof days !== 'number' || !Number.isFinite(days) || days <= 0) {
      throw invalid('options.thresholds', `options.thresholds[${i}] must be a positive finite number of days, got ${String(days)}`);
    }
  });
  return ascending(thresholds);
}

// Ascending without duplicates, so the first threshold reached is the smallest one.
function ascending(thresholds: readonly number[]): number[] {
  return [...new Set(thresholds)].sort((a, b) => a - b);
}

function checkSkew(skew: number | undefined): number {
  if (skew === undefined) return DEFAULT_CLOCK_SKEW_MS;
  if (typeof skew !== 'number' || !Number.isFinite(skew) || skew < 0) {
    throw invalid('options.clockSkewMs', `options.clockSkewMs must be a non-negative finite number of milliseconds, got ${String(skew)}`);
  }
  return skew;
}

// Tag check rather than instanceof: a Date from another realm (a worker, a vm context) is still a Date.
function dateMs(value: unknown, argument: string): number {
  const ms = Object.prototype.toString.call(value) === '[object Date]' ? (value as Date).getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw invalid(argument, `${argument} must be a valid Date`);
  return ms;
}

function invalid(argument: string, reason: string): YizhengError {
  return new YizhengError('INVALID_ARGUMENT', { reason, argument });
}
