import { describe, expect, it } from 'vitest';
import {
  checkBitString,
  checkInteger,
  checkNull,
  checkOid,
  checkString,
  decodeBoolean,
  decodeOid,
  decodeString,
  decodeTime,
  encodeOid,
  integerToBigInt,
  integerToHex,
  integerToNumber,
  isNegativeInteger,
  isStringTag,
  latin1,
  setBits,
  toHex,
} from './decode';
import { DerError, Tag } from './der';

const b = (...x: number[]): Uint8Array => Uint8Array.from(x);
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const all = (x: Uint8Array): [Uint8Array, number, number] => [x, 0, x.length];

describe('OBJECT IDENTIFIER', () => {
  it('decodes and encodes', () => {
    for (const oid of [
      '1.2.156.10197.1.501',
      '2.5.4.3',
      '0.9.2342.19200300.100.1.25',
      '1.2.840.113549.1.1.11',
      '2.999.3',
      '1.3.6.1.4.1.311.21.7',
      '2.25.329800735698586629295641978511506172918',
      '1.2.9007199254740993',
    ]) {
      expect(decodeOid(...all(encodeOid(oid)))).toBe(oid);
    }
    expect(toHex(encodeOid('1.2.156.10197.1.501'))).toBe('2a811ccf55018375');
  });

  it('returns shared strings for known OIDs', () => {
    const a = decodeOid(...all(encodeOid('1.2.156.10197.1.501')));
    expect(a).toBe('1.2.156.10197.1.501');
    // An unknown OID whose content differs by one byte is decoded normally.
    expect(decodeOid(...all(encodeOid('1.2.156.10197.1.502')))).toBe('1.2.156.10197.1.502');
    expect(decodeOid(...all(encodeOid('1.2.156.10197.1.599')))).toBe('1.2.156.10197.1.599');
  });

  it('rejects empty, truncated and non-minimal encodings', () => {
    expect(() => decodeOid(b(), 0, 0)).toThrow(/empty/);
    expect(() => decodeOid(...all(b(0x2a, 0x86)))).toThrow(/truncated/);
    expect(() => checkOid(...all(b(0x2a, 0x80, 0x01)))).toThrow(/non-minimal/);
    expect(() => checkOid(...all(b(0x80, 0x01)))).toThrow(/non-minimal/);
    const huge = new Uint8Array(30_000).fill(0x81);
    huge[huge.length - 1] = 0x01;
    expect(() => decodeOid(...all(huge))).toThrow(/arc too large/);
    const arc20 = new Uint8Array(21).fill(0x81);
    arc20[0] = 0x2a;
    arc20[20] = 0x01;
    expect(decodeOid(...all(arc20))).toBe(`1.2.${((1n << 140n) - 1n) / 127n}`);
    const arc21 = Uint8Array.from([0x2a, ...new Array<number>(20).fill(0x81), 0x01]);
    expect(() => checkOid(...all(arc21))).toThrow(/arc too large/);
    expect(() => encodeOid('1')).toThrow(DerError);
    expect(() => encodeOid('3.1')).toThrow(DerError);
    expect(() => encodeOid('1.40')).toThrow(DerError);
    expect(() => encodeOid('1.02')).toThrow(DerError);
  });
});

describe('INTEGER, BOOLEAN, NULL', () => {
  it('enforces minimal INTEGER encoding', () => {
    expect(() => checkInteger(b(), 0, 0)).toThrow(/empty INTEGER/);
    expect(() => checkInteger(...all(b(0x00, 0x7f)))).toThrow(/non-minimal/);
    expect(() => checkInteger(...all(b(0xff, 0x80)))).toThrow(/non-minimal/);
    expect(() => checkInteger(...all(b(0x00, 0x80)))).not.toThrow();
    expect(() => checkInteger(...all(b(0xff, 0x7f)))).not.toThrow();
  });

  it('converts to hex, bigint and number', () => {
    expect(integerToHex(...all(b(0x00, 0x8f, 0x0a)))).toBe('8F0A');
    expect(integerToHex(...all(b(0x0a, 0x1b)))).toBe('0A1B');
    expect(integerToHex(...all(b(0x00)))).toBe('00');
    expect(integerToHex(b(0x00, 0xab), 0, 2, false)).toBe('ab');
    expect(integerToHex(...all(b(0x80)))).toBe('80');
    expect(integerToBigInt(...all(b(0x00, 0xff)))).toBe(255n);
    expect(integerToBigInt(...all(b(0xff, 0x7f)))).toBe(-129n);
    expect(integerToBigInt(...all(b(0x80)))).toBe(-128n);
    expect(integerToNumber(...all(b(0x01, 0x00, 0x01)))).toBe(65537);
    expect(integerToNumber(...all(b(0xff)))).toBe(-1);
    expect(() => integerToNumber(...all(b(0x01, 0, 0, 0, 0, 0, 0, 0)))).toThrow(/too large/);
    expect(() => integerToNumber(...all(b(0x40, 0, 0, 0, 0, 0, 0)))).toThrow(/too large/);
    expect(isNegativeInteger(b(0x80), 0)).toBe(true);
    expect(isNegativeInteger(b(0x7f), 0)).toBe(false);
  });

  it('reads DER BOOLEAN and NULL', () => {
    expect(decodeBoolean(...all(b(0xff)))).toBe(true);
    expect(decodeBoolean(...all(b(0x00)))).toBe(false);
    expect(() => decodeBoolean(...all(b(0x01)))).toThrow(/0x00 or 0xff/);
    expect(() => decodeBoolean(...all(b(0xff, 0xff)))).toThrow(/one octet/);
    expect(() => checkNull(0, 0)).not.toThrow();
    expect(() => checkNull(0, 1)).toThrow(/NULL must be empty/);
  });
});

