/**
 * Input normalisation for the signature API: bytes from Uint8Array / ArrayBuffer / strings, strict
 * base64, and PEM `PUBLIC KEY` blocks.
 *
 * @internal
 */
import { YizhengError } from '../errors/index';

const UTF8 = new TextEncoder();

// Base64 alphabet values; -1 invalid, -2 padding '=', -3 whitespace.
const B64 = new Int8Array(256).fill(-1);
for (let i = 0; i < 64; i++) {
  B64['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
}
B64[0x3d] = -2;
for (const c of [0x20, 0x09, 0x0a, 0x0d]) B64[c] = -3;

const CANONICAL_LINE = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Strict base64 of `text[start..end)`: the standard alphabet, whitespace anywhere, `=` padding only
 * at the end (missing padding tolerated), no stray characters, zero padding bits. Undefined when
 * the text is not such base64 (Node's decoder would silently skip invalid characters).
 */
export function decodeBase64(text: string, start = 0, end: number = text.length): Uint8Array | undefined {
  // Fast path for what key clients send: one line of padded base64. Node decodes it natively; it is
  // accepted only if it encodes back to the very same text (so nothing was skipped or non-canonical).
  if (start === 0 && end === text.length && text.length % 4 === 0 && CANONICAL_LINE.test(text)) {
    const decoded = Buffer.from(text, 'base64');
    return decoded.toString('base64') === text ? new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength).slice() : undefined;
  }
  const out = new Uint8Array(Math.floor(((end - start) * 3) / 4) + 3);
  let n = 0;
  let acc = 0;
  let bits = 0;
  let pad = 0;
  let chars = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    const v = code < 256 ? (B64[code] ?? -1) : -1;
    if (v === -3) continue;
    if (v === -1) return undefined;
    if (v === -2) {
      pad++;
      continue;
    }
    if (pad > 0) return undefined;
    chars++;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
      acc &= (1 << bits) - 1;
    }
  }
  const rem = chars % 4;
  if (rem === 1 || pad > 2 || (pad > 0 && (chars + pad) % 4 !== 0)) return undefined;
  if (acc !== 0) return undefined; // non-zero padding bits: not canonical base64
  return out.slice(0, n);
}

/**
 * A copy-free plain Uint8Array view of bytes given as Uint8Array, Buffer or ArrayBuffer. Never a
 * Buffer: on a Buffer, `slice()` returns a view, and the parsers rely on `slice()` copying.
 */
export function asBytes(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) {
    return value.constructor === Uint8Array ? value : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return undefined;
}

/** The signed bytes: a string is taken as its UTF-8 encoding (an ASCII challenge is its ASCII). */
export function dataBytes(value: unknown): Uint8Array {
  if (typeof value === 'string') return UTF8.encode(value);
  const b = asBytes(value);
  if (b === undefined) {
    throw new YizhengError('INVALID_ARGUMENT', { reason: 'data must be a string, a Uint8Array or an ArrayBuffer' });
  }
  return b;
}

/** Byte equality. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Big-endian comparison of two unsigned integers given as bytes (leading zeros allowed). */
export function compareUnsigned(a: Uint8Array, b: Uint8Array): number {
  let i = 0;
  let j = 0;
  while (i < a.length && a[i] === 0) i++;
  while (j < b.length && b[j] === 0) j++;
  const la = a.length - i;
  const lb = b.length - j;
  if (la !== lb) return la < lb ? -1 : 1;
  for (; i < a.length; i++, j++) {
    if (a[i] !== b[j]) return (a[i] ?? 0) < (b[j] ?? 0) ? -1 : 1;
  }
  return 0;
}

/** Latin-1 string of the bytes: a cheap exact Map key. */
export function bytesKey(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** Byte equality through Node's native comparison (for longer arrays). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return (
    a.byteLength === b.byteLength &&
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
  );
}

const PEM_KEY = /-----BEGIN PUBLIC KEY-----([\s\S]*?)-----END PUBLIC KEY-----/;

/** The DER inside the first `PUBLIC KEY` PEM block of `text`, or undefined. */
export function pemPublicKey(text: string): Uint8Array | undefined {
  if (text.length > 1 << 20) return undefined;
  const m = PEM_KEY.exec(text);
  if (m === null) return undefined;
  return decodeBase64(m[1] ?? '');
}
