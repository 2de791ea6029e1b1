import { hash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasVectors, readVectorText } from '../../test-utils/vectors';
import { Sm3, sm3 } from './index';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('sm3', () => {
  it('gives the GM/T 0004-2012 Annex A examples', () => {
    expect(hex(sm3(ascii('abc')))).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    expect(hex(sm3(ascii('abcd'.repeat(16))))).toBe('debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732');
  });

  it('hashes the empty string and the padding boundaries like OpenSSL', () => {
    for (const n of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000]) {
      const data = new Uint8Array(n).map((_, i) => (i * 7 + 3) & 0xff);
      expect(hex(sm3(data)), `length ${n}`).toBe(hash('sm3', data, 'hex'));
    }
  });

  it('agrees with OpenSSL and with itself when fed in pieces', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), fc.array(fc.nat(700), { maxLength: 5 }), (data, cuts) => {
        const expected = hash('sm3', data, 'hex');
        expect(hex(sm3(data))).toBe(expected);
        const h = new Sm3();
        let at = 0;
        for (const c of [...cuts].sort((a, b) => a - b)) {
          const end = Math.min(c, data.length);
          if (end < at) continue;
          h.update(data.subarray(at, end));
          at = end;
        }
        h.update(data.subarray(at));
        expect(hex(h.digest())).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses reuse after digest', () => {
    const h = new Sm3().update(ascii('a'));
    h.digest();
    expect(() => h.digest()).toThrow();
    expect(() => h.update(ascii('b'))).toThrow();
    expect(() => sm3('abc' as unknown as Uint8Array)).toThrow(/Uint8Array/);
    expect(hex(sm3(Buffer.from('abc')))).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });
});

describe.skipIf(!hasVectors)('sm3 shared vector', () => {
  it('SM3("abc") from sm2-gmt0003-kat.json', () => {
    const kat = JSON.parse(readVectorText('sm2-gmt0003-kat.json')) as { sm3: { abc: string } };
    expect(hex(sm3(ascii('abc'))).toUpperCase()).toBe(kat.sm3.abc);
  });
});
