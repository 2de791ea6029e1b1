/**
 * Input normalisation for the signature API: bytes from Uint8Array / ArrayBuffer / strings, strict
 * base64, and PEM `PUBLIC KEY` blocks.
 *
 * @internal
 */
import { decodeStrictBase64 } from '../base64/strict';
import { YizhengError } from '../errors/index';

const UTF8 = new TextEncoder();

/** Strict base64 of `text[start..end)` (see {@link decodeStrictBase64}), or undefined when it is not. */
export function decodeBase64(text: string, start = 0, end: number = text.length): Uint8Array | undefined {
  const result = decodeStrictBase64(text, { start, end });
  return 'bytes' in result ? result.bytes : undefined;
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
