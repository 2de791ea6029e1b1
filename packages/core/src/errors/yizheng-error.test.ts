import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, ERROR_CODES, YizhengError, isYizhengError } from './index';

describe('YizhengError', () => {
  it('speaks zh-CN by default and en on request, filling placeholders from details', () => {
    const err = new YizhengError('CERT_MALFORMED', { reason: 'trailing bytes' });
    expect(err.code).toBe('CERT_MALFORMED');
    expect(err.message).toBe('证书格式错误，无法解析：trailing bytes');
    expect(err.localizedMessage('en')).toBe('The certificate is malformed and cannot be parsed: trailing bytes');
    expect(new YizhengError('CERT_MALFORMED', { reason: 'x' }, { locale: 'en' }).message).toMatch(/^The certificate/);
    expect(err.remedy).toContain('UKey');
    expect(err.localizedRemedy('en')).toContain('PEM');
  });

  it('keeps an unknown placeholder visible rather than printing "undefined"', () => {
    expect(new YizhengError('CERT_MALFORMED', {} as never).message).toContain('{reason}');
  });

  it('freezes details and serialises to both languages', () => {
    const err = new YizhengError('CODE_INVALID', { reason: '长度', reasonEn: 'length' });
    expect(Object.isFrozen(err.details)).toBe(true);
    const json = JSON.parse(JSON.stringify(err)) as { code: string; message: Record<string, string> };
    expect(json.code).toBe('CODE_INVALID');
    expect(json.message['en']).toBe('Invalid enterprise code: length');
    expect(json.message['zh-CN']).toBe('企业代码无效：长度');
  });

  it('is recognised by isYizhengError, with and without a code', () => {
    const err = new YizhengError('INVALID_ARGUMENT', { reason: 'x' });
    expect(isYizhengError(err)).toBe(true);
    expect(isYizhengError(err, 'INVALID_ARGUMENT')).toBe(true);
    expect(isYizhengError(err, 'CERT_MALFORMED')).toBe(false);
    expect(isYizhengError(new Error('x'))).toBe(false);
    expect(isYizhengError(null)).toBe(false);
  });

  it('has zh-CN, en and both remedies for every code', () => {
    for (const code of ERROR_CODES) {
      const entry = ERROR_CATALOGUE[code];
      expect(entry.zh, code).toMatch(/[\u4e00-\u9fff]/);
      expect(entry.en, code).toMatch(/^[\x20-\x7e]+$/);
      expect(entry.remedy.zh, code).toMatch(/[\u4e00-\u9fff]/);
      expect(entry.remedy.en.length, code).toBeGreaterThan(10);
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
    }
  });
});
