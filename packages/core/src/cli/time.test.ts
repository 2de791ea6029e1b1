import { afterEach, describe, expect, it } from 'vitest';
import { beijingClock, formatBeijingTime, localizeTimes, parseTimeArgument } from './time';

const savedTz = process.env['TZ'];
afterEach(() => {
  if (savedTz === undefined) delete process.env['TZ'];
  else process.env['TZ'] = savedTz;
});

describe('Beijing time', () => {
  it.each(['UTC', 'America/New_York', 'Asia/Shanghai', 'Pacific/Kiritimati'])('is the same on a machine set to %s', (tz) => {
    process.env['TZ'] = tz;
    expect(formatBeijingTime(new Date('2026-12-02T08:30:00Z'), 'zh-CN')).toBe('2026-12-02 16:30:00 (北京时间)');
    expect(formatBeijingTime(new Date('2026-12-02T08:30:00Z'), 'en')).toBe('2026-12-02 16:30:00 (Beijing time)');
    expect(beijingClock(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01 00:00:00');
    expect(parseTimeArgument('2027-01-01 08:00:00')?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('writes RFC 5280 "no expiry" and an invalid date without throwing', () => {
    expect(beijingClock(new Date('9999-12-31T23:59:59Z'))).toBe('10000-01-01 07:59:59');
    expect(beijingClock(new Date(Number.NaN))).toBe('?');
  });

  it('rewrites the ISO UTC times in a message', () => {
    expect(localizeTimes('from 2026-12-02T08:30:00.000Z to 2027-01-01T00:00:00Z', 'en')).toBe(
      'from 2026-12-02 16:30:00 (Beijing time) to 2027-01-01 08:00:00 (Beijing time)',
    );
    expect(localizeTimes('no time 2026-12-02 here', 'zh-CN')).toBe('no time 2026-12-02 here');
  });
});

describe('--now / --at', () => {
  it.each([
    ['2027-01-01T00:00:00Z', '2027-01-01T00:00:00.000Z'],
    ['2027-01-01T08:00:00+08:00', '2027-01-01T00:00:00.000Z'],
    ['2027-01-01T08:00:00+0800', '2027-01-01T00:00:00.000Z'],
    ['2027-01-01T03:00:00-05:00', '2027-01-01T08:00:00.000Z'],
    ['2027-01-01 08:00:00', '2027-01-01T00:00:00.000Z'],
    ['2027-01-01T08:00', '2027-01-01T00:00:00.000Z'],
    ['2027-01-01 08:00:00.5', '2027-01-01T00:00:00.500Z'],
    ['2027-01-01', '2026-12-31T16:00:00.000Z'],
  ])('reads %s (no zone: Beijing time)', (text, iso) => {
    expect(parseTimeArgument(text)?.toISOString()).toBe(iso);
  });

  it.each(['yesterday', 'Jan 1 2027', '2027-02-30', '2027-13-01', '2027-01-01T24:00:00', '2027-01-01T08:00:00+15:00', '', '1735689600'])(
    'refuses %j',
    (text) => {
      expect(parseTimeArgument(text)).toBeUndefined();
    },
  );
});
