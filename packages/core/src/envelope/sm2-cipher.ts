/**
 * SM2 public-key encryption (GM/T 0003.4-2012, GB/T 32918.4-2016) in pure JavaScript, and the
 * ciphertext encodings found in the wild. Browser-safe: no `node:` imports and no Node Buffer;
 * randomness comes from `globalThis.crypto.getRandomValues` (Web Crypto, present in browsers,
 * workers and Node ≥ 19). The page-side software token imports {@link sm2Decrypt} from here.
 *
 * Errors are YizhengErrors: `ENVELOPE_MALFORMED`, `ENVELOPE_DECRYPT_FAILED`, `INVALID_ARGUMENT`
 * (the error catalogue is already in the page bundle through `crypto/sm3.ts`).
 *
 * Not constant-time: BigInt arithmetic never is. The secret scalars (the ephemeral `k` when
 * encrypting, the private key when decrypting) go through the same variable-time curve code as
 * signature verification. Acceptable for a bid-opening server that decrypts a handful of envelopes
 * on demand; not for a service that decrypts attacker-chosen ciphertexts at high rates and exposes
 * its timings.
 *
 * @internal
 */
import { Sm3 } from '../crypto/sm3';
import { YizhengError } from '../errors/index';
import {
  SM2_N,
  bigIntToBytes,
  bytesToBigInt,
  decodePoint,
  isOnCurve,
  multiplyBase,
  multiplyWnaf,
  toAffine,
  type Jacobian,
} from '../crypto/sm2-curve';
import { Tag, checkInteger, readTlv } from '../asn1/index';
import { concatBytes, derInteger, derOctetString, derSequence } from '../asn1/encode';

/** Largest plaintext {@link sm2Encrypt} takes and largest C2 {@link parseSm2Ciphertext} reads (1 MiB). */
export const MAX_SM2_PLAINTEXT_BYTES = 1 << 20;

function invalid(reason: string): YizhengError {
  return new YizhengError('INVALID_ARGUMENT', { reason: `SM2 encryption: ${reason}` });
}

/** The byte order of a raw (non-ASN.1) ciphertext: the 2012 standard's C1C3C2 or the legacy C1C2C3. */
export type Sm2CiphertextOrder = 'asn1' | 'C1C3C2' | 'C1C2C3';

/** One reading of an SM2 ciphertext. */
export interface Sm2CiphertextParts {
  /** Where it came from: ASN.1, or one of the raw byte orders. */
  readonly order: Sm2CiphertextOrder;
  /** C1 = k·G as an uncompressed point `04‖x‖y` (65 bytes), validated on the curve. */
  readonly c1: Uint8Array;
  /** C3 = SM3(x2‖M‖y2), 32 bytes. */
  readonly c3: Uint8Array;
  /** C2 = M xor KDF(x2‖y2), as long as the plaintext. */
  readonly c2: Uint8Array;
}

const P = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;

function malformed(reason: string): YizhengError {
  return new YizhengError('ENVELOPE_MALFORMED', { reason: `SM2 ciphertext: ${reason}` });
}

/** KDF of GM/T 0003.4 §5.4.3 with SM3: `klen` bytes of SM3(z‖ct) for ct = 1, 2, … (32-bit big-endian). */
export function sm2Kdf(z: Uint8Array, klen: number): Uint8Array {
  const out = new Uint8Array(klen);
  const ct = new Uint8Array(4);
  for (let off = 0, counter = 1; off < klen; off += 32, counter++) {
    ct[0] = counter >>> 24;
    ct[1] = (counter >>> 16) & 0xff;
    ct[2] = (counter >>> 8) & 0xff;
    ct[3] = counter & 0xff;
    const block = new Sm3().update(z).update(ct).digest();
    out.set(block.subarray(0, Math.min(32, klen - off)), off);
  }
  return out;
}

function randomScalar(): bigint {
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (typeof c?.getRandomValues !== 'function') throw invalid('no globalThis.crypto.getRandomValues');
  const buf = new Uint8Array(40);
  for (;;) {
    c.getRandomValues(buf);
    // 320 random bits reduced mod n-1, plus 1: bias below 2^-64.
    const k = (bytesToBigInt(buf) % (SM2_N - 1n)) + 1n;
    if (k > 0n && k < SM2_N) return k;
  }
}

