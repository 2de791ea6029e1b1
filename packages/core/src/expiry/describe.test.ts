import { describe, expect, it } from 'vitest';
import { assessExpiry, describeExpiry } from './index';

const DAY = 86_400_000;
// 2025-06-30 23:59:59 in Beijing, as CAs usually set it.
const notAfter = new Date('2025-06-30T15:59:59Z');
const notBefore = new Date('2024-06-30T16:00:00Z');
const cert = { notBefore, notAfter };
const END = notAfter.getTime();

const describeAt = (now: number) => describeExpiry(assessExpiry(cert, { now }));

describe('describeExpiry', () => {
  it('warns in the wording users know, with the days left and the date in Beijing time', () => {
    const text = describeAt(END - 30 * DAY);
    expect(text['zh-CN']).toBe('证书即将到期（剩余30天），有效期至2025-06-30 23:59:59（北京时间）。请尽快联系CA机构办理证书延期。');
    expect(text.en).toBe('The certificate expires soon (30 days left): valid until 2025-06-30 23:59:59 (Beijing time). Ask the CA to extend it soon.');
  });

  it('warns from 60 days, as the BJCA client does (seed 001)', () => {
    expect(describeAt(END - 60 * DAY)['zh-CN']).toMatch(/^证书即将到期（剩余60天）/);
    expect(describeAt(END - 60 * DAY - 1)['zh-CN']).toMatch(/^证书有效（剩余60天，有效期至2025-06-30 23:59:59，北京时间）。$/);
  });

  it('says "1 day" and "less than a day" rather than 0 or −1', () => {
    expect(describeAt(END - DAY).en).toContain('(1 day left)');
    expect(describeAt(END - 1)['zh-CN']).toContain('证书即将到期（剩余不足1天）');
    expect(describeAt(END + 1).en).toContain('(less than a day left)');
  });

  it('says expired, with the end date and the remedy', () => {
    const text = describeAt(END + DAY);
    expect(text['zh-CN']).toBe('证书已过期（有效期至2025-06-30 23:59:59，北京时间）。请联系CA机构办理证书延期（修复）后再使用。');
    expect(text.en).toMatch(/^The certificate has expired \(valid until 2025-06-30 23:59:59, Beijing time\)/);
  });

  it('says not yet valid, with the start date and the after-extension delay', () => {
    const text = describeAt(notBefore.getTime() - DAY);
    expect(text['zh-CN']).toMatch(/^证书未生效（生效时间2024-07-01 00:00:00，北京时间）。/);
    expect(text['zh-CN']).toContain('约一个工作日');
    expect(text.en).toContain('about a working day');
  });

  it('formats dates past year 9999 (RFC 5280 "no expiry") without breaking', () => {
    const forever = { notBefore, notAfter: new Date('9999-12-31T23:59:59Z') };
    expect(describeExpiry(assessExpiry(forever, { now: END }))['zh-CN']).toContain('有效期至10000-01-01 07:59:59');
  });
});
