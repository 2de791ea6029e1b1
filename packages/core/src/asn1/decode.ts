/**
 * Decoders for the contents of DER primitive values: OBJECT IDENTIFIER, INTEGER, BOOLEAN, NULL,
 * BIT STRING, UTCTime / GeneralizedTime and the ASN.1 character string types. Each takes the bytes
 * and the content range `[start, end)` (from {@link DerReader} or {@link readTlv}), enforces the DER
 * rules for the type and throws {@link DerError} on any violation. `check*` variants validate
 * without building a result. No Node-only APIs.
 */
import { DerError, Tag } from './der';
import { OID_NAMES } from './oids';

const HEX_LOWER: string[] = [];
const HEX_UPPER: string[] = [];
for (let i = 0; i < 256; i++) {
  const h = i.toString(16).padStart(2, '0');
  HEX_LOWER.push(h);
  HEX_UPPER.push(h.toUpperCase());
}

/** Hex of `bytes[start..end)`, lowercase unless `upper`. */
export function toHex(bytes: Uint8Array, start = 0, end: number = bytes.length, upper = false): string {
  const table = upper ? HEX_UPPER : HEX_LOWER;
  let s = '';
  for (let i = start; i < end; i++) s += table[bytes[i] ?? 0] ?? '';
  return s;
}

// ---------------------------------------------------------------------------------------------
// OBJECT IDENTIFIER

/** Largest value an arc accumulator may hold before another 7 bits could exceed 2^53. */
const ARC_SAFE_LIMIT = 2 ** 46;

/** Longest sub-identifier accepted, in octets: 140 bits, room for the 128-bit UUID arcs of 2.25. */
const MAX_ARC_OCTETS = 20;

/**
 * Validates OID content: non-empty, each sub-identifier minimally encoded (no leading 0x80) and at
 * most 20 octets long (so decoding stays linear on hostile input), the last one complete.
 */
export function checkOid(bytes: Uint8Array, start: number, end: number): void {
  if (start >= end) throw new DerError('empty OBJECT IDENTIFIER', start);
  if (((bytes[end - 1] ?? 0) & 0x80) !== 0) throw new DerError('truncated OBJECT IDENTIFIER', end - 1);
  let arcStart = start;
  for (let i = start; i < end; i++) {
    const b = bytes[i] ?? 0;
    if (i === arcStart && b === 0x80) throw new DerError('non-minimal OBJECT IDENTIFIER arc', i);
    if (i - arcStart >= MAX_ARC_OCTETS) throw new DerError('OBJECT IDENTIFIER arc too large', arcStart);
    if ((b & 0x80) === 0) arcStart = i + 1;
  }
}

/** FNV-1a over the content, for the intern table. */
function oidHash(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 ^ (end - start);
  for (let i = start; i < end; i++) h = Math.imul(h ^ (bytes[i] ?? 0), 0x01000193);
  return h >>> 0;
}

/** Known OIDs by content hash: decoding one of them returns a shared string, allocation-free. */
const INTERNED = new Map<number, { readonly content: Uint8Array; readonly oid: string }>();

function decodeOidSlow(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  let value = 0;
  let first = true;
  for (let i = start; i < end; i++) {
    const b = bytes[i] ?? 0;
    if (value >= ARC_SAFE_LIMIT) return decodeOidBig(bytes, start, end);
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) !== 0) continue;
    if (first) {
      s = value < 40 ? `0.${value}` : value < 80 ? `1.${value - 40}` : `2.${value - 80}`;
      first = false;
    } else {
      s += '.' + value;
    }
    value = 0;
  }
  return s;
}

function decodeOidBig(bytes: Uint8Array, start: number, end: number): string {
  const arcs: bigint[] = [];
  let value = 0n;
  for (let i = start; i < end; i++) {
    const b = bytes[i] ?? 0;
    value = (value << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(value);
      value = 0n;
    }
  }
  const first = arcs[0] ?? 0n;
  const head = first < 40n ? `0.${first}` : first < 80n ? `1.${first - 40n}` : `2.${first - 80n}`;
  return [head, ...arcs.slice(1).map(String)].join('.');
}

/**
 * The dotted form of OID content when it is one of the OIDs in {@link OID_NAMES} (a shared string,
 * no allocation), else undefined. Does not validate: use on content already checked, or follow with
 * {@link checkOid}.
 */
export function knownOid(bytes: Uint8Array, start: number, end: number): string | undefined {
  const hit = INTERNED.get(oidHash(bytes, start, end));
  if (hit === undefined || hit.content.length !== end - start) return undefined;
  const c = hit.content;
  for (let i = 0; i < c.length; i++) if (c[i] !== bytes[start + i]) return undefined;
  return hit.oid;
}

