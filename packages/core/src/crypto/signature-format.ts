/**
 * Strict decoding of ECDSA / SM2 signature values (DER `SEQUENCE { r, s }`, raw `r‖s`, the SKF
 * ECCSIGNATUREBLOB) and format detection for {@link verifySignature}.
 *
 * @internal
 */
import { DerError, Tag } from '../asn1/index';
import { YizhengError } from '../errors/index';
import { compareUnsigned } from './bytes';
import { integerTlv } from './cms';
import { Region } from './der-region';

/**
 * How the signature bytes are encoded:
 * - `der`: DER `SEQUENCE { r INTEGER, s INTEGER }` (X9.62 / RFC 3279, GM/T 0009), ECDSA and SM2;
 * - `raw`: `r‖s`, each the curve's field size (64 bytes for SM2 and P-256, 96 for P-384, 132 for
 *   P-521; IEEE P1363), or for RSA the k-byte signature itself;
 * - `skf`: the GM/T 0016 SKF `ECCSIGNATUREBLOB`, 128 bytes: r and s each a 64-byte value,
 *   zero-padded on the left;
 * - `cms`: PKCS#7 / CMS `ContentInfo` holding `SignedData` (`1.2.840.113549.1.7.2`, or GM/T 0010
 *   `1.2.156.10197.6.1.4.2.2`);
 * - `auto` (default): whichever of these the bytes are; see {@link verifySignature} for the rule.
 */
export type SignatureFormat = 'auto' | 'der' | 'raw' | 'skf' | 'cms';

/** The concrete formats (everything but `auto`). */
export type ConcreteFormat = Exclude<SignatureFormat, 'auto'>;

/** SKF ECCSIGNATUREBLOB size: two 64-byte values. */
export const SKF_BLOB_BYTES = 128;

function malformed(reason: string): YizhengError {
  return new YizhengError('SIGNATURE_MALFORMED', { reason });
}

/** r and s, each exactly `fieldBytes` big-endian bytes, both checked to be in (0, n). */
export interface RsPair {
  readonly r: Uint8Array;
  readonly s: Uint8Array;
}

/**
 * True when `bytes` is exactly one strict-DER SEQUENCE of exactly two minimally encoded INTEGERs
 * (their signs and sizes aside). This is the test "parses fully as DER" in format detection.
 */
export function isDerSignatureShape(bytes: Uint8Array): boolean {
  if (bytes[0] !== Tag.SEQUENCE) return false;
  try {
    derIntegers(bytes);
    return true;
  } catch {
    return false;
  }
}

function derIntegers(bytes: Uint8Array): [Uint8Array, Uint8Array] {
  const top = new Region(bytes);
  const seq = top.expect(Tag.SEQUENCE, 'signature SEQUENCE');
  top.finish('signature');
  const r = top.enter(seq);
  const rt = integerTlv(bytes, r.expect(Tag.INTEGER, 'r'));
  const st = integerTlv(bytes, r.expect(Tag.INTEGER, 's'));
  r.finish('signature SEQUENCE');
  return [bytes.subarray(rt.contentStart, rt.end), bytes.subarray(st.contentStart, st.end)];
}

/** True when `bytes` is exactly one strict-DER SEQUENCE whose first element is an OID (a ContentInfo). */
export function isContentInfoShape(bytes: Uint8Array): boolean {
  if (bytes[0] !== Tag.SEQUENCE) return false;
  try {
    const top = new Region(bytes);
    const seq = top.expect(Tag.SEQUENCE, 'ContentInfo');
    top.finish('ContentInfo');
    top.enter(seq).expect(Tag.OID, 'contentType');
    return true;
  } catch {
    return false;
  }
}

/** Checks 0 < v < n for the magnitude `v` and returns it left-padded to `size` bytes. */
function inRange(v: Uint8Array, order: Uint8Array, size: number, name: string): Uint8Array {
  let i = 0;
  while (i < v.length && v[i] === 0) i++;
  if (i === v.length) throw malformed(`${name} is zero (must be 0 < ${name} < n)`);
  if (compareUnsigned(v, order) >= 0) throw malformed(`${name} is not below the group order n`);
  const mag = v.subarray(i);
  if (mag.length > size) throw malformed(`${name} is longer than ${size} bytes`);
  const out = new Uint8Array(size);
  out.set(mag, size - mag.length);
  return out;
}

/**
 * Decodes an ECDSA / SM2 signature in a concrete format for a curve with `fieldBytes`-byte values
 * and order `order`.
 *
 * @throws {YizhengError} `SIGNATURE_MALFORMED`: not strict DER (BER lengths, non-minimal or
 *   negative INTEGERs, trailing bytes), a wrong length for `raw` / `skf`, non-zero SKF padding,
 *   r or s outside (0, n).
 */
