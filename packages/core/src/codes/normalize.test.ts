import { describe, expect, it } from 'vitest';
import { normalizeEnterpriseCode } from './index';

describe('normalizeEnterpriseCode', () => {
  it('maps full-width ASCII to half-width and upper-cases ASCII letters', () => {
    expect(normalizeEnterpriseCode('９１３５０２００５５６２０７６６４ｂ')).toBe('91350200556207664B');
    expect(normalizeEnterpriseCode('ma0k2kmd-7')).toBe('MA0K2KMD7');
    expect(normalizeEnterpriseCode('ＭＡ０Ｋ２ＫＭＤ')).toBe('MA0K2KMD');
  });

  it('strips every kind of space: ASCII, U+3000, tab, NBSP, newline', () => {
    expect(normalizeEnterpriseCode(' 9135 0200\u30005562\t0766\u00a04B\n')).toBe('91350200556207664B');
  });

  it('strips hyphens and the common dash variants', () => {
    for (const dash of ['-', '\u2010', '\u2011', '\u2013', '\u2014', '\uff0d']) {
      expect(normalizeEnterpriseCode(`55620766${dash}4`), `U+${dash.codePointAt(0)?.toString(16)}`).toBe('556207664');
    }
  });

  it('strips dots (. ． ·) and underscores (_ ＿)', () => {
    expect(normalizeEnterpriseCode('5562.0766·4')).toBe('556207664');
    expect(normalizeEnterpriseCode('5562．0766＿4')).toBe('556207664');
    expect(normalizeEnterpriseCode('5562_0766_4')).toBe('556207664');
  });

  it('keeps everything else, so stray characters are reported rather than silently dropped', () => {
    expect(normalizeEnterpriseCode('5562/0766?4')).toBe('5562/0766?4');
    expect(normalizeEnterpriseCode('N91350200556207664B')).toBe('N91350200556207664B');
    expect(normalizeEnterpriseCode('\u200b556207664')).toBe('\u200b556207664');
    expect(normalizeEnterpriseCode('中国')).toBe('中国');
    // Only ASCII is upper-cased: "ß".toUpperCase() would invent "SS".
    expect(normalizeEnterpriseCode('ßé')).toBe('ßé');
  });

  it('returns an empty string for separators only', () => {
    expect(normalizeEnterpriseCode(' -\u3000._ ')).toBe('');
    expect(normalizeEnterpriseCode('')).toBe('');
  });
});
