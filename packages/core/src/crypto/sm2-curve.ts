/**
 * Arithmetic on the SM2 recommended curve sm2p256v1 (GM/T 0003.5-2012, GB/T 32918.5-2017) with
 * BigInt, tuned for signature verification:
 *
 * - Jacobian coordinates (x = X/Z², y = Y/Z³), so no field inversion happens during a verification;
 * - lazy reduction: every coordinate is kept in (-p, p), the result of a JavaScript `%`, and only
 *   normalised when compared; negation is a plain `-y`;
 * - fixed-base tables of signed windows ({@link buildFixedTable}): `k·Q` is then at most one mixed
 *   addition per window and no doubling at all. The base point G has a lazily built 8-bit table
 *   (33 windows × 128 affine points); a public key seen repeatedly gets its own table (the cache
 *   lives in `sm2.ts`);
 * - a width-5 wNAF with 256 doublings for a key without a table (a first-seen key), done by the
 *   WebAssembly field arithmetic of `sm2-wasm.ts` when it is available (about 4× faster than
 *   BigInt there), else by {@link multiplyWnaf} here;
 * - the final check `(e + x1) mod n = r` is done projectively (`X = x·Z²` for the at most two
 *   candidates of x), so the result never needs an inversion either.
 *
 * The additions are complete for the cases a hostile input can reach: adding a point to itself
 * doubles it, adding its negation gives infinity, and infinity is a flag (`z = 0`).
 * Nothing here is constant-time: it handles public data only (keys, signatures, messages). The
 * test-only signer in `testing/` must never be used with real private keys.
 *
 * @internal
 */
import { jointMultiply } from './sm2-wasm';

/** Field prime p. */
export const SM2_P = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;
/** Curve coefficient a = p - 3. */
export const SM2_A = SM2_P - 3n;
/** Curve coefficient b. */
export const SM2_B = 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n;
/** Group order n (the cofactor is 1). */
export const SM2_N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
/** Base point G, x coordinate. */
export const SM2_GX = 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n;
/** Base point G, y coordinate. */
export const SM2_GY = 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n;

const P = SM2_P;
const N = SM2_N;

/** A mutable point in Jacobian coordinates; `z === 0n` is the point at infinity. */
export interface Jacobian {
  x: bigint;
  y: bigint;
  z: bigint;
}

/** True when `v` ≡ 0 (mod p) for `v` in (-2p, 2p). */
const isZero2 = (v: bigint): boolean => v === 0n || v === P || v === -P;

/** Canonical representative in [0, m). */
export function canonical(v: bigint, m: bigint = P): bigint {
  const r = v % m;
  return r < 0n ? r + m : r;
}

