/**
 * SM2 joint multiplication `s·G + t·Q` for a key without a per-key table (a first-seen key), on a
 * small WebAssembly module generated here (no binary is shipped: the bytes are emitted below).
 *
 * Why: a first-seen verification is 256 point doublings of Q, and with BigInt each field operation
 * allocates (a 256-bit `a*b % p` costs ~300 ns, a plain BigInt add ~60 ns), which no reduction trick
 * on BigInt avoids. Here a field element is 9 limbs of 29 bits (i32 slots in linear memory) and the
 * multiplication is Montgomery's with i64 products (R = 2^261; p ≡ -1 mod 2^29 makes the
 * Montgomery factor 1). Every operation returns its result fully reduced into [0, p), so zero
 * tests are exact.
 *
 * The module exports field mul/add/sub and the point formulas (a = -3 Jacobian doubling, mixed and
 * full Jacobian additions). Additions report their special cases (an operand at infinity, equal
 * points, opposite points) to JavaScript, which handles them exactly like `sm2-curve.ts` does.
 *
 * When WebAssembly is unavailable, or a synchronous compile is refused (browsers limit it on the
 * main thread), {@link jointMultiply} returns `undefined` and the caller uses the BigInt code; an
 * asynchronous compile is then started so later calls can use the module.
 *
 * Nothing here is constant-time: verification handles public data only.
 *
 * @internal
 */
import type { FixedTable } from './sm2-curve';

const P = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;
const LIMBS = 9;
const BITS = 29;
const MASK = (1 << BITS) - 1;
/** Montgomery radix R = 2^261. */
const R_BITS = 261n;

/** The limbs (least significant first) of 0 ≤ v < 2^261. */
function limbsOf(v: bigint): number[] {
  const out: number[] = [];
  for (let i = 0; i < LIMBS; i++) {
    out.push(Number(v & BigInt(MASK)));
    v >>= BigInt(BITS);
  }
  return out;
}

const P_LIMBS = limbsOf(P);

// ---------------------------------------------------------------------------------------------
// A minimal WebAssembly emitter

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const I32 = 0x7f;
const I64 = 0x7e;

const OP = {
  localGet: 0x20,
  localSet: 0x21,
  i32Const: 0x41,
  i64Const: 0x42,
  i32Load: 0x28,
  i32Store: 0x36,
  i64Load32u: 0x35,
  i32Or: 0x72,
  i32Eqz: 0x45,
  i32Add: 0x6a,
  i64Eqz: 0x50,
  i64Add: 0x7c,
  i64Sub: 0x7d,
  i64Mul: 0x7e,
  i64And: 0x83,
  i64ShrS: 0x87,
  i64ShrU: 0x88,
  i32WrapI64: 0xa7,
  select: 0x1b,
  call: 0x10,
  if: 0x04,
  end: 0x0b,
  return: 0x0f,
} as const;

/** One function body under construction: `params` i32 parameters, then i64 locals. */
class Body {
  readonly code: number[] = [];
  readonly params: number;
  private locals = 0;
  constructor(params: number) {
    this.params = params;
  }
  local(): number {
    return this.params + this.locals++;
  }
  op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }
  get(i: number): this {
    return this.op(OP.localGet, ...uleb(i));
  }
  set(i: number): this {
    return this.op(OP.localSet, ...uleb(i));
  }
  i32(v: number): this {
    return this.op(OP.i32Const, ...sleb(v));
  }
  i64(v: number): this {
    return this.op(OP.i64Const, ...sleb(v));
  }
  /** Pushes the address `param + offset` (param < 0: the constant `offset`). */
  addr(param: number, offset: number): this {
    if (param < 0) return this.i32(offset);
    this.get(param);
    return offset === 0 ? this : this.i32(offset).op(OP.i32Add);
  }
  encode(): number[] {
    const decl = this.locals > 0 ? [1, ...uleb(this.locals), I64] : [0];
    const body = [...decl, ...this.code, OP.end];
    return [...uleb(body.length), ...body];
  }
}

