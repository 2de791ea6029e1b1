/**
 * Byte-level mutations of DER for property tests: bit flips, insertions, deletions, truncation,
 * overwrites and length tampering on one TLV header of the original structure. The fuzz test and the
 * oracle cross-checks draw from the same generator.
 */
import fc from 'fast-check';
import { readTlv } from '../src/asn1/der';

/** One mutation; `at` and `header` are taken modulo the input's length and header count. */
export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'overwrite'; at: number; bytes: Uint8Array }
  | { kind: 'length'; header: number; bytes: Uint8Array };

/** Length octets worth trying: indefinite, huge, non-minimal, reserved, short ones. */
export const HOSTILE_LENGTHS = fc.oneof(
  fc.constantFrom(
    Uint8Array.of(0x80),
    Uint8Array.of(0x84, 0xff, 0xff, 0xff, 0xff),
    Uint8Array.of(0x84, 0x7f, 0xff, 0xff, 0xff),
    Uint8Array.of(0x88, 0, 0, 0, 0, 0, 0, 1, 0),
    Uint8Array.of(0x81, 0x01),
    Uint8Array.of(0x82, 0x00, 0x05),
    Uint8Array.of(0xff),
    Uint8Array.of(0x00),
  ),
  fc.uint8Array({ minLength: 1, maxLength: 5 }),
);

/** The mutation generator; `overwriteMax` bounds an overwrite's length, `lengths` the tampered length octets. */
export function derMutation(options: { overwriteMax?: number; lengths?: fc.Arbitrary<Uint8Array> } = {}): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('overwrite' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: options.overwriteMax ?? 16 }) }),
    fc.record({ kind: fc.constant('length' as const), header: fc.nat(), bytes: options.lengths ?? HOSTILE_LENGTHS }),
  );
}

/** `der` with `m` applied; `headers` are the offsets of the original structure's TLV headers. */
export function applyMutation(der: Uint8Array, headers: readonly number[], m: Mutation): Uint8Array {
  const n = der.length;
  const at = n === 0 || m.kind === 'length' ? 0 : m.at % (n + 1);
  switch (m.kind) {
    case 'flip': {
      if (n === 0) return der;
      const copy = der.slice();
      copy[at % n] = (copy[at % n] ?? 0) ^ (1 << m.bit);
      return copy;
    }
    case 'insert':
      return Uint8Array.from([...der.subarray(0, at), ...m.bytes, ...der.subarray(at)]);
    case 'delete':
      return Uint8Array.from([...der.subarray(0, at), ...der.subarray(at + m.count)]);
    case 'truncate':
      return der.slice(0, at);
    case 'overwrite': {
      const copy = der.slice();
      copy.set(m.bytes.subarray(0, Math.max(0, n - at)), at);
      return copy;
    }
    case 'length': {
      if (headers.length === 0) return der;
      const start = headers[m.header % headers.length] ?? 0;
      if (start >= n) return der;
      let lenAt = start + 1;
      let lenEnd = lenAt + 1;
      try {
        const t = readTlv(der, start);
        lenAt = start + 1 + (((der[start] ?? 0) & 0x1f) === 0x1f ? 1 : 0);
        lenEnd = t.contentStart;
      } catch {
        // already broken: overwrite one octet
      }
      return Uint8Array.from([...der.subarray(0, lenAt), ...m.bytes, ...der.subarray(Math.min(lenEnd, n))]);
    }
  }
}