/**
 * Dotted-decimal form of the OID content `bytes[start..end)`, e.g. `1.2.156.10197.1.501`, after the
 * {@link checkOid} rules. Arcs beyond 2^53 (UUID OIDs under 2.25) are decoded exactly with BigInt.
 */
export function decodeOid(bytes: Uint8Array, start: number, end: number): string {
  checkOid(bytes, start, end);
  return knownOid(bytes, start, end) ?? decodeOidSlow(bytes, start, end);
}

/** DER content of a dotted-decimal OID (the inverse of {@link decodeOid}). */
export function encodeOid(oid: string): Uint8Array {
  const parts = oid.split('.');
  if (parts.length < 2 || parts.some((p) => !/^(0|[1-9]\d*)$/.test(p))) {
    throw new DerError(`invalid OID string ${JSON.stringify(oid)}`, 0);
  }
  const arcs = parts.map((p) => BigInt(p));
  const [a, b] = arcs as [bigint, bigint];
  if (a > 2n || (a < 2n && b > 39n)) throw new DerError(`invalid OID string ${JSON.stringify(oid)}`, 0);
  const out: number[] = [];
  for (const arc of [a * 40n + b, ...arcs.slice(2)]) {
    const chunk: number[] = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...chunk);
  }
  return Uint8Array.from(out);
}

for (const oid of OID_NAMES.keys()) {
  const content = encodeOid(oid);
  const h = oidHash(content, 0, content.length);
  if (!INTERNED.has(h)) INTERNED.set(h, { content, oid });
}

// ---------------------------------------------------------------------------------------------
// INTEGER, BOOLEAN, NULL

/** Validates INTEGER content: non-empty and minimal (no redundant leading 0x00 or 0xff octet). */
export function checkInteger(bytes: Uint8Array, start: number, end: number): void {
  if (start >= end) throw new DerError('empty INTEGER', start);
  if (end - start > 1) {
    const b0 = bytes[start] ?? 0;
    const b1 = bytes[start + 1] ?? 0;
    if ((b0 === 0 && b1 < 0x80) || (b0 === 0xff && b1 >= 0x80)) {
      throw new DerError('non-minimal INTEGER encoding', start);
    }
  }
}

/** True when INTEGER content is negative. */
export function isNegativeInteger(bytes: Uint8Array, start: number): boolean {
  return ((bytes[start] ?? 0) & 0x80) !== 0;
}

/**
 * Hex of INTEGER content (uppercase unless `upper` is false): a non-negative value's magnitude
 * without the sign-padding 0x00 octet (zero is `00`); a negative value's two's-complement octets.
 * The sign is lost (`FB CE` and `00 FB CE` both give `FBCE`): never compare serial numbers with it;
 * use {@link integerToSignedHex}.
 */
export function integerToHex(bytes: Uint8Array, start: number, end: number, upper = true): string {
  checkInteger(bytes, start, end);
  if (bytes[start] === 0 && end - start > 1) start++;
  return toHex(bytes, start, end, upper);
}

/**
 * Hex of INTEGER content that keeps the sign, as OpenSSL prints serial numbers: a non-negative
 * value exactly as {@link integerToHex} writes it (e.g. `00 FB CE` gives `FBCE`); a negative value
 * as `-` and the octets of its magnitude (e.g. `FB CE` is -0x0432 and gives `-0432`). The INTEGER
 * must be minimally encoded (DER), so equal text means equal content octets.
 */
export function integerToSignedHex(bytes: Uint8Array, start: number, end: number, upper = true): string {
  checkInteger(bytes, start, end);
  if (((bytes[start] ?? 0) & 0x80) === 0) return integerToHex(bytes, start, end, upper);
  // Magnitude = two's complement of the content: invert every octet and add one.
  const magnitude = new Uint8Array(end - start);
  let carry = 1;
  for (let i = end - start - 1; i >= 0; i--) {
    const v = (~(bytes[start + i] ?? 0) & 0xff) + carry;
    magnitude[i] = v & 0xff;
    carry = v >> 8;
  }
  let s = 0;
  while (s < magnitude.length - 1 && magnitude[s] === 0) s++;
  return '-' + toHex(magnitude, s, magnitude.length, upper);
}