/** `base^exp mod m` by square-and-multiply (exp ≥ 0). */
export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n;
  let b = canonical(base, m);
  let e = exp;
  while (e > 0n) {
    if ((e & 1n) === 1n) result = (result * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return result;
}

/** Inverse modulo a prime `m` (Fermat); `a` must not be ≡ 0. */
export function modInverse(a: bigint, m: bigint): bigint {
  return modPow(a, m - 2n, m);
}

/** q ← 2q (a = -3 formulas, dbl-2001-b). */
export function double(q: Jacobian): void {
  const { x, y, z } = q;
  if (z === 0n) return;
  const delta = (z * z) % P;
  const gamma = (y * y) % P;
  const beta = (x * gamma) % P;
  const alpha = (3n * (x - delta) * (x + delta)) % P;
  const x3 = (alpha * alpha - 8n * beta) % P;
  q.z = (2n * y * z) % P;
  q.y = (alpha * (4n * beta - x3) - 8n * gamma * gamma) % P;
  q.x = x3;
}

/** q ← q + (x2, y2), an affine point (mixed addition). */
export function addAffine(q: Jacobian, x2: bigint, y2: bigint): void {
  const z1 = q.z;
  if (z1 === 0n) {
    q.x = x2;
    q.y = y2;
    q.z = 1n;
    return;
  }
  const z1z1 = (z1 * z1) % P;
  const u2 = (x2 * z1z1) % P;
  const s2 = (y2 * ((z1 * z1z1) % P)) % P;
  const h = u2 - q.x;
  const r = s2 - q.y;
  if (isZero2(h)) {
    if (isZero2(r)) {
      q.x = x2;
      q.y = y2;
      q.z = 1n;
      double(q);
    } else {
      q.z = 0n;
    }
    return;
  }
  const hh = (h * h) % P;
  const hhh = (h * hh) % P;
  const v = (q.x * hh) % P;
  const x3 = (r * r - hhh - 2n * v) % P;
  q.y = (r * (v - x3) - q.y * hhh) % P;
  q.x = x3;
  q.z = (z1 * h) % P;
}

/** q ← q + (x2, y2, z2), both Jacobian. */
export function addJacobian(q: Jacobian, x2: bigint, y2: bigint, z2: bigint): void {
  if (z2 === 0n) return;
  const z1 = q.z;
  if (z1 === 0n) {
    q.x = x2;
    q.y = y2;
    q.z = z2;
    return;
  }
  const z1z1 = (z1 * z1) % P;
  const z2z2 = (z2 * z2) % P;
  const u1 = (q.x * z2z2) % P;
  const u2 = (x2 * z1z1) % P;
  const s1 = (q.y * ((z2 * z2z2) % P)) % P;
  const s2 = (y2 * ((z1 * z1z1) % P)) % P;
  const h = u2 - u1;
  const r = s2 - s1;
  if (isZero2(h)) {
    if (isZero2(r)) {
      q.x = x2;
      q.y = y2;
      q.z = z2;
      double(q);
    } else {
      q.z = 0n;
    }
    return;
  }
  const hh = (h * h) % P;
  const hhh = (h * hh) % P;
  const v = (u1 * hh) % P;
  const x3 = (r * r - hhh - 2n * v) % P;
  q.y = (r * (v - x3) - s1 * hhh) % P;
  q.x = x3;
  q.z = (((z1 * z2) % P) * h) % P;
}

/** Affine coordinates of `q` in [0, p), or undefined for the point at infinity. */
export function toAffine(q: Jacobian): [bigint, bigint] | undefined {
  if (canonical(q.z) === 0n) return undefined;
  const zi = modInverse(q.z, P);
  const zi2 = (zi * zi) % P;
  return [canonical(q.x * zi2), canonical(((q.y * zi2) % P) * zi)];
}

/** True when (x, y), both in [0, p), satisfies y² = x³ + ax + b. */
export function isOnCurve(x: bigint, y: bigint): boolean {
  if (x < 0n || x >= P || y < 0n || y >= P) return false;
  return canonical(y * y - ((x * x + SM2_A) * x + SM2_B)) === 0n;
}

/**
 * Decodes an SEC 1 point encoding (uncompressed `04‖X‖Y` or compressed `02/03‖X`, 32-byte
 * coordinates) into validated affine coordinates. Undefined when the encoding is wrong, a
 * coordinate is not below p, or the point is not on the curve. (The cofactor is 1: every point
 * on the curve other than infinity, which these encodings cannot express, is a valid public key.)
 */
export function decodePoint(bytes: Uint8Array): [bigint, bigint] | undefined {
  if (bytes.length === 65 && bytes[0] === 0x04) {
    const x = bytesToBigInt(bytes, 1, 33);
    const y = bytesToBigInt(bytes, 33, 65);
    return isOnCurve(x, y) ? [x, y] : undefined;
  }
  if (bytes.length === 33 && (bytes[0] === 0x02 || bytes[0] === 0x03)) {
    const x = bytesToBigInt(bytes, 1, 33);
    if (x >= P) return undefined;
    const rhs = canonical((x * x + SM2_A) * x + SM2_B);
    // p ≡ 3 (mod 4): the square root is rhs^((p+1)/4) when rhs is a square.
    let y = modPow(rhs, (P + 1n) / 4n, P);
    if ((y * y) % P !== rhs) return undefined;
    if (Number(y & 1n) !== (bytes[0] & 1)) y = y === 0n ? 0n : P - y;
    return isOnCurve(x, y) ? [x, y] : undefined;
  }
  return undefined;
}

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

/** Unsigned big-endian integer of `bytes[start..end)`. */
export function bytesToBigInt(bytes: Uint8Array, start = 0, end: number = bytes.length): bigint {
  if (start >= end) return 0n;
  let s = '0x';
  for (let i = start; i < end; i++) s += HEX[bytes[i] ?? 0] ?? '00';
  return BigInt(s);
}

/** `v` (0 ≤ v < 2^(8·length)) as `length` big-endian bytes. */
export function bigIntToBytes(v: bigint, length = 32): Uint8Array {
  const hex = v.toString(16).padStart(2 * length, '0');
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Fixed-base tables

/**
 * Precomputed multiples for fixed-base multiplication with signed `w`-bit windows: window `i`
 * holds `j·2^(w·i)·Q` for j = 1..2^(w-1), affine, canonical. A scalar below 2^256 is recoded into
 * `windows` digits in [-(2^(w-1)-1), 2^(w-1)], so `k·Q` costs at most `windows` mixed additions.
 */
export interface FixedTable {
  readonly w: number;
  readonly windows: number;
  /** 2^(w-1): points per window. */
  readonly half: number;
  readonly xs: readonly bigint[];
  readonly ys: readonly bigint[];
}

/** `a[i]`, which the table layout guarantees to exist (a defect otherwise, never a wrong answer). */
function at(a: readonly bigint[], i: number): bigint {
  const v = a[i];
  if (v === undefined) throw new Error(`sm2: table index ${i} out of range`);
  return v;
}

function point(a: readonly Jacobian[], i: number): Jacobian {
  const v = a[i];
  if (v === undefined) throw new Error(`sm2: point index ${i} out of range`);
  return v;
}

/** Replaces each point by its affine form with one shared inversion (Montgomery's trick). */
function normalizeAll(points: Jacobian[], xs: bigint[], ys: bigint[]): void {
  const n = points.length;
  const prefix: bigint[] = new Array<bigint>(n);
  let acc = 1n;
  for (let i = 0; i < n; i++) {
    const z = point(points, i).z;
    if (canonical(z) === 0n) throw new Error('sm2: point at infinity in a table');
    acc = (acc * z) % P;
    prefix[i] = acc;
  }
  let inv = modInverse(acc, P);
  for (let i = n - 1; i >= 0; i--) {
    const pt = point(points, i);
    const zi = i > 0 ? (inv * at(prefix, i - 1)) % P : inv;
    inv = (inv * pt.z) % P;
    const zi2 = (zi * zi) % P;
    xs[i] = canonical(pt.x * zi2);
    ys[i] = canonical(((pt.y * zi2) % P) * zi);
  }
}

/**
 * Builds the signed-window table of the affine point (x, y) with window width `w` (2..8).
 * Cost: 256 doublings, 2^(w-1)·⌈257/w⌉ mixed additions and two inversions.
 */
export function buildFixedTable(x: bigint, y: bigint, w: number): FixedTable {
  const windows = Math.ceil(257 / w);
  const half = 1 << (w - 1);
  // Bases 2^(w·i)·Q in Jacobian, then affine with one inversion.
  const bases: Jacobian[] = [];
  const cur: Jacobian = { x, y, z: 1n };
  for (let i = 0; i < windows; i++) {
    bases.push({ x: cur.x, y: cur.y, z: cur.z });
    for (let k = 0; k < w; k++) double(cur);
  }
  const bx: bigint[] = new Array<bigint>(windows);
  const by: bigint[] = new Array<bigint>(windows);
  normalizeAll(bases, bx, by);
  const points: Jacobian[] = [];
  for (let i = 0; i < windows; i++) {
    const ax = at(bx, i);
    const ay = at(by, i);
    const q: Jacobian = { x: ax, y: ay, z: 1n };
    points.push({ x: ax, y: ay, z: 1n });
    for (let j = 2; j <= half; j++) {
      addAffine(q, ax, ay);
      points.push({ x: q.x, y: q.y, z: q.z });
    }
  }
  const xs: bigint[] = new Array<bigint>(points.length);
  const ys: bigint[] = new Array<bigint>(points.length);
  normalizeAll(points, xs, ys);
  return { w, windows, half, xs, ys };
}

/** The 32 big-endian bytes of a scalar below 2^256. */
function scalarBytes(k: bigint): Uint8Array {
  return bigIntToBytes(k, 32);
}

/** Bits [pos, pos+w) of the 256-bit big-endian `bytes` (bit 0 = least significant). */
function bitsAt(bytes: Uint8Array, pos: number, w: number): number {
  let v = 0;
  for (let k = 0; k < w; k++) {
    const bit = pos + k;
    if (bit >= 256) break;
    v |= (((bytes[31 - (bit >> 3)] ?? 0) >> (bit & 7)) & 1) << k;
  }
  return v;
}

/** acc ← acc + k·Q using Q's fixed table (0 ≤ k < 2^256). */
export function addFixedMultiple(acc: Jacobian, table: FixedTable, k: bigint): void {
  const { w, windows, half, xs, ys } = table;
  const bytes = scalarBytes(k);
  const full = 1 << w;
  let carry = 0;
  for (let i = 0; i < windows; i++) {
    let d = bitsAt(bytes, i * w, w) + carry;
    carry = 0;
    if (d > half) {
      d -= full;
      carry = 1;
    }
    if (d === 0) continue;
    const idx = i * half + (d > 0 ? d : -d) - 1;
    const y = at(ys, idx);
    addAffine(acc, at(xs, idx), d > 0 ? y : -y);
  }
  // ⌈257/w⌉ windows leave room for the last carry: the top digit never exceeds 2^(w-1).
}

let gTable: FixedTable | undefined;

/** The base point's table (8-bit signed windows), built on first use (~15-30 ms). */
export function baseTable(): FixedTable {
  gTable ??= buildFixedTable(SM2_GX, SM2_GY, 8);
  return gTable;
}

/** Width-w non-adjacent form of k, least significant digit first. */
function wnaf(k: bigint, w: number): Int8Array {
  const out = new Int8Array(258);
  const full = 1n << BigInt(w);
  const half = full >> 1n;
  const mask = full - 1n;
  let i = 0;
  while (k > 0n) {
    if ((k & 1n) === 1n) {
      let d = k & mask;
      if (d >= half) d -= full;
      k -= d;
      out[i] = Number(d);
    }
    k >>= 1n;
    i++;
  }
  return out;
}

const WNAF_W = 5;

/** acc ← k·(x, y) with a width-5 wNAF (acc must be infinity on entry: it is doubled). */
export function multiplyWnaf(acc: Jacobian, x: bigint, y: bigint, k: bigint): void {
  // Odd multiples Q, 3Q, ..., 15Q in Jacobian coordinates.
  const count = 1 << (WNAF_W - 2);
  const ox: bigint[] = [x];
  const oy: bigint[] = [y];
  const oz: bigint[] = [1n];
  const twice: Jacobian = { x, y, z: 1n };
  double(twice);
  const cur: Jacobian = { x, y, z: 1n };
  for (let i = 1; i < count; i++) {
    addJacobian(cur, twice.x, twice.y, twice.z);
    ox.push(cur.x);
    oy.push(cur.y);
    oz.push(cur.z);
  }
  const digits = wnaf(k, WNAF_W);
  let top = digits.length - 1;
  while (top >= 0 && digits[top] === 0) top--;
  for (let i = top; i >= 0; i--) {
    double(acc);
    const d = digits[i] ?? 0;
    if (d !== 0) {
      const idx = ((d > 0 ? d : -d) - 1) >> 1;
      const y = at(oy, idx);
      addJacobian(acc, at(ox, idx), d > 0 ? y : -y, at(oz, idx));
    }
  }
}

/** k·G in affine coordinates (undefined for k ≡ 0 mod n). For tests and key derivation. */
export function multiplyBase(k: bigint): [bigint, bigint] | undefined {
  const acc: Jacobian = { x: 0n, y: 0n, z: 0n };
  addFixedMultiple(acc, baseTable(), canonical(k, N));
  return toAffine(acc);
}

let useWasm = true;

/** @internal For tests and benchmarks: whether a key without a table may use `sm2-wasm.ts`. */
export function setSm2WasmEnabled(enabled: boolean): void {
  useWasm = enabled;
}

/**
 * The SM2 verification equation (GM/T 0003.2-2012 §7.1, steps B5-B7) for a validated public key
 * (qx, qy), the message representative `e` (the SM3 digest of Z‖M as an integer) and 0 < r, s < n:
 * t = (r + s) mod n ≠ 0, (x1, y1) = s·G + t·Q ≠ O, and (e + x1) mod n = r.
 *
 * `table`, when given, is Q's fixed table; otherwise t·Q is computed with a wNAF.
 */
export function verifyEquation(
  qx: bigint,
  qy: bigint,
  table: FixedTable | undefined,
  e: bigint,
  r: bigint,
  s: bigint,
): boolean {
  if (r <= 0n || r >= N || s <= 0n || s >= N) return false;
  const t = (r + s) % N;
  if (t === 0n) return false;
  let acc: Jacobian | undefined = table === undefined && useWasm ? jointMultiply(qx, qy, t, s, baseTable()) : undefined;
  if (acc === undefined) {
    acc = { x: 0n, y: 0n, z: 0n };
    if (table !== undefined) addFixedMultiple(acc, table, t);
    else multiplyWnaf(acc, qx, qy, t);
    addFixedMultiple(acc, baseTable(), s);
  }
  if (canonical(acc.z) === 0n) return false;
  // x1 = X/Z² must satisfy x1 ≡ r - e (mod n); x1 < p < 2n, so x1 is c or c + n.
  const c = canonical(r - e, N);
  const z2 = (acc.z * acc.z) % P;
  if ((acc.x - c * z2) % P === 0n) return true;
  const c2 = c + N;
  return c2 < P && (acc.x - c2 * z2) % P === 0n;
}
