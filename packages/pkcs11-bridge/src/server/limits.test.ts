/**
 * The PIN-attempt limiter: an attempt counts as a wrong PIN from the moment it starts, so nothing
 * arriving while it runs skips the wait; its outcome then corrects the count.
 */
import { describe, expect, it } from 'vitest';
import { PinAttemptLimiter } from './limits';

const limits = { minIntervalMs: 1000, wrongPinBaseMs: 3000, wrongPinMaxMs: 60_000 };

describe('PinAttemptLimiter', () => {
  it('makes others wait as soon as an attempt begins, before its outcome is known', () => {
    const l = new PinAttemptLimiter(limits);
    expect(l.waitMs('t', 0)).toBe(0);
    l.begin('t', 0);
    expect(l.waitMs('t', 0)).toBe(3000);
    l.record('t', 500, 'wrong-pin');
    expect(l.waitMs('t', 500)).toBe(3000); // counted once, from the end of the attempt
    l.begin('t', 3500);
    l.record('t', 3500, 'wrong-pin');
    expect(l.waitMs('t', 3500)).toBe(6000);
  });

  it('gives back a begun attempt that failed before the token judged the PIN, keeping the least interval', () => {
    const l = new PinAttemptLimiter(limits);
    l.begin('t', 0);
    l.record('t', 0, 'wrong-pin');
    l.begin('t', 3000);
    l.record('t', 3000, 'failed'); // cancelled, refused, device error
    expect(l.waitMs('t', 3000)).toBe(1000);
    l.begin('t', 4000);
    l.record('t', 4000, 'wrong-pin');
    expect(l.waitMs('t', 4000)).toBe(6000); // the second wrong PIN, not the third
  });

  it('clears after a right PIN, and keeps keys apart', () => {
    const l = new PinAttemptLimiter(limits);
    l.begin('a', 0);
    expect(l.waitMs('b', 0)).toBe(0);
    l.record('a', 10, 'ok');
    expect(l.waitMs('a', 10)).toBe(0);
    for (let i = 0; i < 10; i++) {
      l.begin('a', i * 100_000);
      l.record('a', i * 100_000, 'wrong-pin');
    }
    expect(l.waitMs('a', 900_000)).toBe(60_000);
  });

  it('never forgets a key, however many others come after it (no eviction past 10,000)', () => {
    const l = new PinAttemptLimiter(limits);
    l.begin('token', 0);
    l.record('token', 0, 'wrong-pin');
    l.begin('token', 3000);
    l.record('token', 3000, 'wrong-pin');
    for (let i = 0; i < 10_001; i++) {
      l.begin(`other-${i}`, 3000);
      l.record(`other-${i}`, 3000, 'failed');
    }
    expect(l.waitMs('token', 3000)).toBe(6000);
    expect(l.wrongPins('token')).toBe(2);
  });

  it('counts wrong PINs in a row: not the attempt under way, nor other failures; a right PIN clears them', () => {
    const l = new PinAttemptLimiter(limits);
    l.begin('t', 0);
    expect(l.wrongPins('t')).toBe(0);
    l.record('t', 0, 'wrong-pin');
    l.begin('t', 3000);
    l.record('t', 3000, 'failed');
    expect(l.wrongPins('t')).toBe(1);
    l.begin('t', 4000);
    l.record('t', 4000, 'wrong-pin');
    expect(l.wrongPins('t')).toBe(2);
    l.begin('t', 10_000);
    l.record('t', 10_000, 'ok');
    expect(l.wrongPins('t')).toBe(0);
  });
});
