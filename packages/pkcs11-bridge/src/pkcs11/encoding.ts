/**
 * The few encodings signing needs: ECDSA / SM2 r‖s ↔ DER `SEQUENCE { r, s }`, and the PKCS#1
 * DigestInfo prefix for tokens that only have raw CKM_RSA_PKCS.
 *
 * @internal
 */

/** DER DigestInfo prefix for SHA-256 (RFC 8017 §9.2 note 1). */
export const SHA256_DIGEST_INFO_PREFIX = Buffer.from('3031300d060960864801650304020105000420', 'hex');

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.of(length);
  if (length < 0x100) return Buffer.of(0x81, length);
  return Buffer.of(0x82, length >> 8, length & 0xff);
}

function derInteger(unsigned: Buffer): Buffer {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
  let body = unsigned.subarray(start);
  if (((body[0] ?? 0) & 0x80) !== 0) body = Buffer.concat([Buffer.of(0), body]);
  return Buffer.concat([Buffer.of(0x02), derLength(body.length), body]);
}

/** Encodes a raw r‖s signature (two equal halves) as DER `SEQUENCE { r INTEGER, s INTEGER }`. */
export function rawToDer(raw: Uint8Array): Buffer {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new RangeError(`raw signature of odd length ${raw.length}`);
  const half = raw.length / 2;
  const bytes = Buffer.from(raw);
  const body = Buffer.concat([derInteger(bytes.subarray(0, half)), derInteger(bytes.subarray(half))]);
  return Buffer.concat([Buffer.of(0x30), derLength(body.length), body]);
}

/** Field size in bytes of the named curves a token may hold. */
export function curveFieldBytes(curve: string): number {
  switch (curve) {
    case 'P-384':
      return 48;
    case 'P-521':
      return 66;
    default:
      return 32;
  }
}

function readLength(der: Buffer, at: number): [length: number, next: number] {
  const first = der[at];
  if (first === undefined) throw new RangeError('truncated DER');
  if (first < 0x80) return [first, at + 1];
  const count = first & 0x7f;
  if (count === 0 || count > 2) throw new RangeError('unsupported DER length');
  let length = 0;
  for (let i = 1; i <= count; i++) {
    const b = der[at + i];
    if (b === undefined) throw new RangeError('truncated DER');
    length = (length << 8) | b;
  }
  return [length, at + 1 + count];
}

/** Decodes DER `SEQUENCE { r, s }` to raw r‖s with each half `fieldBytes` long. */
export function derToRaw(input: Uint8Array, fieldBytes: number): Buffer {
  const der = Buffer.from(input);
  if (der[0] !== 0x30) throw new RangeError('not a DER SEQUENCE');
  const [seqLength, bodyAt] = readLength(der, 1);
  if (bodyAt + seqLength !== der.length) throw new RangeError('DER signature has trailing bytes');
  const out = Buffer.alloc(fieldBytes * 2);
  let at = bodyAt;
  for (let i = 0; i < 2; i++) {
    if (der[at] !== 0x02) throw new RangeError('expected INTEGER');
    const [length, valueAt] = readLength(der, at + 1);
    let value = der.subarray(valueAt, valueAt + length);
    if (value.length !== length) throw new RangeError('truncated INTEGER');
    while (value.length > fieldBytes && value[0] === 0) value = value.subarray(1);
    if (value.length > fieldBytes) throw new RangeError('INTEGER larger than the field');
    value.copy(out, (i + 1) * fieldBytes - value.length);
    at = valueAt + length;
  }
  if (at !== der.length) throw new RangeError('DER signature has trailing bytes');
  return out;
}
