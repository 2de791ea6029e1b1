import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isYizhengError } from '../errors/index';
import { hasVectors, readVectorText } from '../../test-utils/vectors';
import { SM2_DEFAULT_USER_ID, computeSm2Z, setSm2TableCacheSize, sm3, verifySignature } from './index';
import { clearSm2Caches, sm2UserIdBytes, sm2Verify } from './sm2';
import {
  SM2_GX,
  SM2_GY,
  SM2_N,
  SM2_P,
  addAffine,
  bigIntToBytes,
  buildFixedTable,
  bytesToBigInt,
  canonical,
  decodePoint,
  double,
  isOnCurve,
  modInverse,
  modPow,
  multiplyBase,
  multiplyWnaf,
  toAffine,
  verifyEquation,
  type Jacobian,
} from './sm2-curve';
import { cat, hex, int, must, seq, toHex } from './testing/der';
import { sm2Key, sm2Sign, sm2Spki } from './testing/sm2-signer';

interface Kat {
  userId: string;
  message: string;
  privateKey: string;
  publicKey: { x: string; y: string };
  k: string;
  Z: string;
  e: string;
  r: string;
  s: string;
}

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const big = (h: string): bigint => BigInt('0x' + h);

describe.skipIf(!hasVectors)('GM/T 0003.5 Annex A example (sm2-gmt0003-kat.json)', () => {
  const kat = hasVectors ? (JSON.parse(readVectorText('sm2-gmt0003-kat.json')) as Kat) : undefined;
  const k = must(kat);
  const point = (): Uint8Array => hex('04' + k.publicKey.x + k.publicKey.y);
  const sig = (): Uint8Array => seq(int(big(k.r)), int(big(k.s)));

  it('derives the public key from the private key', () => {
    const q = must(multiplyBase(big(k.privateKey)));
    expect(toHex(bigIntToBytes(q[0])).toUpperCase()).toBe(k.publicKey.x);
    expect(toHex(bigIntToBytes(q[1])).toUpperCase()).toBe(k.publicKey.y);
  });

  it('computes Z with the default id and e = SM3(Z ‖ M)', () => {
    expect(k.userId).toBe(SM2_DEFAULT_USER_ID);
    const z = computeSm2Z(point());
    expect(toHex(z).toUpperCase()).toBe(k.Z);
    expect(toHex(computeSm2Z(point(), k.userId)).toUpperCase()).toBe(k.Z);
    expect(toHex(computeSm2Z(point(), ascii(k.userId))).toUpperCase()).toBe(k.Z);
    expect(toHex(sm3(cat(z, ascii(k.message)))).toUpperCase()).toBe(k.e);
  });

  it('reproduces r and s with the example k (test signer)', () => {
    const s = sm2Sign(sm2Key(big(k.privateKey)), ascii(k.message), undefined, big(k.k));
    expect(s.r).toBe(big(k.r));
    expect(s.s).toBe(big(k.s));
  });

  it('verifies the example signature, first-seen and with a cached table', () => {
    clearSm2Caches();
    for (let i = 0; i < 4; i++) {
      expect(verifySignature({ publicKey: sm2Spki(point()), data: k.message, signature: sig() })).toBe(true);
    }
    // raw r‖s and SKF forms of the same signature
    const raw = cat(bigIntToBytes(big(k.r)), bigIntToBytes(big(k.s)));
    expect(verifySignature({ publicKey: sm2Spki(point()), data: k.message, signature: raw })).toBe(true);
    const skf = cat(new Uint8Array(32), bigIntToBytes(big(k.r)), new Uint8Array(32), bigIntToBytes(big(k.s)));
    expect(verifySignature({ publicKey: sm2Spki(point()), data: k.message, signature: skf })).toBe(true);
  });

  it('rejects a modified message, another user id, and a modified signature', () => {
    const spki = sm2Spki(point());
    expect(verifySignature({ publicKey: spki, data: k.message + ' ', signature: sig() })).toBe(false);
    expect(verifySignature({ publicKey: spki, data: 'message digesT', signature: sig() })).toBe(false);
    expect(verifySignature({ publicKey: spki, data: k.message, signature: sig(), sm2UserId: '' })).toBe(false);
    expect(verifySignature({ publicKey: spki, data: k.message, signature: sig(), sm2UserId: '1234567812345679' })).toBe(false);
    const badS = seq(int(big(k.r)), int(big(k.s) + 1n));
    expect(verifySignature({ publicKey: spki, data: k.message, signature: badS })).toBe(false);
  });
});

