/**
 * A small DER (X.690) writer: the inverse of the reader in `der.ts` / `decode.ts`. Each function
 * returns the complete encoding (identifier, length, contents) of one value as a fresh Uint8Array;
 * constructed values take their already-encoded components. Used to build OCSP requests and, in
 * the test CA kit, certificates, CRLs and OCSP responses.
 *
 * Every output is DER: minimal lengths and INTEGERs, BOOLEAN TRUE as 0xff, SET components sorted,
 * named-bit BIT STRINGs without trailing zero bits, times in the RFC 5280 form (seconds, `Z`).
 * Invalid input (a non-printable character in a PrintableString, a year outside 0–9999…) throws
 * a RangeError: these are programming errors, not data errors. Only Uint8Array (no Buffer).
 */
import { encodeOid } from './decode';
import { Tag } from './der';

/** The concatenation of `parts`. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The DER length octets for a content length `n` (short form below 128, else minimal long form). */
export function derLength(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`invalid DER length ${n}`);
  if (n < 0x80) return Uint8Array.of(n);
  const octets: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) octets.unshift(v % 256);
  return Uint8Array.of(0x80 | octets.length, ...octets);
}

/**
 * One TLV with identifier octet `tag` (a single octet: universal tags, or context / application /
 * private tag numbers below 31 with the class and constructed bits included) around `content`
 * (one byte array, or several that are concatenated).
 */
export function derTlv(tag: number, ...content: readonly Uint8Array[]): Uint8Array {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xff || (tag & 0x1f) === 0x1f) {
    throw new RangeError(`derTlv takes a single identifier octet below tag number 31, not ${tag}`);
  }
  const body = content.length === 1 && content[0] !== undefined ? content[0] : concatBytes(...content);
  return concatBytes(Uint8Array.of(tag), derLength(body.length), body);
}

/** SEQUENCE of the given encoded components, in order. */
export function derSequence(...components: readonly Uint8Array[]): Uint8Array {
  return derTlv(Tag.SEQUENCE, ...components);
}

/** Compares two encodings as X.690 §11.6 orders SET OF components (shorter one zero-padded). */
function compareForSet(a: Uint8Array, b: Uint8Array): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x - y;
  }
  return a.length - b.length;
}

/**
 * SET of the given encoded components, sorted as DER requires: for SET OF (X.690 §11.6) by their
 * encodings compared as octet strings; for a SET of distinct types this is the tag order
 * (§10.3) as long as the tags are single octets, which is all this writer produces.
 */
export function derSet(...components: readonly Uint8Array[]): Uint8Array {
  return derTlv(Tag.SET, ...[...components].sort(compareForSet));
}

/** Minimal two's-complement octets of a bigint. */
function bigintOctets(value: bigint): Uint8Array {
  let len = 1;
  // The smallest length whose signed range [-2^(8len-1), 2^(8len-1)) holds the value.
  while (value >= 1n << BigInt(8 * len - 1) || value < -(1n << BigInt(8 * len - 1))) len++;
  let v = value < 0n ? value + (1n << BigInt(8 * len)) : value;
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/**
 * INTEGER. A bigint or safe-integer number is encoded in minimal two's complement (negative values
 * allowed). A Uint8Array is read as an unsigned big-endian magnitude (e.g. a serial number or an
 * ECDSA `r`): leading zero octets are dropped and one 0x00 is added when the top bit is set.
 */
export function derInteger(value: bigint | number | Uint8Array): Uint8Array {
  if (value instanceof Uint8Array) {
    let s = 0;
    while (s < value.length - 1 && value[s] === 0) s++;
    const mag = value.length === 0 ? Uint8Array.of(0) : value.subarray(s);
    const pad = ((mag[0] ?? 0) & 0x80) !== 0;
    return derTlv(Tag.INTEGER, pad ? concatBytes(Uint8Array.of(0), mag) : mag);
  }
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new RangeError(`derInteger takes a safe integer, not ${value}`);
  }
  return derTlv(Tag.INTEGER, bigintOctets(BigInt(value)));
}

