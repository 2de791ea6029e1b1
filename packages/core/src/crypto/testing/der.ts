/**
 * DER for the crypto tests (CMS messages, certificates, malformed signatures): the shared test DER
 * writer in `testing/der.ts`, plus integers from numbers, one-CN names, algorithm identifiers and
 * signed test certificates. Test code only: not exported from the package.
 */
import { derInteger } from '../../asn1/encode';
import { octets, oid, seq, set, tlv, utc, utf8, type Bytes } from '../../testing/der';

export { cat, hex, len, must, nul, octets, oid, seq, set, tlv, toHex, utc, utf8, type Bytes } from '../../testing/der';

/** BIT STRING of whole octets (no unused bits). */
export const bits = (...c: Bytes[]): Bytes => tlv(0x03, Uint8Array.of(0), ...c);

/** A DER INTEGER (minimal, with a sign octet when needed). */
export const int = (v: bigint | number): Bytes => derInteger(v);

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