describe('BIT STRING', () => {
  it('checks the unused-bit count and padding', () => {
    expect(checkBitString(...all(b(0x07, 0x80)))).toBe(7);
    expect(checkBitString(...all(b(0x00)))).toBe(0);
    expect(() => checkBitString(b(), 0, 0)).toThrow(/empty BIT STRING/);
    expect(() => checkBitString(...all(b(0x08, 0x00)))).toThrow(/above 7/);
    expect(() => checkBitString(...all(b(0x01)))).toThrow(/empty BIT STRING with unused bits/);
    expect(() => checkBitString(...all(b(0x01, 0x81)))).toThrow(/padding bits/);
  });

  it('lists set bits in named-bit order', () => {
    expect(setBits(...all(b(0xc0)))).toEqual([0, 1]);
    expect(setBits(...all(b(0x06, 0x80)))).toEqual([5, 6, 8]);
    expect(setBits(...all(b(0x00, 0x00)))).toEqual([]);
  });
});

describe('time', () => {
  const t = (tag: number, s: string, fractionalSeconds = false): number =>
    decodeTime(ascii(s), tag, 0, s.length, { fractionalSeconds });

  it('decodes UTCTime with the 1950/2049 pivot', () => {
    expect(t(Tag.UTCTime, '111108160000Z')).toBe(Date.UTC(2011, 10, 8, 16, 0, 0));
    expect(t(Tag.UTCTime, '491231235959Z')).toBe(Date.UTC(2049, 11, 31, 23, 59, 59));
    expect(t(Tag.UTCTime, '500101000000Z')).toBe(Date.UTC(1950, 0, 1));
    expect(t(Tag.UTCTime, '700101000001Z')).toBe(1000);
  });

  it('decodes GeneralizedTime, including far years and fractions when allowed', () => {
    expect(t(Tag.GeneralizedTime, '29690503000001Z')).toBe(Date.UTC(2969, 4, 3, 0, 0, 1));
    expect(t(Tag.GeneralizedTime, '99991231235959Z')).toBe(Date.UTC(9999, 11, 31, 23, 59, 59));
    expect(new Date(t(Tag.GeneralizedTime, '00050101000000Z')).getUTCFullYear()).toBe(5);
    expect(t(Tag.GeneralizedTime, '20240229120000.5Z', true)).toBe(Date.UTC(2024, 1, 29, 12, 0, 0, 500));
    expect(t(Tag.GeneralizedTime, '20240229120000.1239Z', true)).toBe(Date.UTC(2024, 1, 29, 12, 0, 0, 123));
    expect(() => t(Tag.GeneralizedTime, '20240229120000.5Z')).toThrow(/YYYYMMDDHHMMSSZ/);
    expect(() => t(Tag.GeneralizedTime, '20240229120000.50Z', true)).toThrow(/trailing zeros/);
    expect(() => t(Tag.GeneralizedTime, '20240229120000.Z', true)).toThrow(/non-empty/);
    expect(() => t(Tag.GeneralizedTime, '20240229120000.5aZ', true)).toThrow(/fraction/);
  });

  it('rejects every non-strict form', () => {
    for (const s of ['1111081600Z', '111108160000', '111108160000+0800', '11110816000Z0', '1111081600000Z']) {
      expect(() => t(Tag.UTCTime, s), s).toThrow(DerError);
    }
    for (const s of ['2011110816000Z', '20111108160000', '20111108160000+0800', '2011110816000aZ']) {
      expect(() => t(Tag.GeneralizedTime, s), s).toThrow(DerError);
    }
    for (const s of ['111308160000Z', '110008160000Z', '111100160000Z', '111131160000Z', '111108240000Z', '111108166000Z', '111108160060Z', '230229000000Z', 'a11108160000Z']) {
      expect(() => t(Tag.UTCTime, s), s).toThrow(DerError);
    }
    expect(t(Tag.UTCTime, '240229000000Z')).toBe(Date.UTC(2024, 1, 29));
    expect(() => t(Tag.GeneralizedTime, '21000229000000Z')).toThrow(/day out of range/);
    expect(t(Tag.GeneralizedTime, '20000229000000Z')).toBe(Date.UTC(2000, 1, 29));
    expect(() => decodeTime(ascii('111108160000Z'), Tag.OCTET_STRING, 0, 13)).toThrow(/UTCTime or GeneralizedTime/);
  });
});