/** `k·(x, y)` in affine coordinates, or undefined for infinity. */
function multiply(x: bigint, y: bigint, k: bigint): [bigint, bigint] | undefined {
  const acc: Jacobian = { x: 0n, y: 0n, z: 0n };
  multiplyWnaf(acc, x, y, k);
  return toAffine(acc);
}

function pointOf(publicKeyPoint: Uint8Array): [bigint, bigint] {
  if (!(publicKeyPoint instanceof Uint8Array)) throw invalid('the public key point must be a Uint8Array');
  const q = decodePoint(publicKeyPoint);
  if (q === undefined) throw invalid('the public key is not a point on the SM2 curve');
  return q;
}

function allZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (const b of bytes) acc |= b;
  return acc === 0;
}

/**
 * SM2-encrypts with a given source of ephemeral scalars: the test hook behind {@link sm2Encrypt}
 * (a known-answer test fixes `k`). Never pass a fixed `k` outside tests.
 *
 * @internal
 */
export function sm2EncryptParts(publicKeyPoint: Uint8Array, plaintext: Uint8Array, nextK: () => bigint = randomScalar): Sm2CiphertextParts {
  const [qx, qy] = pointOf(publicKeyPoint);
  if (!(plaintext instanceof Uint8Array)) throw invalid('the plaintext must be a Uint8Array');
  if (plaintext.length === 0) throw invalid('the plaintext is empty');
  if (plaintext.length > MAX_SM2_PLAINTEXT_BYTES) {
    throw invalid(`the plaintext exceeds ${MAX_SM2_PLAINTEXT_BYTES} bytes`);
  }
  for (let attempt = 0; attempt < 16; attempt++) {
    const k = nextK();
    if (k <= 0n || k >= SM2_N) throw invalid('k out of range');
    const c1 = multiplyBase(k);
    const shared = multiply(qx, qy, k);
    if (c1 === undefined || shared === undefined) continue;
    const x2 = bigIntToBytes(shared[0]);
    const y2 = bigIntToBytes(shared[1]);
    const t = sm2Kdf(concatBytes(x2, y2), plaintext.length);
    if (allZero(t)) continue;
    const c2 = new Uint8Array(plaintext.length);
    for (let i = 0; i < c2.length; i++) c2[i] = (plaintext[i] ?? 0) ^ (t[i] ?? 0);
    const c3 = new Sm3().update(x2).update(plaintext).update(y2).digest();
    return { order: 'asn1', c1: concatBytes(Uint8Array.of(4), bigIntToBytes(c1[0]), bigIntToBytes(c1[1])), c3, c2 };
  }
  throw invalid('no usable ephemeral scalar');
}

/**
 * The GM/T 0009-2012 ASN.1 form of a ciphertext, the one this library writes:
 * `SEQUENCE { x INTEGER, y INTEGER, hash OCTET STRING (C3), cipherText OCTET STRING (C2) }`.
 */
export function encodeSm2Ciphertext(parts: Pick<Sm2CiphertextParts, 'c1' | 'c3' | 'c2'>): Uint8Array {
  return derSequence(
    derInteger(parts.c1.subarray(1, 33)),
    derInteger(parts.c1.subarray(33, 65)),
    derOctetString(parts.c3),
    derOctetString(parts.c2),
  );
}

/**
 * SM2-encrypts `plaintext` (1 byte to 1 MiB) to the public key `publicKeyPoint` (SEC 1 point,
 * `04‖x‖y` or compressed) with a fresh random `k`, per GM/T 0003.4-2012 §6.1. Returns the
 * GM/T 0009-2012 ASN.1 form (what OpenSSL's `pkeyutl -encrypt` writes for SM2).
 *
 * @throws {YizhengError} `INVALID_ARGUMENT` for a key that is not on the curve or a plaintext out of range.
 */
export function sm2Encrypt(publicKeyPoint: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return encodeSm2Ciphertext(sm2EncryptParts(publicKeyPoint, plaintext));
}

