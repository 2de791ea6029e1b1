/**
 * A minimal DER writer for the crypto tests (CMS messages, certificates, malformed signatures).
 * Test code only: not exported from the package.
 */
import { encodeOid } from '../../asn1/index';

export type Bytes = Uint8Array;

/** `value`, which must be defined (test helper). */
export function must<T>(value: T | undefined | null, what = 'value'): T {
  if (value === undefined || value === null) throw new Error(`missing ${what}`);
  return value;
}

export function cat(...parts: Bytes[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** DER length octets. */
export function len(n: number): Bytes {
  if (n < 0x80) return Uint8Array.of(n);
  const b: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) b.unshift(v & 0xff);
  return Uint8Array.of(0x80 | b.length, ...b);
}

export function tlv(tag: number, ...content: Bytes[]): Bytes {
  const c = cat(...content);
  return cat(Uint8Array.of(tag), len(c.length), c);
}

export const seq = (...c: Bytes[]): Bytes => tlv(0x30, ...c);
export const set = (...c: Bytes[]): Bytes => tlv(0x31, ...c);
export const oid = (o: string): Bytes => tlv(0x06, encodeOid(o));
export const octets = (...c: Bytes[]): Bytes => tlv(0x04, ...c);
export const bits = (...c: Bytes[]): Bytes => tlv(0x03, Uint8Array.of(0), ...c);
export const nul = (): Bytes => Uint8Array.of(0x05, 0x00);
export const utf8 = (s: string): Bytes => tlv(0x0c, new TextEncoder().encode(s));
export const utc = (s: string): Bytes => tlv(0x17, new TextEncoder().encode(s));
export const hex = (h: string): Bytes => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A DER INTEGER of a non-negative bigint (minimal, with a sign octet when needed). */
export function int(v: bigint | number): Bytes {
  let h = BigInt(v).toString(16);
  if (h.length % 2 === 1) h = '0' + h;
  let b = hex(h);
  if (((b[0] ?? 0) & 0x80) !== 0) b = cat(Uint8Array.of(0), b);
  return tlv(0x02, b);
}

/** `Name` with one CN. */
export const cn = (s: string): Bytes => seq(set(seq(oid('2.5.4.3'), utf8(s))));

/** AlgorithmIdentifier, with optional parameters. */
export const alg = (o: string, params?: Bytes): Bytes => (params === undefined ? seq(oid(o)) : seq(oid(o), params));

export interface TestCertificate {
  readonly der: Bytes;
  readonly tbs: Bytes;
}

/**
 * A v3 certificate signed by `sign` (which returns the signature BIT STRING content), with an
 * optional subjectKeyIdentifier.
 */
export function makeCertificate(o: {
  subject: string;
  issuer: string;
  spki: Bytes;
  sigAlg: Bytes;
  serial?: bigint;
  ski?: Bytes;
  sign: (tbs: Bytes) => Bytes;
}): TestCertificate {
  const exts =
    o.ski === undefined ? [] : [tlv(0xa3, seq(seq(oid('2.5.29.14'), octets(octets(o.ski)))))];
  const tbs = seq(
    tlv(0xa0, int(2)),
    int(o.serial ?? 0x1234n),
    o.sigAlg,
    cn(o.issuer),
    seq(utc('240101000000Z'), utc('491231235959Z')),
    cn(o.subject),
    o.spki,
    ...exts,
  );
  return { der: seq(tbs, o.sigAlg, bits(o.sign(tbs))), tbs };
}