/** ENUMERATED (e.g. an OCSP response status or a CRL reason code). */
export function derEnumerated(value: number): Uint8Array {
  if (!Number.isSafeInteger(value)) throw new RangeError(`derEnumerated takes a safe integer, not ${value}`);
  return derTlv(Tag.ENUMERATED, bigintOctets(BigInt(value)));
}

/** OBJECT IDENTIFIER from dotted-decimal text, e.g. `1.2.156.10197.1.501`. */
export function derOid(oid: string): Uint8Array {
  let content: Uint8Array;
  try {
    content = encodeOid(oid);
  } catch {
    throw new RangeError(`invalid OID ${JSON.stringify(oid)}`);
  }
  return derTlv(Tag.OID, content);
}

/** BIT STRING of whole octets (`unusedBits` 0–7 in the last one, which must be zero bits). */
export function derBitString(bits: Uint8Array, unusedBits = 0): Uint8Array {
  if (!Number.isInteger(unusedBits) || unusedBits < 0 || unusedBits > 7 || (bits.length === 0 && unusedBits !== 0)) {
    throw new RangeError(`invalid unused-bit count ${unusedBits}`);
  }
  if (unusedBits > 0 && ((bits[bits.length - 1] ?? 0) & ((1 << unusedBits) - 1)) !== 0) {
    throw new RangeError('the unused bits of a DER BIT STRING must be zero');
  }
  return derTlv(Tag.BIT_STRING, Uint8Array.of(unusedBits), bits);
}

/**
 * BIT STRING of a named bit list (KeyUsage, ReasonFlags…): bit 0 is the most significant bit of
 * the first octet, and trailing zero bits are removed as X.690 §11.2.2 requires.
 */
export function derNamedBits(setBits: Iterable<number>): Uint8Array {
  let highest = -1;
  const bits = new Set<number>();
  for (const b of setBits) {
    if (!Number.isInteger(b) || b < 0 || b > 4095) throw new RangeError(`invalid bit number ${b}`);
    bits.add(b);
    highest = Math.max(highest, b);
  }
  if (highest < 0) return derBitString(new Uint8Array(0));
  const octets = new Uint8Array((highest >> 3) + 1);
  for (const b of bits) octets[b >> 3] = (octets[b >> 3] ?? 0) | (0x80 >> (b & 7));
  return derBitString(octets, 7 - (highest & 7));
}

/** OCTET STRING. */
export function derOctetString(content: Uint8Array): Uint8Array {
  return derTlv(Tag.OCTET_STRING, content);
}

/** BOOLEAN (DER: TRUE is 0xff). */
export function derBoolean(value: boolean): Uint8Array {
  return derTlv(Tag.BOOLEAN, Uint8Array.of(value ? 0xff : 0));
}

/** NULL. */
export function derNull(): Uint8Array {
  return Uint8Array.of(Tag.NULL, 0);
}

const UTF8 = new TextEncoder();

function ascii(value: string, what: string, ok: (c: number) => boolean): Uint8Array {
  const out = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (!ok(c)) throw new RangeError(`character ${JSON.stringify(value[i])} is not allowed in a ${what}`);
    out[i] = c;
  }
  return out;
}

/** True when `value` has no unpaired UTF-16 surrogate. */
function wellFormed(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    const next = value.charCodeAt(i + 1);
    if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
}

/** UTF8String (Chinese names, GM/T 0015 identity extensions). Lone surrogates are refused. */
export function derUtf8String(value: string): Uint8Array {
  if (!wellFormed(value)) throw new RangeError('a UTF8String cannot hold unpaired surrogates');
  return derTlv(Tag.UTF8String, UTF8.encode(value));
}

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** PrintableString: only `A-Z a-z 0-9 space ' ( ) + , - . / : = ?` (X.680), e.g. a country code. */
export function derPrintableString(value: string): Uint8Array {
  if (!PRINTABLE.test(value)) throw new RangeError(`${JSON.stringify(value)} is not a valid PrintableString`);
  return derTlv(Tag.PrintableString, ascii(value, 'PrintableString', () => true));
}

