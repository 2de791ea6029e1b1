import { describe, expect, it } from 'vitest';
import { isYizhengError } from '../errors/index';
import { assessExpiry, DEFAULT_CLOCK_SKEW_MS, DEFAULT_EXPIRY_THRESHOLDS, type ExpiryOptions } from './index';

const DAY = 86_400_000;
const MINUTE = 60_000;
const notBefore = new Date('2024-01-01T00:00:00Z');
const notAfter = new Date('2025-01-01T00:00:00Z');
const cert = { notBefore, notAfter };
const END = notAfter.getTime();
const START = notBefore.getTime();

const at = (now: number, options: ExpiryOptions = {}) => assessExpiry(cert, { ...options, now });

describe('assessExpiry: states and daysLeft', () => {
  it('is valid with whole days left, far from expiry', () => {
    expect(at(END - 100 * DAY)).toEqual({ state: 'valid', daysLeft: 100, notBefore, notAfter, level: null });
    expect(at(END - 100 * DAY + 1).daysLeft).toBe(99);
  });

  it('returns copies of the dates', () => {
    const a = at(END - DAY);
    expect(a.notAfter).not.toBe(notAfter);
    expect(a.notAfter.getTime()).toBe(END);
  });

  it('is expiring, not expired, at notAfter exactly and 1 ms either side', () => {
    expect(at(END)).toMatchObject({ state: 'expiring', daysLeft: 0, level: 1 });
    expect(at(END - 1)).toMatchObject({ state: 'expiring', daysLeft: 0, level: 1 });
    expect(at(END + 1)).toMatchObject({ state: 'expiring', daysLeft: -1, level: 1 });
  });

  it('becomes expired only beyond the clock skew', () => {
    expect(at(END + DEFAULT_CLOCK_SKEW_MS)).toMatchObject({ state: 'expiring', daysLeft: -1 });
    expect(at(END + DEFAULT_CLOCK_SKEW_MS + 1)).toEqual({ state: 'expired', daysLeft: -1, notBefore, notAfter, level: null });
    expect(at(END + 10 * DAY).daysLeft).toBe(-10);
    expect(at(END + 10 * DAY + 1).daysLeft).toBe(-11);
  });

  it('is not yet valid only beyond the clock skew before notBefore', () => {
    expect(at(START)).toMatchObject({ state: 'valid' });
    expect(at(START - DEFAULT_CLOCK_SKEW_MS)).toMatchObject({ state: 'valid', level: null });
    expect(at(START - DEFAULT_CLOCK_SKEW_MS - 1)).toMatchObject({ state: 'not-yet-valid', level: null });
  });

  it('honours a custom skew, including none', () => {
    expect(at(END + 1, { clockSkewMs: 0 }).state).toBe('expired');
    expect(at(END, { clockSkewMs: 0 }).state).toBe('expiring');
    expect(at(START - 1, { clockSkewMs: 0 }).state).toBe('not-yet-valid');
    expect(at(END + 30 * MINUTE, { clockSkewMs: 30 * MINUTE }).state).toBe('expiring');
    expect(at(END + 30 * MINUTE + 1, { clockSkewMs: 30 * MINUTE }).state).toBe('expired');
  });

  it('gives a not-yet-valid certificate its full daysLeft', () => {
    expect(at(START - DAY).daysLeft).toBe(367); // 2024 is a leap year: 366 days + the day before
  });

  it('handles a zero-length period', () => {
    const instant = new Date('2024-06-01T00:00:00Z');
    expect(assessExpiry({ notBefore: instant, notAfter: instant }, { now: instant })).toMatchObject({ state: 'expiring', daysLeft: 0 });
  });

  it('accepts now as a Date or epoch milliseconds, and defaults to the current time', () => {
    expect(assessExpiry(cert, { now: new Date(END - 100 * DAY) })).toEqual(at(END - 100 * DAY));
    // Half a day of slack keeps the answer stable however long the test takes to reach the call.
    const live = { notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 100.5 * DAY) };
    expect(assessExpiry(live)).toMatchObject({ state: 'valid', daysLeft: 100 });
  });

  it('ignores time zones: the same instant written in another zone gives the same answer', () => {
    const shanghai = { notBefore: new Date('2024-01-01T08:00:00+08:00'), notAfter: new Date('2025-01-01T08:00:00+08:00') };
    expect(assessExpiry(shanghai, { now: END - 30 * DAY })).toEqual(at(END - 30 * DAY));
  });
});