/** INTEGER content as a bigint (two's complement). */
export function integerToBigInt(bytes: Uint8Array, start: number, end: number): bigint {
  checkInteger(bytes, start, end);
  let v = 0n;
  for (let i = start; i < end; i++) v = (v << 8n) | BigInt(bytes[i] ?? 0);
  if (((bytes[start] ?? 0) & 0x80) !== 0) v -= 1n << BigInt(8 * (end - start));
  return v;
}

/** INTEGER content as a number; throws outside the safe integer range (use {@link integerToBigInt}). */
export function integerToNumber(bytes: Uint8Array, start: number, end: number): number {
  checkInteger(bytes, start, end);
  if (end - start > 7) throw new DerError('INTEGER too large', start);
  let v = ((bytes[start] ?? 0) & 0x80) !== 0 ? -1 : 0;
  for (let i = start; i < end; i++) v = v * 256 + (bytes[i] ?? 0);
  if (!Number.isSafeInteger(v)) throw new DerError('INTEGER too large', start);
  return v;
}

/** BOOLEAN content: exactly one octet, 0x00 (FALSE) or 0xff (TRUE) in DER. */
export function decodeBoolean(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start !== 1) throw new DerError('BOOLEAN must be one octet', start);
  const b = bytes[start];
  if (b === 0xff) return true;
  if (b === 0) return false;
  throw new DerError('BOOLEAN must be 0x00 or 0xff in DER', start);
}

/** NULL content: empty. */
export function checkNull(start: number, end: number): void {
  if (end !== start) throw new DerError('NULL must be empty', start);
}

// ---------------------------------------------------------------------------------------------
// BIT STRING

/**
 * Validates BIT STRING content and returns the unused-bit count; the bits are `[start + 1, end)`.
 * DER: the count is 0..7 and 0 for an empty string, and the padding bits are zero.
 */
export function checkBitString(bytes: Uint8Array, start: number, end: number): number {
  if (start >= end) throw new DerError('empty BIT STRING', start);
  const unused = bytes[start] ?? 0;
  if (unused > 7) throw new DerError('BIT STRING unused-bit count above 7', start);
  if (end - start === 1) {
    if (unused !== 0) throw new DerError('empty BIT STRING with unused bits', start);
  } else if (((bytes[end - 1] ?? 0) & ((1 << unused) - 1)) !== 0) {
    throw new DerError('BIT STRING padding bits must be zero in DER', end - 1);
  }
  return unused;
}

/**
 * Positions of the set bits in the bit octets `bytes[start..end)`, bit 0 being the most significant
 * bit of the first octet (the numbering of ASN.1 named bit lists such as KeyUsage).
 */
