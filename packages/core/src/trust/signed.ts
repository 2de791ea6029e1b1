/**
 * What CRLs and OCSP responses share: reading an AlgorithmIdentifier and an Extensions list, and
 * verifying the signature (a DER "to be signed" part, an AlgorithmIdentifier and a BIT STRING) with
 * a certificate's key, through the crypto module's {@link verifySignature}. Certificates themselves
 * go through {@link verifyCertificateSignature}.
 */
import { DerError, DerReader, Tag } from '../asn1/der';
import { checkNull, decodeBoolean, decodeOid } from '../asn1/decode';
import type { Certificate } from '../cert/index';
import { verifySignature, type SignatureHash } from '../crypto/index';
import { isYizhengError } from '../errors/index';
import { SIGNATURE_SCHEMES } from '../asn1/oids';

/** An AlgorithmIdentifier read from DER. */
export interface AlgorithmIdentifier {
  /** The algorithm OID. */
  readonly oid: string;
  /** The parameters' DER when present and not NULL. */
  readonly parameters?: Uint8Array | undefined;
}

/**
 * Iterates the Extensions SEQUENCE that is the reader's current TLV, calling `each` with the OID,
 * the critical flag and the reader on the extnValue OCTET STRING (its current TLV, not entered).
 * An empty list and a repeated OID are refused.
 */
export function readExtensionList(r: DerReader, each: (oid: string, critical: boolean, r: DerReader) => void): void {
  const at = r.start;
  r.enter();
  if (r.done) throw new DerError('empty Extensions', at);
  const seen = new Set<string>();
  while (!r.done) {
    r.expect(Tag.SEQUENCE, 'Extension');
    r.enter();
    r.expect(Tag.OID, 'extnID');
    const oid = decodeOid(r.bytes, r.contentStart, r.contentEnd);
    if (seen.has(oid)) throw new DerError(`duplicate extension ${oid}`, r.start);
    seen.add(oid);
    let critical = false;
    if (r.optional(Tag.BOOLEAN)) critical = decodeBoolean(r.bytes, r.contentStart, r.contentEnd);
    r.expect(Tag.OCTET_STRING, 'extnValue');
    each(oid, critical, r);
    r.leave('Extension');
  }
  r.leave('Extensions');
}

/** Reads the AlgorithmIdentifier SEQUENCE that is the reader's current TLV (NULL parameters dropped). */
export function readAlgorithmIdentifier(r: DerReader): AlgorithmIdentifier {
  const b = r.bytes;
  if (r.tag !== Tag.SEQUENCE) throw new DerError('AlgorithmIdentifier must be a SEQUENCE', r.start);
  r.enter();
  r.expect(Tag.OID, 'algorithm');
  const oid = decodeOid(b, r.contentStart, r.contentEnd);
  let parameters: Uint8Array | undefined;
  if (!r.done) {
    const tag = r.next();
    if (tag === Tag.NULL) checkNull(r.contentStart, r.contentEnd);
    else parameters = b.slice(r.start, r.contentEnd);
  }
  r.leave('AlgorithmIdentifier');
  return { oid, parameters };
}

type Scheme = { readonly hash: SignatureHash; readonly format: 'raw' | 'der' };

// RSA certificate signatures are the raw PKCS#1 v1.5 block; ECDSA and SM2 ones are DER (r, s).
const SCHEMES: ReadonlyMap<string, Scheme> = new Map(
  [...SIGNATURE_SCHEMES].map(([oid, s]): [string, Scheme] => [oid, { hash: s.hash, format: s.family === 'rsa' ? 'raw' : 'der' }]),
);

/** Outcome of {@link verifySignedData}: valid, invalid, or a reason it could not be checked. */
export type SignedDataOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Verifies `signature` over `tbs` with `signer`'s public key and `algorithm`: the RSA PKCS#1 v1.5,
 * ECDSA and SM2-with-SM3 (default user id) algorithms. RSASSA-PSS and anything else are reported as
 * unsupported (a failed outcome, never an exception).
 */
export function verifySignedData(
  signer: Certificate,
  algorithm: AlgorithmIdentifier,
  tbs: Uint8Array,
  signature: Uint8Array,
): SignedDataOutcome {
  const scheme = SCHEMES.get(algorithm.oid);
  if (scheme === undefined) return { ok: false, reason: `unsupported signature algorithm ${algorithm.oid}` };
  if (algorithm.parameters !== undefined) return { ok: false, reason: `unexpected parameters for ${algorithm.oid}` };
  try {
    const ok = verifySignature({ publicKey: signer.publicKey, data: tbs, signature, hash: scheme.hash, format: scheme.format });
    return ok ? { ok: true } : { ok: false, reason: 'the signature does not verify' };
  } catch (e) {
    if (isYizhengError(e)) return { ok: false, reason: e.localizedMessage('en') };
    throw e;
  }
}