/** Bytes per field element (9 i32 limbs, padded) and per Jacobian point (X, Y, Z). */
const EL = 40;
const PT = 3 * EL;

// Function indices.
const F_MUL = 0;
const F_ADD = 1;
const F_SUB = 2;
// Then dbl (3), madd (4) and jadd (5), called from JavaScript only.

// Memory layout (bytes).
const TMP = 0; // 16 scratch elements
const tmp = (i: number): number => TMP + i * EL;
const ACC = 1024; // the accumulator point
const NEG = 1152; // a point whose Y is negated
const ONE_M = 1280; // 1 in Montgomery form (R mod p)
const ONE_PLAIN = 1320; // plain 1, to leave Montgomery form
const ZERO = 1360;
const QTAB = 2048; // 2Q, then Q, 3Q, ..., 15Q (Jacobian)
const QTAB_POINTS = 9;
const GTAB = 4096; // the base point's table, affine (X, Y) Montgomery
const G_STRIDE = 2 * EL;
const PAGES = 6;

/** Stores the locals `r` (normalised limbs of a value in [0, 2p)) to `d`, subtracting p when ≥ p. */
function reduceAndStore(f: Body, r: number[], dParam: number): void {
  // Carry propagation (signed: sub can leave negative limbs).
  for (let j = 0; j < LIMBS - 1; j++) {
    f.get(r[j + 1] as number).get(r[j] as number).i64(BITS).op(OP.i64ShrS).op(OP.i64Add).set(r[j + 1] as number);
    f.get(r[j] as number).i64(MASK).op(OP.i64And).set(r[j] as number);
  }
  // s = r - p with borrow.
  const s: number[] = [];
  const borrow = f.local();
  f.i64(0).set(borrow);
  for (let j = 0; j < LIMBS; j++) {
    const sj = f.local();
    s.push(sj);
    f.get(r[j] as number).i64(P_LIMBS[j] as number).op(OP.i64Sub).get(borrow).op(OP.i64Add).set(sj);
    f.get(sj).i64(BITS).op(OP.i64ShrS).set(borrow);
    f.get(sj).i64(MASK).op(OP.i64And).set(sj);
  }
  // borrow = 0: r ≥ p, keep s; borrow = -1: keep r.
  for (let j = 0; j < LIMBS; j++) {
    f.get(dParam).get(s[j] as number).get(r[j] as number).get(borrow).op(OP.i64Eqz).op(OP.select).op(OP.i32WrapI64);
    f.op(OP.i32Store, 2, ...uleb(4 * j));
  }
}

function loadLimbs(f: Body, param: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < LIMBS; j++) {
    const l = f.local();
    out.push(l);
    f.get(param).op(OP.i64Load32u, 2, ...uleb(4 * j)).set(l);
  }
  return out;
}

/** mul(d, a, b): d ← a·b·R⁻¹ mod p. */
function emitMul(): Body {
  const f = new Body(3);
  const a = loadLimbs(f, 1);
  const b = loadLimbs(f, 2);
  const t: number[] = [];
  for (let k = 0; k < 2 * LIMBS; k++) t.push(f.local());
  for (let k = 0; k < 2 * LIMBS - 1; k++) {
    let first = true;
    for (let i = Math.max(0, k - LIMBS + 1); i <= Math.min(k, LIMBS - 1); i++) {
      f.get(a[i] as number).get(b[k - i] as number).op(OP.i64Mul);
      if (!first) f.op(OP.i64Add);
      first = false;
    }
    f.set(t[k] as number);
  }
  f.i64(0).set(t[2 * LIMBS - 1] as number);
  const m = f.local();
  for (let i = 0; i < LIMBS; i++) {
    // m = t_i mod 2^29 (the Montgomery factor -p⁻¹ mod 2^29 is 1); t += m·p·2^(29i).
    f.get(t[i] as number).i64(MASK).op(OP.i64And).set(m);
    for (let j = 0; j < LIMBS; j++) {
      const pj = P_LIMBS[j] as number;
      if (pj === 0) continue;
      const tij = t[i + j] as number;
      f.get(tij).get(m).i64(pj).op(OP.i64Mul).op(OP.i64Add).set(tij);
    }
    // t_i is now divisible by 2^29: carry it up.
    const next = t[i + 1] as number;
    f.get(next).get(t[i] as number).i64(BITS).op(OP.i64ShrU).op(OP.i64Add).set(next);
  }
  // The result (t_9 .. t_17) is below 2p; normalise its limbs, then reduce once.
  reduceAndStore(f, t.slice(LIMBS), 0);
  return f;
}