describe('SM2 curve arithmetic', () => {
  it('G is on the curve, n·G is infinity, (n-1)·G = -G', () => {
    expect(isOnCurve(SM2_GX, SM2_GY)).toBe(true);
    expect(multiplyBase(SM2_N)).toBeUndefined();
    expect(multiplyBase(SM2_N - 1n)).toEqual([SM2_GX, SM2_P - SM2_GY]);
    expect(multiplyBase(1n)).toEqual([SM2_GX, SM2_GY]);
  });

  it('mixed addition handles P + P (doubling) and P + (-P) (infinity)', () => {
    const q: Jacobian = { x: SM2_GX, y: SM2_GY, z: 1n };
    addAffine(q, SM2_GX, SM2_GY);
    const d: Jacobian = { x: SM2_GX, y: SM2_GY, z: 1n };
    double(d);
    expect(toAffine(q)).toEqual(toAffine(d));
    expect(toAffine(q)).toEqual(multiplyBase(2n));
    const z: Jacobian = { x: SM2_GX, y: SM2_GY, z: 1n };
    addAffine(z, SM2_GX, -SM2_GY);
    expect(toAffine(z)).toBeUndefined();
  });

  it('the fixed-base table and the plain scalar multiplication agree', () => {
    const key = sm2Key();
    const [qx, qy] = must(decodePoint(key.point));
    const table = buildFixedTable(qx, qy, 6);
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: SM2_N - 1n }), fc.bigInt({ min: 1n, max: SM2_N - 1n }), (e, r) => {
        const s = (r * 7n + 1n) % SM2_N || 1n;
        expect(verifyEquation(qx, qy, table, e, r, s)).toBe(verifyEquation(qx, qy, undefined, e, r, s));
      }),
      { numRuns: 20 },
    );
  });

  it('decodes compressed points and rejects points off the curve', () => {
    const key = sm2Key();
    const [x, y] = must(decodePoint(key.point));
    const compressed = cat(Uint8Array.of(y & 1n ? 3 : 2), bigIntToBytes(x));
    expect(decodePoint(compressed)).toEqual([x, y]);
    const wrongParity = cat(Uint8Array.of(y & 1n ? 2 : 3), bigIntToBytes(x));
    expect(decodePoint(wrongParity)).toEqual([x, SM2_P - y]);
    const off = key.point.slice();
    off[64] = (off[64] ?? 0) ^ 1;
    expect(decodePoint(off)).toBeUndefined();
    expect(decodePoint(cat(Uint8Array.of(4), bigIntToBytes(SM2_P), bigIntToBytes(0n)))).toBeUndefined();
    expect(decodePoint(Uint8Array.of(0))).toBeUndefined();
    expect(bytesToBigInt(new Uint8Array(0))).toBe(0n);
  });
});