/** IA5String (ASCII 0x00–0x7f): URIs, e-mail addresses, DNS names. */
export function derIa5String(value: string): Uint8Array {
  return derTlv(Tag.IA5String, ascii(value, 'IA5String', (c) => c <= 0x7f));
}

/** BMPString (UTF-16BE; characters outside the BMP are written as surrogate pairs). */
export function derBmpString(value: string): Uint8Array {
  if (!wellFormed(value)) throw new RangeError('a BMPString cannot hold unpaired surrogates');
  const out = new Uint8Array(value.length * 2);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    out[2 * i] = c >> 8;
    out[2 * i + 1] = c & 0xff;
  }
  return derTlv(Tag.BMPString, out);
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function timeDigits(date: Date): { year: number; rest: string } {
  const t = date.getTime();
  if (!Number.isFinite(t)) throw new RangeError('invalid Date');
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) throw new RangeError(`year ${year} cannot be encoded`);
  const rest =
    pad(date.getUTCMonth() + 1, 2) +
    pad(date.getUTCDate(), 2) +
    pad(date.getUTCHours(), 2) +
    pad(date.getUTCMinutes(), 2) +
    pad(date.getUTCSeconds(), 2) +
    'Z';
  return { year, rest };
}

/** UTCTime `YYMMDDHHMMSSZ` (years 1950–2049 only; milliseconds are dropped). */
export function derUtcTime(date: Date): Uint8Array {
  const { year, rest } = timeDigits(date);
  if (year < 1950 || year > 2049) throw new RangeError(`UTCTime cannot hold the year ${year}`);
  return derTlv(Tag.UTCTime, ascii(pad(year % 100, 2) + rest, 'UTCTime', () => true));
}

/** GeneralizedTime `YYYYMMDDHHMMSSZ` (milliseconds are dropped, as RFC 5280 and RFC 6960 profiles use). */
export function derGeneralizedTime(date: Date): Uint8Array {
  const { year, rest } = timeDigits(date);
  return derTlv(Tag.GeneralizedTime, ascii(pad(year, 4) + rest, 'GeneralizedTime', () => true));
}

/**
 * A certificate or CRL `Time` by the RFC 5280 §4.1.2.5 rule: UTCTime through 2049,
 * GeneralizedTime from 2050 (and before 1950).
 */
export function derTime(date: Date): Uint8Array {
  const year = date.getUTCFullYear();
  return year >= 1950 && year <= 2049 ? derUtcTime(date) : derGeneralizedTime(date);
}

function checkTagNumber(n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > 30) throw new RangeError(`context tag number ${n} must be 0–30`);
}

/** `[n] EXPLICIT`: a constructed context-specific TLV around the encoded `inner` value(s). */
export function derExplicit(n: number, ...inner: readonly Uint8Array[]): Uint8Array {
  checkTagNumber(n);
  return derTlv(0xa0 | n, ...inner);
}

/**
 * `[n] IMPLICIT`: the encoded value `encoded` with its identifier octet replaced by the
 * context-specific tag `n`, keeping its primitive / constructed form (e.g. a GeneralName URI is
 * `derImplicit(6, derIa5String(uri))`).
 */
export function derImplicit(n: number, encoded: Uint8Array): Uint8Array {
  checkTagNumber(n);
  const id = encoded[0];
  if (id === undefined || (id & 0x1f) === 0x1f) throw new RangeError('derImplicit needs an encoded value with a one-octet tag');
  const out = encoded.slice();
  out[0] = 0x80 | (id & 0x20) | n;
  return out;
}
