import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { clearSm2Caches, sm2UserIdBytes, sm2Verify } from './sm2';
import {
  SM2_GX,
  SM2_GY,
  SM2_N,
  SM2_P,
  addAffine,
  baseTable,
  bigIntToBytes,
  canonical,
  double,
  modInverse,
  multiplyBase,
  setSm2WasmEnabled,
  toAffine,
  verifyEquation,
  type Jacobian,
} from './sm2-curve';
import { jointMultiply, resetSm2Wasm, sm2WasmBytes } from './sm2-wasm';
import { cat } from './testing/der';

/**
 * Reference: s·G + t·Q by plain joint double-and-add (Straus, bit by bit) on the BigInt
 * primitives, affine result or undefined for infinity. Independent of the wNAF, the tables and
 * the WebAssembly field arithmetic.
 */
function reference(qx: bigint, qy: bigint, t: bigint, s: bigint): [bigint, bigint] | undefined {
  const sum: Jacobian = { x: qx, y: qy, z: 1n };
  addAffine(sum, SM2_GX, SM2_GY);
  const gq = toAffine(sum);
  const acc: Jacobian = { x: 0n, y: 0n, z: 0n };
  for (let i = 256; i >= 0; i--) {
    double(acc);
    const bt = (t >> BigInt(i)) & 1n;
    const bs = (s >> BigInt(i)) & 1n;
    if (bt === 1n && bs === 1n) {
      if (gq === undefined) continue; // Q = -G: G + Q = O
      addAffine(acc, gq[0], gq[1]);
    } else if (bt === 1n) addAffine(acc, qx, qy);
    else if (bs === 1n) addAffine(acc, SM2_GX, SM2_GY);
  }
  return toAffine(acc);
}

const scalar = fc.oneof(
  { weight: 6, arbitrary: fc.bigInt({ min: 0n, max: SM2_N - 1n }) },
  { weight: 2, arbitrary: fc.constantFrom(0n, 1n, 2n, 3n, 15n, 16n, 17n, SM2_N - 1n, SM2_N - 2n, SM2_N - 16n, (SM2_N - 1n) / 2n, 1n << 255n, (1n << 128n) - 1n) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }).map((b) => (1n << BigInt(b)) % SM2_N) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 0xffffn }) },
);

/** A public key as its discrete log k (Q = k·G), so sums to infinity and doublings can be built. */
const keyLog = fc.oneof(
  { weight: 6, arbitrary: fc.bigInt({ min: 1n, max: SM2_N - 1n }) },
  { weight: 1, arbitrary: fc.constantFrom(1n, 2n, SM2_N - 1n, SM2_N - 2n, 3n) },
);

/** How s relates to t and k: free, or chosen so that s·G = t·Q (doubling) or s·G = -t·Q (infinity). */
const relation = fc.constantFrom('free', 'free', 'free', 'equal', 'opposite');

describe('SM2 joint multiplication in WebAssembly (sm2-wasm.ts)', () => {
  afterEach(() => setSm2WasmEnabled(true));

  it('emits a valid module', () => {
    const wasm = (globalThis as { WebAssembly?: { validate(b: Uint8Array): boolean } }).WebAssembly;
    expect(wasm?.validate(sm2WasmBytes())).toBe(true);
  });

  it('s·G + t·Q equals plain double-and-add on 10,000 random and edge inputs', () => {
    const g = baseTable();
    let infinities = 0;
    fc.assert(
      fc.property(keyLog, scalar, scalar, relation, (k, t0, s0, rel) => {
        const [qx, qy] = multiplyBase(k) ?? [0n, 0n];
        const t = t0;
        const s = rel === 'free' ? s0 : canonical((rel === 'equal' ? 1n : -1n) * t * k, SM2_N);
        const got = jointMultiply(qx, qy, t, s, g);
        expect(got).toBeDefined();
        const affine = toAffine(got ?? { x: 0n, y: 0n, z: 0n });
        if (affine === undefined) infinities++;
        expect(affine).toEqual(reference(qx, qy, t, s));
        // Every coordinate comes back reduced.
        for (const v of [got?.x, got?.y, got?.z]) expect(v !== undefined && v >= 0n && v < SM2_P).toBe(true);
      }),
      { numRuns: 10_000, seed: 0x5e2 },
    );
    expect(infinities).toBeGreaterThan(100);
  }, 300_000);

  it('verifyEquation gives the same answer with and without WebAssembly on 10,000 mutated signatures', () => {
    const mutate = fc.oneof(
      fc.constant((v: bigint) => v),
      fc.integer({ min: 0, max: 255 }).map((b) => (v: bigint) => v ^ (1n << BigInt(b))),
      fc.constantFrom(
        () => 0n,
        () => 1n,
        () => SM2_N - 1n,
        () => SM2_N,
        () => SM2_N + 1n,
        () => SM2_P,
        (v: bigint) => v + 1n,
        (v: bigint) => SM2_N - v,
      ),
    );
    fc.assert(
      fc.property(keyLog, fc.bigInt({ min: 1n, max: SM2_N - 1n }), fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), mutate, mutate, mutate, fc.boolean(), (d, k, e0, me, mr, ms, sumN) => {
        // A valid signature (r, s) of e0 under Q = d·G with nonce k, then mutated.
        const [qx, qy] = multiplyBase(d) ?? [0n, 0n];
        const x1 = (multiplyBase(k) ?? [0n])[0];
        let r = canonical(e0 + x1, SM2_N);
        let s = canonical(modInverse(1n + d, SM2_N) * (k - r * d), SM2_N);
        const e = me(e0);
        r = mr(r);
        s = sumN ? canonical(SM2_N - r, SM2_N) : ms(s); // r + s = n when asked
        const fast = verifyEquation(qx, qy, undefined, e, r, s);
        setSm2WasmEnabled(false);
        const slow = verifyEquation(qx, qy, undefined, e, r, s);
        setSm2WasmEnabled(true);
        expect(fast).toBe(slow);
      }),
      { numRuns: 10_000, seed: 0x5e3 },
    );
  }, 300_000);

  it('still rejects keys off the curve, and falls back to BigInt without WebAssembly', () => {
    clearSm2Caches();
    const d = 0x1234567n;
    const [qx, qy] = multiplyBase(d) ?? [0n, 0n];
    const point = cat(Uint8Array.of(4), bigIntToBytes(qx), bigIntToBytes(qy));
    const id = sm2UserIdBytes(undefined);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 7 }), (byte, bit) => {
        const off = point.slice();
        off[byte] = (off[byte] ?? 0) ^ (1 << bit);
        expect(sm2Verify(off, id, new Uint8Array(0), 1n, 1n)).toBe('bad-key');
      }),
      { numRuns: 500 },
    );
    // Without the module (no WebAssembly, or a refused compile) the BigInt path answers.
    resetSm2Wasm(false);
    try {
      expect(jointMultiply(qx, qy, 1n, 1n, baseTable())).toBeUndefined();
      const k = 99n;
      const x1 = (multiplyBase(k) ?? [0n])[0];
      const r = canonical(5n + x1, SM2_N);
      const s = canonical(modInverse(1n + d, SM2_N) * (k - r * d), SM2_N);
      expect(verifyEquation(qx, qy, undefined, 5n, r, s)).toBe(true);
      expect(verifyEquation(qx, qy, undefined, 6n, r, s)).toBe(false);
    } finally {
      resetSm2Wasm(true);
    }
    expect(jointMultiply(qx, qy, 1n, 1n, baseTable())).toBeDefined();
  });
});
