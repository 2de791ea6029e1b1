/**
 * A test-only SM2 signer (GM/T 0003.2 §6.1) on the verifier's own curve code, to make signatures,
 * certificates and CMS messages for tests. Variable-time BigInt arithmetic: NEVER use it with a
 * real private key. Not exported from the package.
 */
import { randomBytes } from 'node:crypto';
import { SM2_N, bigIntToBytes, bytesToBigInt, canonical, modInverse, multiplyBase } from '../sm2-curve';
import { computeSm2Z } from '../sm2';
import { Sm3 } from '../sm3';
import { alg, bits, cat, int, oid, seq, type Bytes } from './der';

export interface Sm2TestKey {
  readonly d: bigint;
  /** 04 ‖ X ‖ Y */
  readonly point: Bytes;
  readonly spki: Bytes;
}

/** A random scalar in [1, n-1]. */
export function randomScalar(): bigint {
  for (;;) {
    const k = bytesToBigInt(randomBytes(32));
    if (k > 0n && k < SM2_N) return k;
  }
}

export function sm2Spki(point: Bytes): Bytes {
  return seq(alg('1.2.840.10045.2.1', oid('1.2.156.10197.1.301')), bits(point));
}

export function sm2Key(d: bigint = randomScalar()): Sm2TestKey {
  const q = multiplyBase(d);
  if (q === undefined) throw new Error('bad private key');
  const point = cat(Uint8Array.of(4), bigIntToBytes(q[0]), bigIntToBytes(q[1]));
  return { d, point, spki: sm2Spki(point) };
}

export interface Sm2TestSignature {
  readonly r: bigint;
  readonly s: bigint;
  /** DER SEQUENCE { r, s } */
  readonly der: Bytes;
  /** r ‖ s, 64 bytes */
  readonly raw: Bytes;
}

export function sm2Sign(key: Sm2TestKey, message: Bytes, userId?: string | Bytes, fixedK?: bigint): Sm2TestSignature {
  const z = computeSm2Z(key.point, userId);
  const e = bytesToBigInt(new Sm3().update(z).update(message).digest());
  for (;;) {
    const k = fixedK ?? randomScalar();
    const kG = multiplyBase(k);
    if (kG === undefined) continue;
    const x1 = kG[0];
    const r = canonical(e + x1, SM2_N);
    if (r === 0n || r + k === SM2_N) continue;
    const s = canonical(modInverse(1n + key.d, SM2_N) * (k - r * key.d), SM2_N);
    if (s === 0n) continue;
    return { r, s, der: seq(int(r), int(s)), raw: cat(bigIntToBytes(r), bigIntToBytes(s)) };
  }
}