/** add(d, a, b) or sub(d, a, b): d ← a ± b mod p (inputs in [0, p)). */
function emitAddSub(sub: boolean): Body {
  const f = new Body(3);
  const a = loadLimbs(f, 1);
  const b = loadLimbs(f, 2);
  for (let j = 0; j < LIMBS; j++) {
    f.get(a[j] as number).get(b[j] as number);
    if (sub) f.op(OP.i64Sub).i64(P_LIMBS[j] as number).op(OP.i64Add);
    else f.op(OP.i64Add);
    f.set(a[j] as number);
  }
  reduceAndStore(f, a, 0);
  return f;
}

/** A field operation between element addresses given as [param, offset] (param -1: absolute). */
type Ref = readonly [number, number];
const abs = (offset: number): Ref => [-1, offset];

function call3(f: Body, fn: number, d: Ref, a: Ref, b: Ref): void {
  f.addr(d[0], d[1]).addr(a[0], a[1]).addr(b[0], b[1]).op(OP.call, ...uleb(fn));
}

/** Pushes 1 when the element at `e` is zero (it is fully reduced, so every limb is zero). */
function isZero(f: Body, e: Ref): void {
  for (let j = 0; j < LIMBS; j++) {
    f.addr(e[0], e[1]).op(OP.i32Load, 2, ...uleb(4 * j));
    if (j > 0) f.op(OP.i32Or);
  }
  f.op(OP.i32Eqz);
}

/** dbl(q): q ← 2q, dbl-2001-b for a = -3; infinity (Z = 0) stays infinity. */
function emitDouble(): Body {
  const f = new Body(1);
  const X: Ref = [0, 0];
  const Y: Ref = [0, EL];
  const Z: Ref = [0, 2 * EL];
  const mul = (d: Ref, a: Ref, b: Ref): void => call3(f, F_MUL, d, a, b);
  const add = (d: Ref, a: Ref, b: Ref): void => call3(f, F_ADD, d, a, b);
  const sub = (d: Ref, a: Ref, b: Ref): void => call3(f, F_SUB, d, a, b);
  const delta = abs(tmp(0));
  const gamma = abs(tmp(1));
  const beta = abs(tmp(2));
  const alpha = abs(tmp(3));
  const t1 = abs(tmp(4));
  const t2 = abs(tmp(5));
  mul(delta, Z, Z);
  mul(gamma, Y, Y);
  mul(beta, X, gamma);
  sub(t1, X, delta);
  add(t2, X, delta);
  mul(t1, t1, t2);
  add(alpha, t1, t1);
  add(alpha, alpha, t1); // alpha = 3(X - delta)(X + delta)
  // Z3 = 2·Y·Z
  mul(t2, Y, Z);
  add(Z, t2, t2);
  // X3 = alpha² - 8·beta
  add(beta, beta, beta);
  add(beta, beta, beta); // 4·beta
  add(t1, beta, beta); // 8·beta
  mul(t2, alpha, alpha);
  sub(X, t2, t1);
  // Y3 = alpha·(4·beta - X3) - 8·gamma²
  sub(t1, beta, X);
  mul(t1, alpha, t1);
  mul(gamma, gamma, gamma);
  add(gamma, gamma, gamma);
  add(gamma, gamma, gamma);
  add(gamma, gamma, gamma);
  sub(Y, t1, gamma);
  return f;
}

/**
 * Shared tail of the additions: with H = U2 - U1 and R = S2 - S1 computed, returns 2 (equal
 * points: the caller doubles) or 3 (opposite points: the result is infinity) when H = 0; otherwise
 * writes X3 = R² - H³ - 2·U1·H², Y3 = R·(U1·H² - X3) - S1·H³ and returns 0 (Z3 is the caller's).
 */