describe('assessExpiry: reminder tiers', () => {
  it.each(DEFAULT_EXPIRY_THRESHOLDS.map((t) => [t]))('reaches tier %i at exactly that many days, not 1 ms earlier', (t) => {
    expect(at(END - t * DAY)).toMatchObject({ state: 'expiring', daysLeft: t, level: t });
    const before = at(END - t * DAY - 1);
    expect(before.level).not.toBe(t);
  });

  it('reports the smallest tier reached', () => {
    expect(at(END - 61 * DAY).level).toBeNull();
    expect(at(END - 60 * DAY - 1)).toMatchObject({ state: 'valid', level: null, daysLeft: 60 });
    expect(at(END - 45 * DAY).level).toBe(60);
    expect(at(END - 30 * DAY - 1).level).toBe(60);
    expect(at(END - 30 * DAY).level).toBe(30);
    expect(at(END - 7 * DAY).level).toBe(7);
    expect(at(END - 2 * DAY).level).toBe(7);
    expect(at(END - DAY).level).toBe(1);
    expect(at(END - 1).level).toBe(1);
  });

  it('sorts and deduplicates custom thresholds, and accepts fractions of days', () => {
    const options = { thresholds: [7, 90, 7, 14] };
    expect(at(END - 90 * DAY, options)).toMatchObject({ state: 'expiring', level: 90 });
    expect(at(END - 90 * DAY - 1, options)).toMatchObject({ state: 'valid', level: null });
    expect(at(END - 10 * DAY, options).level).toBe(14);
    expect(at(END - DAY, options).level).toBe(7);
    expect(at(END - DAY / 4, { thresholds: [0.5] }).level).toBe(0.5);
  });

  it('never reaches a tier with no thresholds, but still expires', () => {
    expect(at(END - 1, { thresholds: [] })).toMatchObject({ state: 'valid', level: null, daysLeft: 0 });
    expect(at(END + DEFAULT_CLOCK_SKEW_MS + 1, { thresholds: [] }).state).toBe('expired');
  });

  it('does not let a caller mutate the defaults', () => {
    expect(Object.isFrozen(DEFAULT_EXPIRY_THRESHOLDS)).toBe(true);
    expect([...DEFAULT_EXPIRY_THRESHOLDS]).toEqual([60, 30, 7, 1]);
  });
});

describe('assessExpiry: invalid arguments', () => {
  const rejects = (fn: () => unknown, argument: string): void => {
    let caught: unknown;
    try {
      fn();
    } catch (err) {
      caught = err;
    }
    expect(isYizhengError(caught, 'INVALID_ARGUMENT'), argument).toBe(true);
    if (isYizhengError(caught)) expect(caught.details['argument']).toBe(argument);
  };

  it('rejects bad certificate dates', () => {
    rejects(() => assessExpiry({ notBefore: new Date(Number.NaN), notAfter }), 'certificate.notBefore');
    rejects(() => assessExpiry({ notBefore, notAfter: new Date('garbage') }), 'certificate.notAfter');
    rejects(() => assessExpiry({ notBefore, notAfter: '2025-01-01' as unknown as Date }), 'certificate.notAfter');
    rejects(() => assessExpiry({ notBefore: notAfter, notAfter: notBefore }), 'certificate');
    rejects(() => assessExpiry(null as unknown as { notBefore: Date; notAfter: Date }), 'certificate');
  });

  it('rejects a bad now', () => {
    for (const now of [Number.NaN, Infinity, 8.64e15 + 1, new Date(Number.NaN), '2025-01-01' as unknown as number]) {
      rejects(() => assessExpiry(cert, { now }), 'options.now');
    }
    expect(assessExpiry(cert, { now: 8.64e15 }).state).toBe('expired');
  });

  it('rejects thresholds that are not positive finite numbers', () => {
    for (const thresholds of [[0], [-1], [30, Number.NaN], [Infinity], ['7' as unknown as number], 7 as unknown as number[]]) {
      rejects(() => assessExpiry(cert, { now: START, thresholds }), 'options.thresholds');
    }
  });

  it('rejects a negative or non-finite skew', () => {
    for (const clockSkewMs of [-1, Number.NaN, Infinity, '5' as unknown as number]) {
      rejects(() => assessExpiry(cert, { now: START, clockSkewMs }), 'options.clockSkewMs');
    }
  });

  it('explains the problem in the message', () => {
    expect(() => assessExpiry(cert, { thresholds: [30, -2] })).toThrow('options.thresholds[1] must be a positive finite number of days, got -2');
  });
});
