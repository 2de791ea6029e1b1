/**
 * Builds PKCS#7 / CMS SignedData for the tests (DER), signed by a callback.
 * Not exported from the package.
 */
import { createHash } from 'node:crypto';
import { sm3 } from '../sm3';
import { alg, octets, oid, seq, set, tlv, int, type Bytes } from './der';

export interface CmsOptions {
  /** Outer content type; default signedData 1.2.840.113549.1.7.2. */
  readonly contentType?: string;
  /** eContentType; default data 1.2.840.113549.1.7.1. */
  readonly eContentType?: string;
  readonly content: Bytes;
  readonly attached: boolean;
  /** Certificates to carry. */
  readonly certificates?: readonly Bytes[];
  /** SignerIdentifier DER: issuerAndSerialNumber SEQUENCE or [0] SKI. */
  readonly sid: Bytes;
  /** Digest OID and name ('sha256', 'sm3', …). */
  readonly digest: { readonly oid: string; readonly name: string };
  readonly signedAttributes: boolean;
  /** Override the message-digest attribute value. */
  readonly messageDigest?: Bytes;
  /** Override the content-type attribute value. */
  readonly attrContentType?: string;
  readonly signatureAlgorithm: Bytes;
  /** Override the SignerInfo version (default 1, or 3 with a subject key identifier). */
  readonly signerInfoVersion?: number;
  /** Override the digestAlgorithms SET content. */
  readonly digestAlgorithms?: readonly Bytes[];
  /** Override the SignedData version (default 1). */
  readonly version?: number;
  /** Signs the bytes (content, or the DER SET of signed attributes); returns the signature value. */
  readonly sign: (signed: Bytes) => Bytes;
}

export function digestOf(name: string, data: Bytes): Bytes {
  return name === 'sm3' ? sm3(data) : new Uint8Array(createHash(name).update(data).digest());
}

export function buildSignedData(o: CmsOptions): Bytes {
  const eContentType = o.eContentType ?? '1.2.840.113549.1.7.1';
  let attrs: Bytes | undefined;
  let signed = o.content;
  if (o.signedAttributes) {
    const list = [
      seq(oid('1.2.840.113549.1.9.3'), set(oid(o.attrContentType ?? eContentType))),
      seq(oid('1.2.840.113549.1.9.4'), set(octets(o.messageDigest ?? digestOf(o.digest.name, o.content)))),
    ];
    signed = set(...list);
    attrs = tlv(0xa0, ...list);
  }
  const signerInfo = seq(
    int(o.signerInfoVersion ?? (o.sid[0] === 0x80 ? 3 : 1)),
    o.sid,
    alg(o.digest.oid),
    ...(attrs === undefined ? [] : [attrs]),
    o.signatureAlgorithm,
    octets(o.sign(signed)),
  );
  const encap = o.attached ? seq(oid(eContentType), tlv(0xa0, octets(o.content))) : seq(oid(eContentType));
  const certs = o.certificates === undefined ? [] : [tlv(0xa0, ...o.certificates)];
  const digestAlgorithms = o.digestAlgorithms ?? [alg(o.digest.oid)];
  const signedData = seq(int(o.version ?? 1), set(...digestAlgorithms), encap, ...certs, set(signerInfo));
  return seq(oid(o.contentType ?? '1.2.840.113549.1.7.2'), tlv(0xa0, signedData));
}