function additionTail(f: Body, q: number, u1: Ref, s1: Ref, h: Ref, r: Ref): void {
  const X: Ref = [q, 0];
  const Y: Ref = [q, EL];
  const mul = (d: Ref, a: Ref, b: Ref): void => call3(f, F_MUL, d, a, b);
  const sub = (d: Ref, a: Ref, b: Ref): void => call3(f, F_SUB, d, a, b);
  isZero(f, h);
  f.op(OP.if, 0x40);
  isZero(f, r);
  f.op(OP.if, 0x40).i32(2).op(OP.return, OP.end);
  f.i32(3).op(OP.return, OP.end);
  const hh = abs(tmp(10));
  const hhh = abs(tmp(11));
  const v = abs(tmp(12));
  const t = abs(tmp(13));
  mul(hh, h, h);
  mul(hhh, h, hh);
  mul(v, u1, hh);
  mul(t, r, r);
  sub(t, t, hhh);
  sub(t, t, v);
  sub(X, t, v);
  sub(v, v, X);
  mul(v, r, v);
  mul(t, s1, hhh);
  sub(Y, v, t);
}

/**
 * madd(q, x, y) → code: q ← q + (x, y) affine. Codes: 0 done; 1 q is infinity (untouched);
 * 2 the points are equal; 3 they are opposite (q untouched in both).
 */
function emitMixedAdd(): Body {
  const f = new Body(3);
  const X: Ref = [0, 0];
  const Y: Ref = [0, EL];
  const Z: Ref = [0, 2 * EL];
  const mul = (d: Ref, a: Ref, b: Ref): void => call3(f, F_MUL, d, a, b);
  const sub = (d: Ref, a: Ref, b: Ref): void => call3(f, F_SUB, d, a, b);
  isZero(f, Z);
  f.op(OP.if, 0x40).i32(1).op(OP.return, OP.end);
  const z1z1 = abs(tmp(6));
  const h = abs(tmp(7));
  const r = abs(tmp(8));
  const z3 = abs(tmp(9));
  mul(z1z1, Z, Z);
  mul(h, [1, 0], z1z1); // U2
  mul(r, Z, z1z1);
  mul(r, [2, 0], r); // S2
  sub(h, h, X);
  sub(r, r, Y);
  mul(z3, Z, h);
  // U1 = X, S1 = Y: copy them, the tail overwrites X and Y.
  const u1 = abs(tmp(14));
  const s1 = abs(tmp(15));
  call3(f, F_ADD, u1, X, abs(ZERO));
  call3(f, F_ADD, s1, Y, abs(ZERO));
  additionTail(f, 0, u1, s1, h, r);
  call3(f, F_ADD, Z, z3, abs(ZERO));
  f.i32(0);
  return f;
}

