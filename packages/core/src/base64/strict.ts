/**
 * Strict base64, shared by the certificate and the signature inputs: the standard alphabet, spaces,
 * tabs and line breaks anywhere, `=` padding only at the end (missing padding tolerated), zero padding
 * bits. Anything else (PEM headers, URL-safe characters, stray bytes) is refused, unlike Node's
 * lenient decoder, which silently skips it; once the text is validated, Node's native decoder does the
 * decoding, which is much faster than decoding in JavaScript.
 *
 * @internal
 */

// Alphabet values; -1 invalid, -2 padding '=', -3 whitespace.
const B64 = new Int8Array(256).fill(-1);
for (let i = 0; i < 64; i++) {
  B64['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
}
B64[0x3d] = -2;
for (const c of [0x20, 0x09, 0x0a, 0x0d]) B64[c] = -3;

/** The decoded bytes, or why the text is not strict base64. */
export type Base64Result = { readonly bytes: Uint8Array } | { readonly error: string };

/**
 * Decodes `text[start..end)` as strict base64 into a plain Uint8Array (whose `slice()` copies), refusing
 * output over `maxBytes` before decoding anything. `canonical: false` tolerates non-zero padding bits
 * (certificate input: the DER parser judges the bytes); signatures require them to be zero.
 */
export function decodeStrictBase64(
  text: string,
  options: { readonly start?: number; readonly end?: number; readonly maxBytes?: number; readonly canonical?: boolean } = {},
): Base64Result {
  const { start = 0, end = text.length, maxBytes = Infinity, canonical = true } = options;
  let n = 0;
  let pad = 0;
  let last = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 256 ? (B64[c] ?? -1) : -1;
    if (v >= 0) {
      if (pad > 0) return { error: 'base64 data after padding' };
      n++;
      last = v;
    } else if (v === -3) {
      continue;
    } else if (v === -2) {
      if (++pad > 2) return { error: 'too much base64 padding' };
    } else {
      return { error: `invalid character in base64 at position ${i}` };
    }
  }
  if (n === 0) return { error: 'empty base64' };
  if (n % 4 === 1 || (pad > 0 && (n + pad) % 4 !== 0)) return { error: 'truncated base64' };
  // The bits past the last whole byte must be zero, so each byte string has one spelling.
  if (canonical && ((n % 4 === 2 && (last & 0x0f) !== 0) || (n % 4 === 3 && (last & 0x03) !== 0))) {
    return { error: 'non-zero base64 padding bits' };
  }
  const size = Math.floor((n * 6) / 8);
  if (size > maxBytes) return { error: `more than ${maxBytes} bytes` };
  const decoded = Buffer.from(start === 0 && end === text.length ? text : text.slice(start, end), 'base64');
  if (decoded.length !== size) return { error: 'invalid base64' };
  // A plain Uint8Array view (not a Buffer, whose slice() would not copy) over memory no one else holds.
  return { bytes: new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength) };
}