export function setBits(bytes: Uint8Array, start: number, end: number): number[] {
  const out: number[] = [];
  for (let i = start; i < end; i++) {
    const b = bytes[i] ?? 0;
    if (b === 0) continue;
    for (let j = 0; j < 8; j++) if ((b & (0x80 >> j)) !== 0) out.push((i - start) * 8 + j);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Time

/** Options for {@link decodeTime}. */
export interface TimeOptions {
  /**
   * Accept fractional seconds in GeneralizedTime (`YYYYMMDDHHMMSS.fffZ`, DER form: at least one
   * digit, no trailing zero). RFC 5280 forbids them in certificates; OCSP and CMS producers use
   * them. Default false.
   */
  readonly fractionalSeconds?: boolean;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits2(bytes: Uint8Array, i: number): number {
  const a = (bytes[i] ?? 0) - 0x30;
  const b = (bytes[i + 1] ?? 0) - 0x30;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

/**
 * Decodes UTCTime (`tag` 0x17) or GeneralizedTime (0x18) content to milliseconds since the epoch.
 *
 * Strict formats (RFC 5280 §4.1.2.5, DER): UTCTime `YYMMDDHHMMSSZ`, YY < 50 meaning 20YY and YY ≥ 50
 * meaning 19YY; GeneralizedTime `YYYYMMDDHHMMSSZ`. Seconds are required, the zone must be `Z`, and
 * every field must be in range (day checked against the month, leap years included, no leap second).
 */
export function decodeTime(
  bytes: Uint8Array,
  tag: number,
  start: number,
  end: number,
  options: TimeOptions = {},
): number {
  const len = end - start;
  let year: number;
  let p: number;
  if (tag === Tag.UTCTime) {
    if (len !== 13) throw new DerError('UTCTime must be YYMMDDHHMMSSZ', start);
    const yy = digits2(bytes, start);
    if (yy < 0) throw new DerError('invalid UTCTime', start);
    year = yy < 50 ? 2000 + yy : 1900 + yy;
    p = start + 2;
  } else if (tag === Tag.GeneralizedTime) {
    if (len < 15) throw new DerError('GeneralizedTime must be YYYYMMDDHHMMSSZ', start);
    const hi = digits2(bytes, start);
    const lo = digits2(bytes, start + 2);
    if (hi < 0 || lo < 0) throw new DerError('invalid GeneralizedTime', start);
    year = hi * 100 + lo;
    p = start + 4;
  } else {
    throw new DerError('expected UTCTime or GeneralizedTime', start);
  }
  const month = digits2(bytes, p);
  const day = digits2(bytes, p + 2);
  const hour = digits2(bytes, p + 4);
  const minute = digits2(bytes, p + 6);
  const second = digits2(bytes, p + 8);
  p += 10;
  const badClock = hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59;
  if (month < 1 || month > 12 || day < 1 || badClock) {
    throw new DerError('time field out of range', start);
  }
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (DAYS_IN_MONTH[month - 1] ?? 0) + (leap ? 1 : 0)) throw new DerError('day out of range', start);
  let ms = 0;
  if (tag === Tag.GeneralizedTime && len > 15) {
    if (options.fractionalSeconds !== true || bytes[p] !== 0x2e) {
      throw new DerError('GeneralizedTime must be YYYYMMDDHHMMSSZ', start);
    }
    const fracStart = ++p;
    let frac = 0;
    let scale = 100;
    while (p < end - 1) {
      const d = (bytes[p] ?? 0) - 0x30;
      if (d < 0 || d > 9) throw new DerError('invalid GeneralizedTime fraction', p);
      frac += d * scale;
      scale /= 10;
      p++;
    }
    if (p === fracStart || bytes[p - 1] === 0x30) {
      throw new DerError('GeneralizedTime fraction must be non-empty without trailing zeros', p);
    }
    ms = Math.floor(frac);
  }
  if (p !== end - 1 || bytes[p] !== 0x5a) throw new DerError('time must end in Z', p);
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const d = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  d.setUTCFullYear(year);
  return d.getTime();
}

// ---------------------------------------------------------------------------------------------
// Character strings

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Latin-1 view of `bytes[start..end)` (every octet one code point). */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= 32) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i] ?? 0);
    return s;
  }
  let s = '';
  for (let i = start; i < end; i += 4096) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + 4096)) as unknown as number[]);
  }
  return s;
}

/** Well-formed UTF-8 (RFC 3629): no overlongs, no surrogates, nothing above U+10FFFF. */
function checkUtf8(bytes: Uint8Array, start: number, end: number): void {
  let i = start;
  while (i < end) {
    const c = bytes[i] ?? 0;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else throw new DerError('invalid UTF-8 in UTF8String', i);
    if (i + n >= end) throw new DerError('invalid UTF-8 in UTF8String', i);
    const c1 = bytes[i + 1] ?? 0;
    if (c1 < lo || c1 > hi) throw new DerError('invalid UTF-8 in UTF8String', i + 1);
    for (let k = 2; k <= n; k++) {
      const ck = bytes[i + k] ?? 0;
      if (ck < 0x80 || ck > 0xbf) throw new DerError('invalid UTF-8 in UTF8String', i + k);
    }
    i += n + 1;
  }
}

/**
 * Decodes UTF-8 already validated by checkUtf8. For the short strings of names and extensions this
 * is several times faster than a TextDecoder call.
 */
function utf8Short(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  let i = start;
  while (i < end) {
    const c = bytes[i] ?? 0;
    if (c < 0x80) {
      s += String.fromCharCode(c);
      i++;
    } else if (c < 0xe0) {
      s += String.fromCharCode(((c & 0x1f) << 6) | ((bytes[i + 1] ?? 0) & 0x3f));
      i += 2;
    } else if (c < 0xf0) {
      s += String.fromCharCode(((c & 0x0f) << 12) | (((bytes[i + 1] ?? 0) & 0x3f) << 6) | ((bytes[i + 2] ?? 0) & 0x3f));
      i += 3;
    } else {
      const hi = ((c & 0x07) << 18) | (((bytes[i + 1] ?? 0) & 0x3f) << 12);
      s += String.fromCodePoint(hi | (((bytes[i + 2] ?? 0) & 0x3f) << 6) | ((bytes[i + 3] ?? 0) & 0x3f));
      i += 4;
    }
  }
  return s;
}

function checkRange(bytes: Uint8Array, start: number, end: number, lo: number, hi: number, what: string): void {
  for (let i = start; i < end; i++) {
    const b = bytes[i] ?? 0;
    if (b < lo || b > hi) throw new DerError(`invalid character in ${what}`, i);
  }
}