/** jadd(q, o) → code: q ← q + o, both Jacobian; o at infinity leaves q (code 0). Codes as madd. */
function emitJacobianAdd(): Body {
  const f = new Body(2);
  const X: Ref = [0, 0];
  const Y: Ref = [0, EL];
  const Z: Ref = [0, 2 * EL];
  const X2: Ref = [1, 0];
  const Y2: Ref = [1, EL];
  const Z2: Ref = [1, 2 * EL];
  const mul = (d: Ref, a: Ref, b: Ref): void => call3(f, F_MUL, d, a, b);
  const sub = (d: Ref, a: Ref, b: Ref): void => call3(f, F_SUB, d, a, b);
  isZero(f, Z2);
  f.op(OP.if, 0x40).i32(0).op(OP.return, OP.end);
  isZero(f, Z);
  f.op(OP.if, 0x40).i32(1).op(OP.return, OP.end);
  const z1z1 = abs(tmp(6));
  const z2z2 = abs(tmp(7));
  const u1 = abs(tmp(14));
  const s1 = abs(tmp(15));
  const h = abs(tmp(8));
  const r = abs(tmp(9));
  const z3 = abs(tmp(5));
  mul(z1z1, Z, Z);
  mul(z2z2, Z2, Z2);
  mul(u1, X, z2z2);
  mul(h, X2, z1z1); // U2
  mul(s1, Z2, z2z2);
  mul(s1, Y, s1);
  mul(r, Z, z1z1);
  mul(r, Y2, r); // S2
  sub(h, h, u1);
  sub(r, r, s1);
  mul(z3, Z, Z2);
  mul(z3, z3, h);
  additionTail(f, 0, u1, s1, h, r);
  call3(f, F_ADD, Z, z3, abs(ZERO));
  f.i32(0);
  return f;
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function name(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

/** The module's bytes. */
export function sm2WasmBytes(): Uint8Array {
  const types = [
    [0x60, 3, I32, I32, I32, 0], // (d, a, b) -> ()
    [0x60, 1, I32, 0], // (q) -> ()
    [0x60, 3, I32, I32, I32, 1, I32], // (q, x, y) -> code
    [0x60, 2, I32, I32, 1, I32], // (q, o) -> code
  ];
  const funcs: [Body, number, string][] = [
    [emitMul(), 0, 'mul'],
    [emitAddSub(false), 0, 'add'],
    [emitAddSub(true), 0, 'sub'],
    [emitDouble(), 1, 'dbl'],
    [emitMixedAdd(), 2, 'madd'],
    [emitJacobianAdd(), 3, 'jadd'],
  ];
  const exports: number[] = [...uleb(funcs.length + 1), ...name('memory'), 0x02, 0];
  funcs.forEach(([, , n], i) => exports.push(...name(n), 0x00, ...uleb(i)));
  const code: number[] = [...uleb(funcs.length)];
  for (const [body] of funcs) code.push(...body.encode());
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [...uleb(types.length), ...types.flat()]),
    ...section(3, [...uleb(funcs.length), ...funcs.map(([, t]) => t)]),
    ...section(5, [1, 0x00, ...uleb(PAGES)]),
    ...section(7, exports),
    ...section(10, code),
  ]);
}

// ---------------------------------------------------------------------------------------------
// The JavaScript side

interface Engine {
  mem: Int32Array;
  mul: (d: number, a: number, b: number) => void;
  sub: (d: number, a: number, b: number) => void;
  dbl: (q: number) => void;
  madd: (q: number, x: number, y: number) => number;
  jadd: (q: number, o: number) => number;
  /** The G table the memory holds, or undefined. */
  g: FixedTable | undefined;
}

/** The part of the WebAssembly JS API used here (the package's lib settings do not declare it). */
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => WasmInstance;
  compile(bytes: Uint8Array): Promise<object>;
}

let engine: Engine | undefined;
/** undefined: not tried yet; 'pending': compiling asynchronously (BigInt meanwhile). */
let state: 'ready' | 'pending' | 'unavailable' | undefined;

function instantiate(wasm: WasmApi, module: object): Engine {
  const inst = new wasm.Instance(module, {});
  const ex = inst.exports as unknown as {
    memory: { buffer: ArrayBuffer };
    mul: Engine['mul'];
    sub: Engine['sub'];
    dbl: Engine['dbl'];
    madd: Engine['madd'];
    jadd: Engine['jadd'];
  };
  const mem = new Int32Array(ex.memory.buffer);
  const e: Engine = { mem, mul: ex.mul, sub: ex.sub, dbl: ex.dbl, madd: ex.madd, jadd: ex.jadd, g: undefined };
  writeElement(e, ONE_M, (1n << R_BITS) % P, false);
  writeElement(e, ONE_PLAIN, 1n, false);
  writeElement(e, ZERO, 0n, false);
  return e;
}

function getEngine(): Engine | undefined {
  if (state === 'ready') return engine;
  if (state !== undefined) return undefined;
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (typeof wasm !== 'object') {
    state = 'unavailable';
    return undefined;
  }
  const bytes = sm2WasmBytes();
  try {
    engine = instantiate(wasm, new wasm.Module(bytes));
    state = 'ready';
    return engine;
  } catch {
    // A synchronous compile can be refused (main-thread limits, CSP): try asynchronously.
    state = 'pending';
    wasm.compile(bytes).then(
      (m) => {
        try {
          engine = instantiate(wasm, m);
          state = 'ready';
        } catch {
          state = 'unavailable';
        }
      },
      () => {
        state = 'unavailable';
      },
    );
    return undefined;
  }
}

