import { describe, expect, it } from 'vitest';
import { UNKNOWN_PIN_STATUS, checkPinLength, exactPinStatus, formatPinError, pinFailureText, retriesText } from './index';

describe('PIN wording users know (校验失败，还有N次机会 / 密码已被锁死)', () => {
  it('says how many tries are left, in both languages', () => {
    expect(pinFailureText(exactPinStatus(5))).toBe('校验失败，还有5次机会');
    expect(pinFailureText(exactPinStatus(5), 'en')).toBe('Verification failed: 5 tries left');
    expect(pinFailureText(exactPinStatus(1), 'en')).toBe('Verification failed: 1 try left');
    expect(pinFailureText(exactPinStatus(0))).toBe('密码已被锁死');
    expect(pinFailureText(UNKNOWN_PIN_STATUS)).toBe('校验失败');
    expect(pinFailureText({ ...UNKNOWN_PIN_STATUS, source: 'flags', finalTry: true })).toBe('校验失败，仅剩最后1次机会');
    expect(retriesText(exactPinStatus(3))).toEqual({ retriesZh: '还有3次机会。', retriesEn: '3 tries left.' });
  });

  it('builds PIN_INCORRECT with the status, and PIN_LOCKED at zero', () => {
    const wrong = formatPinError(exactPinStatus(2));
    expect([wrong.code, wrong.message, wrong.localizedMessage('en')]).toEqual([
      'PIN_INCORRECT',
      '校验失败，UKey密码错误。还有2次机会。',
      'Verification failed: wrong key PIN. 2 tries left.',
    ]);
    expect(wrong.details).toMatchObject({ remaining: 2, source: 'exact', finalTry: false, locked: false, mustChange: false });
    const flagsFinal = formatPinError({ remaining: null, source: 'flags', finalTry: true, locked: false, mustChange: false }, { locale: 'en' });
    expect(flagsFinal.message).toBe('Verification failed: wrong key PIN. 1 try left: another wrong PIN locks the key.');
    const locked = formatPinError(exactPinStatus(0));
    expect([locked.code, locked.message, locked.details['locked']]).toEqual(['PIN_LOCKED', '密码已被锁死，UKey暂时无法使用。', true]);
    expect(formatPinError({ ...UNKNOWN_PIN_STATUS, locked: true }).code).toBe('PIN_LOCKED');
    expect(exactPinStatus(-3)).toMatchObject({ remaining: 0, locked: true });
  });

  it('checks PIN length bounds (PIN_LEN_RANGE)', () => {
    expect(() => checkPinLength('123456', { min: 6, max: 16 })).not.toThrow();
    expect(() => checkPinLength('12345', { min: 6, max: 16 })).toThrow(expect.objectContaining({ code: 'PIN_LEN_RANGE', message: '密码长度不正确，应为6到16位。' }));
  });
});
