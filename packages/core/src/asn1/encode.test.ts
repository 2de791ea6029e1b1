import { describe, expect, it } from 'vitest';
import {
  decodeBoolean,
  decodeOid,
  decodeString,
  decodeTime,
  integerToBigInt,
  setBits,
  checkBitString,
  checkNull,
} from './decode';
import { DerReader, Tag, readTlv, walkDer } from './der';
import {
  concatBytes,
  derBitString,
  derBmpString,
  derBoolean,
  derEnumerated,
  derExplicit,
  derGeneralizedTime,
  derIa5String,
  derImplicit,
  derInteger,
  derLength,
  derNamedBits,
  derNull,
  derOctetString,
  derOid,
  derPrintableString,
  derSequence,
  derSet,
  derTime,
  derTlv,
  derUtcTime,
  derUtf8String,
} from './encode';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Decodes a single INTEGER TLV back with the reader. */
function readInteger(der: Uint8Array): bigint {
  const t = readTlv(der);
  expect(t.tag).toBe(Tag.INTEGER);
  expect(t.end).toBe(der.length);
  return integerToBigInt(der, t.contentStart, t.end);
}

describe('DER encoder', () => {
  it('encodes lengths minimally', () => {
    expect(hex(derLength(0))).toBe('00');
    expect(hex(derLength(127))).toBe('7f');
    expect(hex(derLength(128))).toBe('8180');
    expect(hex(derLength(256))).toBe('820100');
    expect(hex(derLength(0x10000))).toBe('83010000');
    expect(() => derLength(-1)).toThrow(RangeError);
    const long = derOctetString(new Uint8Array(300));
    expect(readTlv(long).end).toBe(long.length);
  });

  it('round-trips INTEGERs from bigint, number and bytes', () => {
    const values = [0n, 1n, 127n, 128n, 255n, 256n, -1n, -128n, -129n, -256n, 2n ** 64n, -(2n ** 64n), 2n ** 159n + 12345n];
    for (const v of values) expect(readInteger(derInteger(v))).toBe(v);
    expect(hex(derInteger(0))).toBe('020100');
    expect(hex(derInteger(128))).toBe('02020080');
    expect(hex(derInteger(-128))).toBe('020180');
    expect(hex(derInteger(-129))).toBe('0202ff7f');
    // Bytes are an unsigned magnitude: leading zeros dropped, a sign octet added when needed.
    expect(hex(derInteger(Uint8Array.of(0, 0, 0x7f)))).toBe('02017f');
    expect(hex(derInteger(Uint8Array.of(0x80, 1)))).toBe('0203008001');
    expect(hex(derInteger(Uint8Array.of(0, 0)))).toBe('020100');
    expect(hex(derInteger(new Uint8Array(0)))).toBe('020100');
    expect(() => derInteger(2 ** 60)).toThrow(RangeError);
    expect(hex(derEnumerated(1))).toBe('0a0101');
  });

  it('round-trips OIDs', () => {
    for (const oid of ['1.2.156.10197.1.501', '2.5.29.15', '1.3.6.1.5.5.7.48.1.2', '2.25.329800735698586629295641978511506172918', '0.9.2342.19200300.100.1.25']) {
      const der = derOid(oid);
      const t = readTlv(der);
      expect(decodeOid(der, t.contentStart, t.end)).toBe(oid);
    }
    expect(() => derOid('1')).toThrow(RangeError);
    expect(() => derOid('3.1')).toThrow(RangeError);
  });

  it('encodes BOOLEAN, NULL, OCTET STRING and BIT STRING', () => {
    expect(hex(derBoolean(true))).toBe('0101ff');
    const f = derBoolean(false);
    expect(decodeBoolean(f, 2, 3)).toBe(false);
    expect(hex(derNull())).toBe('0500');
    checkNull(2, 2);
    expect(hex(derOctetString(Uint8Array.of(1, 2)))).toBe('04020102');
    const bits = derBitString(Uint8Array.of(0xa0), 5);
    expect(checkBitString(bits, 2, bits.length)).toBe(5);
    expect(() => derBitString(Uint8Array.of(0xa1), 5)).toThrow(RangeError);
    expect(() => derBitString(new Uint8Array(0), 1)).toThrow(RangeError);
  });

  it('encodes named bit lists without trailing zero bits (keyUsage)', () => {
    // digitalSignature (0) + nonRepudiation (1): 03 02 06 c0, as OpenSSL writes it.
    expect(hex(derNamedBits([0, 1]))).toBe('030206c0');
    // keyCertSign (5) + cRLSign (6): 03 02 01 06.
    expect(hex(derNamedBits([5, 6]))).toBe('03020106');
    // decipherOnly (8) needs a second octet: 03 03 07 00 80.
    expect(hex(derNamedBits([0, 8]))).toBe('0303078080');
    expect(hex(derNamedBits([]))).toBe('030100');
    const der = derNamedBits([2, 7, 8]);
    expect(setBits(der, 3, der.length)).toEqual([2, 7, 8]);
  });

  it('round-trips the string types', () => {
    const cases: Array<[Uint8Array, number, string]> = [
      [derUtf8String('北京数字认证股份有限公司'), Tag.UTF8String, '北京数字认证股份有限公司'],
      [derUtf8String('91350200556207664B'), Tag.UTF8String, '91350200556207664B'],
      [derPrintableString("CN'()+,-./:=? az09"), Tag.PrintableString, "CN'()+,-./:=? az09"],
      [derIa5String('http://127.0.0.1/crl'), Tag.IA5String, 'http://127.0.0.1/crl'],
      [derBmpString('天威诚信 😀'), Tag.BMPString, '天威诚信 😀'],
    ];
    for (const [der, tag, text] of cases) {
      const t = readTlv(der);
      expect(t.tag).toBe(tag);
      expect(decodeString(der, tag, t.contentStart, t.end)).toBe(text);
    }
    expect(() => derPrintableString('a@b')).toThrow(RangeError);
    expect(() => derPrintableString('中')).toThrow(RangeError);
    expect(() => derIa5String('é')).toThrow(RangeError);
    expect(() => derUtf8String('\ud800')).toThrow(RangeError);
    expect(() => derBmpString('a\udc00')).toThrow(RangeError);
  });

  it('encodes times by the RFC 5280 year rule and round-trips them', () => {
    const times = ['1950-01-01T00:00:00Z', '2024-02-29T12:34:56Z', '2049-12-31T23:59:59Z', '2050-01-01T00:00:00Z', '1949-12-31T23:59:59Z', '2123-01-29T02:30:14Z'];
    for (const iso of times) {
      const d = new Date(iso);
      const der = derTime(d);
      const t = readTlv(der);
      const year = d.getUTCFullYear();
      expect(t.tag).toBe(year >= 1950 && year < 2050 ? Tag.UTCTime : Tag.GeneralizedTime);
      expect(decodeTime(der, t.tag, t.contentStart, t.end)).toBe(d.getTime());
    }
    expect(Buffer.from(derUtcTime(new Date('2024-01-02T03:04:05.678Z')).subarray(2)).toString()).toBe('240102030405Z');
    expect(Buffer.from(derGeneralizedTime(new Date('2024-01-02T03:04:05Z')).subarray(2)).toString()).toBe('20240102030405Z');
    expect(() => derUtcTime(new Date('2050-01-01T00:00:00Z'))).toThrow(RangeError);
    expect(() => derTime(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('sorts SET components as DER requires', () => {
    const a = derInteger(2);
    const b = derInteger(1);
    const c = derOctetString(Uint8Array.of(0));
    const set = derSet(c, a, b);
    const r = new DerReader(set);
    r.expect(Tag.SET, 'set');
    r.enter();
    const seen: string[] = [];
    while (!r.done) {
      r.next();
      seen.push(hex(set.subarray(r.start, r.contentEnd)));
    }
    expect(seen).toEqual([hex(b), hex(a), hex(c)]);
    // Shorter encodings sort as if zero-padded.
    expect(hex(derSet(Uint8Array.of(0x04, 0x01, 0x00), Uint8Array.of(0x04, 0x00)))).toBe('3105' + '0400' + '040100');
  });

  it('builds nested structures with explicit and implicit context tags', () => {
    const uri = derImplicit(6, derIa5String('http://x/'));
    expect(uri[0]).toBe(0x86);
    const dirName = derImplicit(4, derSequence());
    expect(dirName[0]).toBe(0xa4);
    const version = derExplicit(0, derInteger(2));
    expect(hex(version)).toBe('a003020102');
    const der = derSequence(version, derSequence(derOid('2.5.29.19'), derBoolean(true), derOctetString(derSequence(derBoolean(true)))), uri);
    const tags: number[] = [];
    walkDer(der, (t) => tags.push(t.tag));
    expect(tags).toEqual([0x30, 0xa0, 0x02, 0x30, 0x06, 0x01, 0x04, 0x86]);
    expect(() => derExplicit(31, der)).toThrow(RangeError);
    expect(() => derTlv(0x1f)).toThrow(RangeError);
    expect(hex(concatBytes(Uint8Array.of(1), Uint8Array.of(2, 3)))).toBe('010203');
    expect(hex(derTlv(0x04, Uint8Array.of(1), Uint8Array.of(2)))).toBe('04020102');
  });
});