describe('SM2 verification', () => {
  const key = sm2Key();
  const msg = ascii('NDYxNjY1NTEwNzc0NTk1NTM4NTcxOTY0');

  it('verifies test-signer signatures in every encoding and user id, with and without tables', () => {
    for (const tables of [0, 64]) {
      setSm2TableCacheSize(tables);
      clearSm2Caches();
      for (const id of [undefined, '', 'ALICE123@YAHOO.COM', '用户']) {
        const s = sm2Sign(key, msg, id);
        for (let i = 0; i < 3; i++) {
          expect(verifySignature({ publicKey: key.spki, data: msg, signature: s.der, sm2UserId: id })).toBe(true);
          expect(verifySignature({ publicKey: key.spki, data: msg, signature: s.raw, sm2UserId: id, format: 'raw' })).toBe(true);
        }
        expect(verifySignature({ publicKey: key.spki, data: msg, signature: s.der, sm2UserId: id === '' ? 'x' : '' })).toBe(false);
      }
    }
    setSm2TableCacheSize(64);
  });

  it('returns false for t = r + s ≡ 0 and for an equation result at infinity', () => {
    const [qx, qy] = must(decodePoint(key.point));
    expect(verifyEquation(qx, qy, undefined, 5n, 1n, SM2_N - 1n)).toBe(false);
    // s·G + t·Q = O when Q = G and t = n - s: choose r so that t = r + s = n - s.
    const s = 12345n;
    const r = SM2_N - 2n * s;
    expect(verifyEquation(SM2_GX, SM2_GY, undefined, 0n, r, s)).toBe(false);
    expect(verifyEquation(SM2_GX, SM2_GY, buildFixedTable(SM2_GX, SM2_GY, 4), 0n, r, s)).toBe(false);
  });

  it('accepts the x1 + n candidate in the projective check (x1 ≥ n)', () => {
    // A point R = (x1, y1) with n ≤ x1 < p (about one x in 2^128, so it is constructed): take
    // x1 = n + i on the curve, pick r and s, and solve s·G + t·Q = R for the public key Q.
    let x1 = SM2_N;
    let y1 = 0n;
    for (;; x1++) {
      const rhs = canonical((x1 * x1 + SM2_P - 3n) * x1 + 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n);
      y1 = modPow(rhs, (SM2_P + 1n) / 4n, SM2_P);
      if ((y1 * y1) % SM2_P === rhs) break;
    }
    expect(isOnCurve(x1, y1)).toBe(true);
    const r = 0x1111n;
    const s = 0x2222n;
    const t = r + s;
    const sG = must(multiplyBase(s));
    const diff: Jacobian = { x: x1, y: y1, z: 1n };
    addAffine(diff, sG[0], SM2_P - sG[1]);
    const [dx, dy] = must(toAffine(diff));
    const q: Jacobian = { x: 0n, y: 0n, z: 0n };
    multiplyWnaf(q, dx, dy, modInverse(t, SM2_N));
    const [qx, qy] = must(toAffine(q));
    const e = canonical(r - x1, SM2_N);
    expect(verifyEquation(qx, qy, undefined, e, r, s)).toBe(true);
    expect(verifyEquation(qx, qy, buildFixedTable(qx, qy, 6), e, r, s)).toBe(true);
    expect(verifyEquation(qx, qy, undefined, e + 1n, r, s)).toBe(false);
  });

  it('reports an invalid key point as bad-key', () => {
    const off = key.point.slice();
    off[10] = (off[10] ?? 0) ^ 0x40;
    expect(sm2Verify(off, sm2UserIdBytes(undefined), msg, 1n, 1n)).toBe('bad-key');
    try {
      verifySignature({ publicKey: sm2Spki(off), data: msg, signature: sm2Sign(key, msg).der });
      expect.unreachable();
    } catch (e) {
      expect(isYizhengError(e, 'SIGNATURE_MALFORMED')).toBe(true);
    }
  });

  it('computeSm2Z validates its arguments', () => {
    expect(() => computeSm2Z(Uint8Array.of(4, 1, 2))).toThrow(/not a valid SM2 public key/);
    expect(() => computeSm2Z(key.point, 'x'.repeat(8192))).toThrow(/longer than 8191/);
    expect(computeSm2Z(key.point, 'x'.repeat(8191))).toHaveLength(32);
    expect(() => computeSm2Z('04' as unknown as Uint8Array)).toThrow(/Uint8Array/);
    expect(() => setSm2TableCacheSize(-1)).toThrow(/non-negative/);
  });
});