describe('strings', () => {
  const s = (tag: number, bytes: Uint8Array): string => decodeString(bytes, tag, 0, bytes.length);

  it('decodes every string type', () => {
    expect(s(Tag.UTF8String, ascii('天津市电子认证中心'))).toBe('天津市电子认证中心');
    expect(s(Tag.UTF8String, ascii('JJTEST002'))).toBe('JJTEST002');
    expect(s(Tag.UTF8String, ascii('😜 emoji'))).toBe('😜 emoji');
    expect(s(Tag.PrintableString, ascii('CFCA@x & y_z*'))).toBe('CFCA@x & y_z*');
    expect(s(Tag.IA5String, ascii('ldap://x?y'))).toBe('ldap://x?y');
    expect(s(Tag.NumericString, ascii('0123 456'))).toBe('0123 456');
    expect(s(Tag.VisibleString, ascii('Visible ~'))).toBe('Visible ~');
    expect(s(Tag.TeletexString, b(0x4d, 0xfc, 0x6e))).toBe('Mün');
    expect(s(Tag.BMPString, b(0x53, 0x17, 0x4e, 0xac, 0x00, 0x41))).toBe('北京A');
    expect(s(Tag.BMPString, b(0xd8, 0x3d, 0xde, 0x1c))).toBe('😜');
    expect(s(Tag.UniversalString, b(0, 0, 0x53, 0x17, 0, 1, 0xf6, 0x1c))).toBe('北😜');
    expect(s(Tag.UTF8String, b())).toBe('');
    const long = 'x'.repeat(10000) + '中';
    expect(s(Tag.UTF8String, ascii(long))).toBe(long);
    expect(latin1(ascii('y'.repeat(9000)), 0, 9000)).toBe('y'.repeat(9000));
  });

  it('rejects invalid content per type', () => {
    const bad: [number, Uint8Array][] = [
      [Tag.UTF8String, b(0xc0, 0x80)], // overlong NUL
      [Tag.UTF8String, b(0xe0, 0x80, 0x80)], // overlong
      [Tag.UTF8String, b(0xed, 0xa0, 0x80)], // surrogate
      [Tag.UTF8String, b(0xf4, 0x90, 0x80, 0x80)], // above U+10FFFF
      [Tag.UTF8String, b(0xf5, 0x80, 0x80, 0x80)],
      [Tag.UTF8String, b(0xe5, 0x8c)], // truncated
      [Tag.UTF8String, b(0xe5, 0x8c, 0x41)],
      [Tag.UTF8String, b(0x80)],
      [Tag.PrintableString, b(0x41, 0x0a)],
      [Tag.PrintableString, ascii('北')],
      [Tag.IA5String, b(0x80)],
      [Tag.VisibleString, b(0x7f)],
      [Tag.NumericString, ascii('12a')],
      [Tag.BMPString, b(0x00)],
      [Tag.BMPString, b(0xd8, 0x3d)],
      [Tag.BMPString, b(0xde, 0x1c, 0xd8, 0x3d)],
      [Tag.BMPString, b(0xd8, 0x3d, 0x00, 0x41)],
      [Tag.UniversalString, b(0, 0, 0x41)],
      [Tag.UniversalString, b(0, 0x11, 0, 0)],
      [Tag.UniversalString, b(0, 0, 0xd8, 0)],
      [Tag.OCTET_STRING, b(0x41)],
    ];
    for (const [tag, bytes] of bad) {
      expect(() => checkString(bytes, tag, 0, bytes.length), `${tag} ${toHex(bytes)}`).toThrow(DerError);
      expect(() => decodeString(bytes, tag, 0, bytes.length)).toThrow(DerError);
    }
  });

  it('knows the string tags', () => {
    expect([0x0c, 0x12, 0x13, 0x14, 0x16, 0x1a, 0x1c, 0x1e].every(isStringTag)).toBe(true);
    expect([0x04, 0x30, 0x2c, 0x1b, 0x19].some(isStringTag)).toBe(false);
  });
});

describe('toHex', () => {
  it('formats ranges in either case', () => {
    expect(toHex(b(0x0a, 0xff, 0x10))).toBe('0aff10');
    expect(toHex(b(0x0a, 0xff, 0x10), 1, 3, true)).toBe('FF10');
  });
});
