/**
 * SM3 cryptographic hash (GM/T 0004-2012, GB/T 32905-2016): 256-bit digest, 512-bit blocks.
 * Pure JavaScript on 32-bit integers, so it also runs in browsers and workers.
 */
import { YizhengError } from '../errors/index';

const IV = new Int32Array([
  0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e,
]);

/** T_j rotated left by j mod 32, for j = 0..63 (the constant term of SS1). */
const T_ROT = new Int32Array(64);
for (let j = 0; j < 64; j++) {
  const t = j < 16 ? 0x79cc4519 : 0x7a879d8a;
  const n = j % 32;
  T_ROT[j] = n === 0 ? t : (t << n) | (t >>> (32 - n));
}

const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n));

/**
 * Incremental SM3. `update` any number of times, then `digest` once.
 *
 * @example
 * ```ts
 * const h = new Sm3();
 * h.update(z);
 * h.update(message);
 * const e = h.digest(); // 32 bytes
 * ```
 */
export class Sm3 {
  readonly #v = IV.slice();
  readonly #w = new Int32Array(68);
  readonly #block = new Uint8Array(64);
  #blockLen = 0;
  #total = 0;
  #done = false;

  /**
   * Absorbs `data`. Returns `this` for chaining.
   *
   * @throws {YizhengError} `INVALID_ARGUMENT` when `data` is not a Uint8Array or after `digest()`.
   */
  update(data: Uint8Array): this {
    if (this.#done) throw new YizhengError('INVALID_ARGUMENT', { reason: 'Sm3.update() after digest()' });
    if (!(data instanceof Uint8Array)) throw new YizhengError('INVALID_ARGUMENT', { reason: 'SM3 input must be a Uint8Array' });
    const len = data.length;
    this.#total += len;
    let i = 0;
    if (this.#blockLen > 0) {
      const take = Math.min(64 - this.#blockLen, len);
      this.#block.set(data.subarray(0, take), this.#blockLen);
      this.#blockLen += take;
      i = take;
      if (this.#blockLen < 64) return this;
      this.#compress(this.#block, 0);
      this.#blockLen = 0;
    }
    for (; i + 64 <= len; i += 64) this.#compress(data, i);
    if (i < len) {
      this.#block.set(data.subarray(i), 0);
      this.#blockLen = len - i;
    }
    return this;
  }

  /**
   * Finishes and returns the 32-byte digest. The hasher cannot be used afterwards.
   *
   * @throws {YizhengError} `INVALID_ARGUMENT` when called twice.
   */
  digest(): Uint8Array {
    if (this.#done) throw new YizhengError('INVALID_ARGUMENT', { reason: 'Sm3.digest() called twice' });
    this.#done = true;
    const bitLen = this.#total * 8;
    const b = this.#block;
    let n = this.#blockLen;
    b[n++] = 0x80;
    if (n > 56) {
      b.fill(0, n);
      this.#compress(b, 0);
      n = 0;
    }
    b.fill(0, n, 56);
    // Message length in bits, 64-bit big-endian (exact for inputs below 2^53 bits).
    const hi = Math.floor(bitLen / 0x100000000);
    const lo = bitLen >>> 0;
    b[56] = hi >>> 24;
    b[57] = hi >>> 16;
    b[58] = hi >>> 8;
    b[59] = hi;
    b[60] = lo >>> 24;
    b[61] = lo >>> 16;
    b[62] = lo >>> 8;
    b[63] = lo;
    this.#compress(b, 0);
    const out = new Uint8Array(32);
    const v = this.#v;
    for (let i = 0; i < 8; i++) {
      const x = (v[i] ?? 0);
      out[4 * i] = x >>> 24;
      out[4 * i + 1] = x >>> 16;
      out[4 * i + 2] = x >>> 8;
      out[4 * i + 3] = x;
    }
    return out;
  }

  #compress(m: Uint8Array, off: number): void {
    const w = this.#w;
    for (let j = 0; j < 16; j++) {
      const p = off + 4 * j;
      w[j] = ((m[p] ?? 0) << 24) | ((m[p + 1] ?? 0) << 16) | ((m[p + 2] ?? 0) << 8) | (m[p + 3] ?? 0);
    }
    for (let j = 16; j < 68; j++) {
      const x = (w[j - 16] ?? 0) ^ (w[j - 9] ?? 0) ^ rotl((w[j - 3] ?? 0), 15);
      w[j] = x ^ rotl(x, 15) ^ rotl(x, 23) ^ rotl((w[j - 13] ?? 0), 7) ^ (w[j - 6] ?? 0);
    }
    const v = this.#v;
    let a = (v[0] ?? 0);
    let b = (v[1] ?? 0);
    let c = (v[2] ?? 0);
    let d = (v[3] ?? 0);
    let e = (v[4] ?? 0);
    let f = (v[5] ?? 0);
    let g = (v[6] ?? 0);
    let h = (v[7] ?? 0);
    for (let j = 0; j < 64; j++) {
      const a12 = rotl(a, 12);
      const ss1 = rotl((a12 + e + (T_ROT[j] ?? 0)) | 0, 7);
      const ss2 = ss1 ^ a12;
      const wj = (w[j] ?? 0);
      const wj1 = wj ^ (w[j + 4] ?? 0);
      let tt1: number;
      let tt2: number;
      if (j < 16) {
        tt1 = ((a ^ b ^ c) + d + ss2 + wj1) | 0;
        tt2 = ((e ^ f ^ g) + h + ss1 + wj) | 0;
      } else {
        tt1 = (((a & b) | (a & c) | (b & c)) + d + ss2 + wj1) | 0;
        tt2 = (((e & f) | (~e & g)) + h + ss1 + wj) | 0;
      }
      d = c;
      c = rotl(b, 9);
      b = a;
      a = tt1;
      h = g;
      g = rotl(f, 19);
      f = e;
      e = tt2 ^ rotl(tt2, 9) ^ rotl(tt2, 17);
    }
    v[0] = (v[0] ?? 0) ^ a;
    v[1] = (v[1] ?? 0) ^ b;
    v[2] = (v[2] ?? 0) ^ c;
    v[3] = (v[3] ?? 0) ^ d;
    v[4] = (v[4] ?? 0) ^ e;
    v[5] = (v[5] ?? 0) ^ f;
    v[6] = (v[6] ?? 0) ^ g;
    v[7] = (v[7] ?? 0) ^ h;
  }
}

/**
 * The SM3 digest (GM/T 0004-2012) of `data`: 32 bytes.
 *
 * @throws {YizhengError} `INVALID_ARGUMENT` when `data` is not a Uint8Array (a Buffer is one).
 *
 * @example
 * ```ts
 * Buffer.from(sm3(new TextEncoder().encode('abc'))).toString('hex');
 * // '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0'
 * ```
 */
export function sm3(data: Uint8Array): Uint8Array {
  return new Sm3().update(data).digest();
}