function readAsn1(bytes: Uint8Array): Sm2CiphertextParts {
  const seq = readTlv(bytes, 0);
  if (seq.tag !== Tag.SEQUENCE) throw malformed('not a SEQUENCE');
  if (seq.end !== bytes.length) throw malformed('trailing data after the SEQUENCE');
  let pos = seq.contentStart;
  const coord = (): Uint8Array => {
    const t = readTlv(bytes, pos, seq.end);
    if (t.tag !== Tag.INTEGER) throw malformed('C1 coordinate is not an INTEGER');
    checkInteger(bytes, t.contentStart, t.end);
    pos = t.end;
    if (((bytes[t.contentStart] ?? 0) & 0x80) !== 0) throw malformed('negative C1 coordinate');
    const v = bytesToBigInt(bytes, t.contentStart, t.end);
    if (v >= P) throw malformed('C1 coordinate not below p');
    return bigIntToBytes(v);
  };
  const octets = (what: string): Uint8Array => {
    const t = readTlv(bytes, pos, seq.end);
    if (t.tag !== Tag.OCTET_STRING) throw malformed(`${what} is not an OCTET STRING`);
    pos = t.end;
    return bytes.slice(t.contentStart, t.end);
  };
  const x = coord();
  const y = coord();
  const c3 = octets('hash (C3)');
  const c2 = octets('cipherText (C2)');
  if (pos !== seq.end) throw malformed('trailing data in the SEQUENCE');
  if (c3.length !== 32) throw malformed(`hash (C3) is ${c3.length} bytes, not 32`);
  return checked({ order: 'asn1', c1: concatBytes(Uint8Array.of(4), x, y), c3, c2 });
}

function checked(parts: Sm2CiphertextParts): Sm2CiphertextParts {
  if (parts.c2.length === 0) throw malformed('empty cipherText (C2)');
  if (parts.c2.length > MAX_SM2_PLAINTEXT_BYTES) throw malformed(`cipherText (C2) exceeds ${MAX_SM2_PLAINTEXT_BYTES} bytes`);
  if (decodePoint(parts.c1) === undefined) throw malformed('C1 is not a point on the SM2 curve');
  return parts;
}

function rawReadings(bytes: Uint8Array, c1Length: 64 | 65): Sm2CiphertextParts[] {
  if (bytes.length <= c1Length + 32) return [];
  const c1 = c1Length === 65 ? bytes.slice(0, 65) : concatBytes(Uint8Array.of(4), bytes.subarray(0, 64));
  if (c1Length === 65 && c1[0] !== 4) return [];
  if (!isOnCurve(bytesToBigInt(c1, 1, 33), bytesToBigInt(c1, 33, 65))) return [];
  const rest = bytes.subarray(c1Length);
  return [
    { order: 'C1C3C2', c1, c3: rest.slice(0, 32), c2: rest.slice(32) },
    { order: 'C1C2C3', c1, c3: rest.slice(rest.length - 32), c2: rest.slice(0, rest.length - 32) },
  ];
}

/**
 * Every plausible reading of an SM2 ciphertext, most likely first:
 *
 * - the GM/T 0009-2012 ASN.1 form `SEQUENCE { x, y, hash, cipherText }` (strict DER; what this
 *   library and OpenSSL write);
 * - the raw GM/T 0003.4-2012 byte string C1‖C3‖C2, C1 = `04‖x‖y` (65 bytes) or without the `04`
 *   (64 bytes, as sm-crypto writes it), C3 32 bytes;
 * - the legacy raw order C1‖C2‖C3 of the 2010 draft that many key clients still return.
 *
 * The two raw orders cannot be told apart by their format: both readings are returned, and
 * {@link sm2Decrypt} keeps the one whose C3 hash verifies (a wrong reading passes with probability
 * 2^-256). A reading is only returned when its C1 is a point on the curve.
 *
 * @throws {YizhengError} `ENVELOPE_MALFORMED` when no reading fits.
 */