/** Writes 0 ≤ v < p at byte address `at`, in Montgomery form when `mont`. */
function writeElement(e: Engine, at: number, v: bigint, mont = true): void {
  let x = mont ? (v << R_BITS) % P : v;
  const base = at >> 2;
  for (let j = 0; j < LIMBS; j++) {
    e.mem[base + j] = Number(x & BigInt(MASK));
    x >>= BigInt(BITS);
  }
}

/** The plain value of the Montgomery element at `at` (uses scratch element 0). */
function readElement(e: Engine, at: number): bigint {
  e.mul(tmp(0), at, ONE_PLAIN);
  const base = tmp(0) >> 2;
  let v = 0n;
  for (let j = LIMBS - 1; j >= 0; j--) v = (v << BigInt(BITS)) | BigInt(e.mem[base + j] ?? 0);
  return v;
}

function loadBaseTable(e: Engine, g: FixedTable): void {
  if (e.g === g) return;
  const count = g.xs.length;
  if (GTAB + count * G_STRIDE > PAGES * 65536) throw new Error('sm2: base table too large');
  for (let i = 0; i < count; i++) {
    writeElement(e, GTAB + i * G_STRIDE, g.xs[i] ?? 0n);
    writeElement(e, GTAB + i * G_STRIDE + EL, g.ys[i] ?? 0n);
  }
  e.g = g;
}

const W = 5;
const DIGITS = 262;

/** Width-5 NAF digits of 0 ≤ k < 2^256 (least significant first) into `out`; returns the top index + 1. */
function wnafDigits(k: bigint, out: Int8Array): number {
  const bits = new Uint8Array(DIGITS + W);
  const hex = k.toString(16).padStart(64, '0');
  for (let i = 0; i < 64; i++) {
    const nib = Number.parseInt(hex[63 - i] ?? '0', 16);
    bits[4 * i] = nib & 1;
    bits[4 * i + 1] = (nib >> 1) & 1;
    bits[4 * i + 2] = (nib >> 2) & 1;
    bits[4 * i + 3] = (nib >> 3) & 1;
  }
  out.fill(0);
  let top = 0;
  for (let i = 0; i < DIGITS; ) {
    if (bits[i] === 0) {
      i++;
      continue;
    }
    let d = 0;
    for (let j = 0; j < W; j++) d |= (bits[i + j] ?? 0) << j;
    for (let j = 0; j < W; j++) bits[i + j] = 0;
    if (d >= 1 << (W - 1)) {
      d -= 1 << W;
      let j = i + W;
      while (bits[j] === 1) bits[j++] = 0;
      bits[j] = 1;
    }
    out[i] = d;
    top = i + 1;
    i += W;
  }
  return top;
}

const digitsBuf = new Int8Array(DIGITS);

const copyElement = (e: Engine, to: number, from: number): void => {
  e.mem.copyWithin(to >> 2, from >> 2, (from >> 2) + LIMBS);
};

/** acc ← acc + o (Jacobian at `o`), handling the special cases. */
function addJacobianAt(e: Engine, o: number): void {
  const code = e.jadd(ACC, o);
  if (code === 0) return;
  if (code === 3) {
    e.mem.fill(0, (ACC + 2 * EL) >> 2, ((ACC + 2 * EL) >> 2) + LIMBS);
    return;
  }
  e.mem.copyWithin(ACC >> 2, o >> 2, (o + PT) >> 2);
  if (code === 2) e.dbl(ACC);
}

/** acc ← acc + (x, y) (affine, Montgomery, at `x` and `y`), handling the special cases. */
function addAffineAt(e: Engine, x: number, y: number): void {
  const code = e.madd(ACC, x, y);
  if (code === 0) return;
  if (code === 3) {
    e.mem.fill(0, (ACC + 2 * EL) >> 2, ((ACC + 2 * EL) >> 2) + LIMBS);
    return;
  }
  copyElement(e, ACC, x);
  copyElement(e, ACC + EL, y);
  copyElement(e, ACC + 2 * EL, ONE_M);
  if (code === 2) e.dbl(ACC);
}

