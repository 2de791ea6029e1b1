import { describe, expect, it } from 'vitest';
import { isYizhengError } from '../errors/index';
import { MAX_TOKEN_BYTES, parseLoginToken } from './parse';

const base = { format: 'yizheng:1', certificate: 'MIIB', signature: 'MEUC' };

describe('parseLoginToken', () => {
  it('reads own fields only: an inherited encryptionCertificate, provider or format is not the page\'s', () => {
    const inherited = Object.assign(Object.create({ encryptionCertificate: 'MIIC', provider: 'bjca', signatureFormat: 'raw' }) as object, base);
    expect(parseLoginToken(inherited)).toEqual({ ...base, signatureFormat: 'auto' });
    // Nor may a required field come from a prototype.
    const bare = Object.assign(Object.create({ certificate: 'MIIB' }) as object, { format: 'yizheng:1', signature: 'MEUC' });
    expect(() => parseLoginToken(bare)).toThrow(/certificate must be a non-empty string/);
  });

  it('refuses a __proto__ field and a token over the size limit with the encryption certificate', () => {
    expect(() => parseLoginToken(JSON.parse('{"format":"yizheng:1","certificate":"a","signature":"b","__proto__":{"x":1}}'))).toThrow(/unknown field "__proto__"/);
    const big = 'A'.repeat(70 * 1024);
    try {
      parseLoginToken({ ...base, certificate: big, signature: 'A'.repeat(30 * 1024), encryptionCertificate: big });
      expect.unreachable();
    } catch (e) {
      expect(isYizhengError(e, 'TOKEN_MALFORMED')).toBe(true);
      expect(String((e as { details: { reason: string } }).details.reason)).toContain(String(MAX_TOKEN_BYTES));
    }
  });
});