function checkBmp(bytes: Uint8Array, start: number, end: number): void {
  if ((end - start) % 2 !== 0) throw new DerError('BMPString length must be even', start);
  for (let i = start; i < end; i += 2) {
    const u = ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
    if (u < 0xd800 || u > 0xdfff) continue;
    // UCS-2 has no surrogates, but Windows writes UTF-16: accept only well-formed pairs.
    const low = i + 3 < end ? ((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0) : 0;
    if (u > 0xdbff || low < 0xdc00 || low > 0xdfff) throw new DerError('unpaired surrogate in BMPString', i);
    i += 2;
  }
}

/** The UTF-32BE code unit at `i`. */
function codePoint32(bytes: Uint8Array, i: number): number {
  const hi = (bytes[i] ?? 0) * 0x1000000;
  return hi + (((bytes[i + 1] ?? 0) << 16) | ((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0));
}

function checkUniversal(bytes: Uint8Array, start: number, end: number): void {
  if ((end - start) % 4 !== 0) throw new DerError('UniversalString length must be a multiple of 4', start);
  for (let i = start; i < end; i += 4) {
    const c = codePoint32(bytes, i);
    if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) throw new DerError('invalid code point in UniversalString', i);
  }
}

/** True when `tag` is one of the character string types {@link decodeString} reads. */
export function isStringTag(tag: number): boolean {
  switch (tag) {
    case Tag.UTF8String:
    case Tag.NumericString:
    case Tag.PrintableString:
    case Tag.TeletexString:
    case Tag.IA5String:
    case Tag.VisibleString:
    case Tag.UniversalString:
    case Tag.BMPString:
      return true;
    default:
      return false;
  }
}

/**
 * Validates character string content of type `tag` (a universal string tag; for IMPLICIT tagging
 * pass the underlying type, e.g. Tag.IA5String for a GeneralName URI):
 * - UTF8String: well-formed UTF-8;
 * - BMPString: UTF-16BE, even length; surrogate pairs accepted, unpaired surrogates rejected;
 * - UniversalString: UTF-32BE, code points up to U+10FFFF, no surrogates;
 * - TeletexString: any octets (read as Latin-1, which is what CAs that use it mean);
 * - IA5String: 0x00-0x7f; NumericString: digits and space; VisibleString: 0x20-0x7e;
 * - PrintableString: any printable ASCII 0x20-0x7e. X.680 allows only `A-Za-z0-9 '()+,-./:=?`, but
 *   CAs in the field put `@`, `&`, `*` or `_` there and rejecting such a certificate would lock its
 *   holder out; control characters and non-ASCII octets are still rejected.
 */
export function checkString(bytes: Uint8Array, tag: number, start: number, end: number): void {
  switch (tag) {
    case Tag.UTF8String:
      return checkUtf8(bytes, start, end);
    case Tag.PrintableString:
      return checkRange(bytes, start, end, 0x20, 0x7e, 'PrintableString');
    case Tag.VisibleString:
      return checkRange(bytes, start, end, 0x20, 0x7e, 'VisibleString');
    case Tag.IA5String:
      return checkRange(bytes, start, end, 0x00, 0x7f, 'IA5String');
    case Tag.NumericString:
      for (let i = start; i < end; i++) {
        const b = bytes[i] ?? 0;
        if (b !== 0x20 && (b < 0x30 || b > 0x39)) throw new DerError('invalid character in NumericString', i);
      }
      return;
    case Tag.TeletexString:
      return;
    case Tag.BMPString:
      return checkBmp(bytes, start, end);
    case Tag.UniversalString:
      return checkUniversal(bytes, start, end);
    default:
      throw new DerError('expected a character string', start);
  }
}

/** Decodes character string content of type `tag` after the {@link checkString} rules. */
export function decodeString(bytes: Uint8Array, tag: number, start: number, end: number): string {
  checkString(bytes, tag, start, end);
  switch (tag) {
    case Tag.UTF8String: {
      let i = start;
      while (i < end && (bytes[i] ?? 0) < 0x80) i++;
      if (i === end) return latin1(bytes, start, end);
      return end - start <= 256 ? utf8Short(bytes, start, end) : UTF8.decode(bytes.subarray(start, end));
    }
    case Tag.BMPString: {
      let s = '';
      for (let i = start; i < end; i += 2) s += String.fromCharCode(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
      return s;
    }
    case Tag.UniversalString: {
      let s = '';
      for (let i = start; i < end; i += 4) {
        s += String.fromCodePoint(codePoint32(bytes, i));
      }
      return s;
    }
    default:
      return latin1(bytes, start, end);
  }
}
