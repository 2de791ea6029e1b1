import { describe, expect, it } from 'vitest';
import {
  CKF_USER_PIN_COUNT_LOW,
  CKF_USER_PIN_FINAL_TRY,
  CKF_USER_PIN_LOCKED,
  CKF_USER_PIN_TO_BE_CHANGED,
  readPinStateFromFlags,
} from './pin-state';

describe('readPinStateFromFlags', () => {
  it('knows nothing from a clean token', () => {
    expect(readPinStateFromFlags(0x0000_040d)).toEqual({
      remaining: null, source: 'unknown', finalTry: false, locked: false, mustChange: false, countLow: false,
    });
  });

  it('reports COUNT_LOW (all SoftHSM2 ever sets) as flags with no count', () => {
    const s = readPinStateFromFlags(CKF_USER_PIN_COUNT_LOW);
    expect([s.remaining, s.source, s.countLow]).toEqual([null, 'flags', true]);
  });

  it('reads FINAL_TRY as one try left', () => {
    const s = readPinStateFromFlags(CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY);
    expect([s.remaining, s.finalTry, s.locked]).toEqual([1, true, false]);
  });

  it('lets LOCKED win over a wrongly set FINAL_TRY', () => {
    const s = readPinStateFromFlags(CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED);
    expect([s.remaining, s.finalTry, s.locked]).toEqual([0, false, true]);
  });

  it('asks for a change of a default PIN', () => {
    expect(readPinStateFromFlags(CKF_USER_PIN_TO_BE_CHANGED).mustChange).toBe(true);
  });
});