export function decodeRs(bytes: Uint8Array, format: 'der' | 'raw' | 'skf', fieldBytes: number, order: Uint8Array): RsPair {
  switch (format) {
    case 'der': {
      let r: Uint8Array;
      let s: Uint8Array;
      try {
        [r, s] = derIntegers(bytes);
      } catch (e) {
        if (e instanceof DerError) throw malformed(`not a DER SEQUENCE { r, s }: ${e.message}`);
        throw e;
      }
      if (((r[0] ?? 0) & 0x80) !== 0) throw malformed('r is a negative INTEGER');
      if (((s[0] ?? 0) & 0x80) !== 0) throw malformed('s is a negative INTEGER');
      return { r: inRange(r, order, fieldBytes, 'r'), s: inRange(s, order, fieldBytes, 's') };
    }
    case 'raw': {
      if (bytes.length !== 2 * fieldBytes) {
        throw malformed(`a raw r‖s signature for this key is ${2 * fieldBytes} bytes, not ${bytes.length}`);
      }
      return {
        r: inRange(bytes.subarray(0, fieldBytes), order, fieldBytes, 'r'),
        s: inRange(bytes.subarray(fieldBytes), order, fieldBytes, 's'),
      };
    }
    case 'skf': {
      if (fieldBytes > 64) throw malformed('the SKF signature blob cannot hold values of this curve');
      if (bytes.length !== SKF_BLOB_BYTES) {
        throw malformed(`an SKF ECCSIGNATUREBLOB is ${SKF_BLOB_BYTES} bytes, not ${bytes.length}`);
      }
      if (!skfPaddingZero(bytes, fieldBytes)) {
        throw malformed('the SKF signature blob has non-zero bytes in the padding of r or s');
      }
      return {
        r: inRange(bytes.subarray(64 - fieldBytes, 64), order, fieldBytes, 'r'),
        s: inRange(bytes.subarray(128 - fieldBytes), order, fieldBytes, 's'),
      };
    }
  }
}

function skfPaddingZero(bytes: Uint8Array, fieldBytes: number): boolean {
  const pad = 64 - fieldBytes;
  for (let i = 0; i < pad; i++) if (bytes[i] !== 0 || bytes[64 + i] !== 0) return false;
  return true;
}

/**
 * Detects the format of an ECDSA / SM2 signature (`fieldBytes` > 0) or an RSA signature
 * (`rsaSize` > 0). Candidates, decided by structure alone:
 * - `der`: the bytes parse fully as a strict-DER SEQUENCE of two INTEGERs (EC keys only);
 * - `cms`: the bytes parse fully as a strict-DER SEQUENCE starting with an OID (when `allowCms`);
 * - `raw`: the length is 2 × field size (EC) or k (RSA);
 * - `skf`: 128 bytes (EC keys with values up to 64 bytes, other than a 64-byte field where 128
 *   is the raw length) whose padding bytes are zero.
 * Exactly one candidate: that format. None: `SIGNATURE_MALFORMED` saying what was expected. More
 * than one (e.g. 64 bytes that are both raw r‖s and a complete DER SEQUENCE, about one chance in
 * 2^40 for a random raw signature): `SIGNATURE_MALFORMED` asking for an explicit format. Never a
 * guess, never "try both".
 */
export function detectFormat(
  bytes: Uint8Array,
  key: { readonly fieldBytes: number } | { readonly rsaSize: number },
  allowCms: boolean,
): ConcreteFormat {
  const candidates: ConcreteFormat[] = [];
  const isEc = 'fieldBytes' in key;
  if (bytes[0] === Tag.SEQUENCE) {
    if (isEc && isDerSignatureShape(bytes)) candidates.push('der');
    else if (allowCms && isContentInfoShape(bytes)) candidates.push('cms');
  }
  if (isEc) {
    const f = key.fieldBytes;
    if (bytes.length === 2 * f) candidates.push('raw');
    if (bytes.length === SKF_BLOB_BYTES && f <= 64 && 2 * f !== SKF_BLOB_BYTES && skfPaddingZero(bytes, f)) {
      candidates.push('skf');
    }
  } else if (bytes.length === key.rsaSize) {
    candidates.push('raw');
  }
  const only = candidates[0];
  if (candidates.length === 1 && only !== undefined) return only;
  if (candidates.length > 1) {
    throw malformed(`the signature is ambiguous (it is both ${candidates.join(' and ')}): pass format explicitly`);
  }
  if (isEc) {
    const f = key.fieldBytes;
    let why = '';
    if (bytes[0] === Tag.SEQUENCE) {
      try {
        derIntegers(bytes);
      } catch (e) {
        if (e instanceof DerError) why = ` (as DER: ${e.message})`;
      }
    }
    throw malformed(
      `unrecognised signature of ${bytes.length} bytes${why}: expected DER SEQUENCE { r, s }, ${2 * f}-byte r‖s` +
        (f <= 64 && 2 * f !== SKF_BLOB_BYTES ? ', a 128-byte SKF blob' : '') +
        (allowCms ? ' or CMS SignedData' : ''),
    );
  }
  throw malformed(
    `unrecognised signature of ${bytes.length} bytes: an RSA signature for this key is ${key.rsaSize} bytes` +
      (allowCms ? ' (or CMS SignedData)' : ''),
  );
}