/**
 * `s·G + t·Q` in Jacobian coordinates with plain (non-Montgomery) BigInt values in [0, p), `z = 0n`
 * for infinity; `g` is the base point's fixed table (`baseTable()`), (qx, qy) a validated point and
 * 0 ≤ s, t < 2^256. Undefined when WebAssembly is not available (use the BigInt code).
 */
export function jointMultiply(
  qx: bigint,
  qy: bigint,
  t: bigint,
  s: bigint,
  g: FixedTable,
): { x: bigint; y: bigint; z: bigint } | undefined {
  const e = getEngine();
  if (e === undefined) return undefined;
  loadBaseTable(e, g);
  const mem = e.mem;
  // Q's odd multiples: QTAB holds 2Q, then Q, 3Q, ..., 15Q.
  const q1 = QTAB + PT;
  writeElement(e, q1, qx);
  writeElement(e, q1 + EL, qy);
  copyElement(e, q1 + 2 * EL, ONE_M);
  mem.copyWithin(QTAB >> 2, q1 >> 2, (q1 + PT) >> 2);
  e.dbl(QTAB);
  for (let i = 2; i < QTAB_POINTS; i++) {
    const at = QTAB + i * PT;
    mem.copyWithin(ACC >> 2, (at - PT) >> 2, at >> 2);
    addJacobianAt(e, QTAB);
    mem.copyWithin(at >> 2, ACC >> 2, (ACC + PT) >> 2);
  }
  // t·Q by wNAF: 256 doublings.
  mem.fill(0, ACC >> 2, (ACC + PT) >> 2);
  const digits = digitsBuf;
  const top = wnafDigits(t, digits);
  for (let i = top - 1; i >= 0; i--) {
    e.dbl(ACC);
    const d = digits[i] ?? 0;
    if (d === 0) continue;
    const at = QTAB + (((d > 0 ? d : -d) + 1) >> 1) * PT;
    if (d > 0) addJacobianAt(e, at);
    else {
      mem.copyWithin(NEG >> 2, at >> 2, (at + PT) >> 2);
      e.sub(NEG + EL, ZERO, at + EL);
      addJacobianAt(e, NEG);
    }
  }
  // s·G with the fixed table: signed windows, no doubling (the layout of addFixedMultiple).
  const { w, windows, half } = g;
  const full = 1 << w;
  const sh = s.toString(16).padStart(64, '0');
  let carry = 0;
  for (let i = 0; i < windows; i++) {
    let d = bitsOfHex(sh, i * w, w) + carry;
    carry = 0;
    if (d > half) {
      d -= full;
      carry = 1;
    }
    if (d === 0) continue;
    const at = GTAB + (i * half + (d > 0 ? d : -d) - 1) * G_STRIDE;
    if (d > 0) addAffineAt(e, at, at + EL);
    else {
      e.sub(NEG + EL, ZERO, at + EL);
      addAffineAt(e, at, NEG + EL);
    }
  }
  const x = readElement(e, ACC);
  const y = readElement(e, ACC + EL);
  const z = readElement(e, ACC + 2 * EL);
  return { x, y, z };
}

/** Bits [pos, pos+w) of the 64-digit hex `h` (bit 0 = least significant). */
function bitsOfHex(h: string, pos: number, w: number): number {
  let v = 0;
  for (let k = 0; k < w; k++) {
    const bit = pos + k;
    if (bit >= 256) break;
    const nib = Number.parseInt(h[63 - (bit >> 2)] ?? '0', 16);
    v |= ((nib >> (bit & 3)) & 1) << k;
  }
  return v;
}

/** @internal For tests: forgets the module, so the next call compiles it again (or not at all). */
export function resetSm2Wasm(available = true): void {
  engine = undefined;
  state = available ? undefined : 'unavailable';
}