export function parseSm2Ciphertext(bytes: Uint8Array): Sm2CiphertextParts[] {
  if (!(bytes instanceof Uint8Array)) throw invalid('the ciphertext must be a Uint8Array');
  if (bytes.length > MAX_SM2_PLAINTEXT_BYTES + 256) throw malformed('ciphertext too large');
  const readings: Sm2CiphertextParts[] = [];
  let asn1Error: unknown;
  if (bytes[0] === Tag.SEQUENCE) {
    try {
      readings.push(readAsn1(bytes));
    } catch (e) {
      asn1Error = e;
    }
  }
  for (const reading of [...rawReadings(bytes, 65), ...rawReadings(bytes, 64)]) {
    if (reading.c2.length <= MAX_SM2_PLAINTEXT_BYTES) readings.push(reading);
  }
  if (readings.length === 0) {
    if (asn1Error instanceof YizhengError) throw asn1Error;
    if (asn1Error instanceof Error) throw malformed(`not DER: ${asn1Error.message}`);
    throw malformed('neither the ASN.1 form nor a raw C1C3C2 / C1C2C3 ciphertext with C1 on the curve');
  }
  return readings;
}

function privateScalar(privateKey: Uint8Array | bigint): bigint {
  let d: bigint;
  if (typeof privateKey === 'bigint') d = privateKey;
  else if (privateKey instanceof Uint8Array && privateKey.length === 32) d = bytesToBigInt(privateKey);
  else throw invalid('the SM2 private key must be 32 bytes');
  if (d <= 0n || d >= SM2_N - 1n) throw invalid('the SM2 private key is out of range');
  return d;
}

/**
 * The SM2 public key point (`04‖x‖y`) of a private key (32 bytes big-endian, or a bigint).
 *
 * @throws {YizhengError} `INVALID_ARGUMENT` for a key out of range.
 */
export function sm2PublicKeyOf(privateKey: Uint8Array | bigint): Uint8Array {
  const q = multiplyBase(privateScalar(privateKey));
  if (q === undefined) throw invalid('the SM2 private key is out of range');
  return concatBytes(Uint8Array.of(4), bigIntToBytes(q[0]), bigIntToBytes(q[1]));
}

function tryDecrypt(d: bigint, parts: Sm2CiphertextParts, shared: Map<string, [Uint8Array, Uint8Array] | undefined>): Uint8Array | undefined {
  const id = parts.c1.join(',');
  let s = shared.get(id);
  if (!shared.has(id)) {
    const c1 = decodePoint(parts.c1);
    const p = c1 === undefined ? undefined : multiply(c1[0], c1[1], d);
    s = p === undefined ? undefined : [bigIntToBytes(p[0]), bigIntToBytes(p[1])];
    shared.set(id, s);
  }
  if (s === undefined) return undefined;
  const [x2, y2] = s;
  const t = sm2Kdf(concatBytes(x2, y2), parts.c2.length);
  if (allZero(t)) return undefined;
  const m = new Uint8Array(parts.c2.length);
  for (let i = 0; i < m.length; i++) m[i] = (parts.c2[i] ?? 0) ^ (t[i] ?? 0);
  const u = new Sm3().update(x2).update(m).update(y2).digest();
  let diff = 0;
  for (let i = 0; i < 32; i++) diff |= (u[i] ?? 0) ^ (parts.c3[i] ?? 0);
  return diff === 0 ? m : undefined;
}

/**
 * SM2-decrypts (GM/T 0003.4-2012 §7.1) with the private key `privateKey` (32 bytes big-endian,
 * or a bigint). Reads every form {@link parseSm2Ciphertext} reads; for a raw ciphertext the byte
 * order (C1C3C2 or C1C2C3) is ambiguous by format and resolved by the C3 hash: the reading whose
 * hash verifies is the plaintext. C1 is checked to be on the curve before it is multiplied.
 *
 * @throws {YizhengError} `ENVELOPE_MALFORMED` when the bytes are no SM2 ciphertext; `ENVELOPE_DECRYPT_FAILED` when
 *   the hash does not verify (wrong key, or altered ciphertext); `INVALID_ARGUMENT` for a bad key.
 */
export function sm2Decrypt(privateKey: Uint8Array | bigint, ciphertext: Uint8Array): Uint8Array {
  const d = privateScalar(privateKey);
  const readings = parseSm2Ciphertext(ciphertext);
  const shared = new Map<string, [Uint8Array, Uint8Array] | undefined>();
  for (const reading of readings) {
    const m = tryDecrypt(d, reading, shared);
    if (m !== undefined) return m;
  }
  throw new YizhengError('ENVELOPE_DECRYPT_FAILED', { reason: 'SM2: the C3 hash does not verify (wrong key, or the ciphertext was altered)' });
}
