/**
 * OCSP (RFC 6960): CertID, requests with a nonce (RFC 8954), a strict response parser and the
 * rules for trusting a response.
 */
import { createHash, randomBytes } from 'node:crypto';
import { DerError, DerReader, Tag } from '../asn1/der';
import { checkBitString, decodeOid, decodeTime } from '../asn1/decode';
import { derExplicit, derOctetString, derOid, derSequence, derNull } from '../asn1/encode';
import { parseCertificate, type Certificate } from '../cert/index';
import { subjectPublicKeyBits } from '../cert/public-key';
import { sm3 } from '../crypto/index';
import { isYizhengError } from '../errors/index';
import { CRL_REASONS, type CrlReason } from './crl';
import { readAlgorithmIdentifier, readExtensionList, verifySignedData, type AlgorithmIdentifier } from './signed';

/** Hashes a CertID may use. */
export type CertIdHash = 'sha1' | 'sha256' | 'sm3';

const HASH_OIDS: Readonly<Record<CertIdHash, string>> = {
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sm3: '1.2.156.10197.1.401',
};
const HASH_BY_OID: ReadonlyMap<string, CertIdHash> = new Map(Object.entries(HASH_OIDS).map(([k, v]) => [v, k as CertIdHash]));

/** id-pkix-ocsp-nonce. */
export const OCSP_NONCE_OID = '1.3.6.1.5.5.7.48.1.2';
/** id-pkix-ocsp-basic. */
export const OCSP_BASIC_OID = '1.3.6.1.5.5.7.48.1.1';
/** id-kp-OCSPSigning. */
export const OCSP_SIGNING_OID = '1.3.6.1.5.5.7.3.9';

/** Digest with a CertID hash. */
export function digest(hash: CertIdHash, data: Uint8Array): Uint8Array {
  return hash === 'sm3' ? sm3(data) : new Uint8Array(createHash(hash).update(data).digest());
}

/** The subjectPublicKey bits of a certificate (the BIT STRING value, without the unused-bits octet). */
export function publicKeyBits(c: Certificate): Uint8Array {
  return subjectPublicKeyBits(c.publicKey.spki);
}

/** The certificate's serialNumber INTEGER TLV, exactly as encoded. */
export function serialNumberTlv(c: Certificate): Uint8Array {
  const tbs = c.tbs;
  const r = new DerReader(tbs);
  r.expect(Tag.SEQUENCE, 'tbsCertificate');
  r.enter();
  r.optional(0xa0);
  r.expect(Tag.INTEGER, 'serialNumber');
  return tbs.slice(r.start, r.contentEnd);
}

/** A CertID, the key of an OCSP question and answer. */
export interface CertId {
  readonly hash: CertIdHash;
  readonly issuerNameHash: Uint8Array;
  readonly issuerKeyHash: Uint8Array;
  /** The serialNumber INTEGER TLV. */
  readonly serialNumber: Uint8Array;
}

/** The CertID of `certificate` issued by `issuer`. */
export function certIdOf(certificate: Certificate, issuer: Certificate, hash: CertIdHash = 'sha1'): CertId {
  return {
    hash,
    issuerNameHash: digest(hash, issuer.subject.der),
    issuerKeyHash: digest(hash, publicKeyBits(issuer)),
    serialNumber: serialNumberTlv(certificate),
  };
}

/** The DER of a CertID (hash AlgorithmIdentifier with NULL parameters, as OpenSSL writes it). */
export function encodeCertId(id: CertId): Uint8Array {
  return derSequence(
    derSequence(derOid(HASH_OIDS[id.hash]), derNull()),
    derOctetString(id.issuerNameHash),
    derOctetString(id.issuerKeyHash),
    id.serialNumber,
  );
}

/** A cache key for a CertID. */
export function certIdKey(id: CertId): string {
  return `${id.hash}:${Buffer.from(id.issuerNameHash).toString('hex')}:${Buffer.from(id.issuerKeyHash).toString('hex')}:${Buffer.from(id.serialNumber).toString('hex')}`;
}

/** A fresh 32-byte nonce. */
export function newNonce(): Uint8Array {
  return new Uint8Array(randomBytes(32));
}

/**
 * An unsigned OCSPRequest for one certificate, with the nonce extension (RFC 8954: the nonce as
 * an OCTET STRING inside extnValue) when `nonce` is given.
 */
export function buildOcspRequest(id: CertId, nonce?: Uint8Array): Uint8Array {
  const request = derSequence(encodeCertId(id));
  const extensions =
    nonce === undefined ? [] : [derExplicit(2, derSequence(derSequence(derOid(OCSP_NONCE_OID), derOctetString(derOctetString(nonce)))))];
  return derSequence(derSequence(derSequence(request), ...extensions));
}

/** One SingleResponse. */
export interface OcspSingleResponse {
  readonly certId: CertId;
  readonly status: 'good' | 'revoked' | 'unknown';
  readonly revocationTime?: Date | undefined;
  readonly reason?: CrlReason | undefined;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date | undefined;
}

/** A parsed OCSPResponse. */
export interface ParsedOcspResponse {
  /** OCSPResponseStatus: 0 successful, 1 malformedRequest, 2 internalError, 3 tryLater, 5 sigRequired, 6 unauthorized. */
  readonly responseStatus: number;
  /** The BasicOCSPResponse, for a successful response. */
  readonly basic?: BasicOcspResponse | undefined;
}

/** A parsed BasicOCSPResponse. */
export interface BasicOcspResponse {
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signature: Uint8Array;
  readonly responderId: { readonly byName: Uint8Array } | { readonly byKey: Uint8Array };
  readonly producedAt: Date;
  readonly responses: readonly OcspSingleResponse[];
  /** The nonce extension's extnValue contents, when present. */
  readonly nonce?: Uint8Array | undefined;
  /** Certificates carried to help verify the response (a delegated responder's). */
  readonly certificates: readonly Certificate[];
}

const FRACTIONAL = { fractionalSeconds: true } as const;

function generalizedTime(r: DerReader, what: string): Date {
  r.expect(Tag.GeneralizedTime, what);
  return new Date(decodeTime(r.bytes, r.tag, r.contentStart, r.contentEnd, FRACTIONAL));
}

function readCertId(r: DerReader): CertId | undefined {
  r.expect(Tag.SEQUENCE, 'CertID');
  r.enter();
  r.expect(Tag.SEQUENCE, 'hashAlgorithm');
  const alg = readAlgorithmIdentifier(r);
  r.expect(Tag.OCTET_STRING, 'issuerNameHash');
  const issuerNameHash = r.bytes.slice(r.contentStart, r.contentEnd);
  r.expect(Tag.OCTET_STRING, 'issuerKeyHash');
  const issuerKeyHash = r.bytes.slice(r.contentStart, r.contentEnd);
  r.expect(Tag.INTEGER, 'serialNumber');
  const serialNumber = r.bytes.slice(r.start, r.contentEnd);
  r.leave('CertID');
  const hash = HASH_BY_OID.get(alg.oid);
  return hash === undefined ? undefined : { hash, issuerNameHash, issuerKeyHash, serialNumber };
}

function readSingle(r: DerReader): OcspSingleResponse | undefined {
  r.expect(Tag.SEQUENCE, 'SingleResponse');
  r.enter();
  const certId = readCertId(r);
  const tag = r.next();
  let status: OcspSingleResponse['status'];
  let revocationTime: Date | undefined;
  let reason: CrlReason | undefined;
  if (tag === 0x80 || tag === 0x82) {
    if (r.contentEnd !== r.contentStart) throw new DerError('good / unknown must be NULL', r.start);
    status = tag === 0x80 ? 'good' : 'unknown';
  } else if (tag === 0xa1) {
    status = 'revoked';
    r.enter();
    revocationTime = generalizedTime(r, 'revocationTime');
    if (r.optional(0xa0)) {
      r.enter();
      r.expect(Tag.ENUMERATED, 'revocationReason');
      const code = r.contentEnd - r.contentStart === 1 ? (r.bytes[r.contentStart] ?? -1) : -1;
      reason = CRL_REASONS[code];
      if (reason === undefined) throw new DerError('invalid revocation reason', r.start);
      r.leave('revocationReason');
    }
    r.leave('RevokedInfo');
  } else {
    throw new DerError('invalid CertStatus', r.start);
  }
  const thisUpdate = generalizedTime(r, 'thisUpdate');
  let nextUpdate: Date | undefined;
  if (r.optional(0xa0)) {
    r.enter();
    nextUpdate = generalizedTime(r, 'nextUpdate');
    r.leave('nextUpdate');
  }
  if (r.optional(0xa1)) {
    r.enter();
    r.expect(Tag.SEQUENCE, 'singleExtensions');
    readExtensions(r, () => undefined);
    r.leave('singleExtensions');
  }
  r.leave('SingleResponse');
  return certId === undefined ? undefined : { certId, status, revocationTime, reason, thisUpdate, nextUpdate };
}

/** Reads an Extensions SEQUENCE (current TLV); calls `each` with OID, critical flag and extnValue content. */
function readExtensions(r: DerReader, each: (oid: string, critical: boolean, value: Uint8Array) => void): void {
  readExtensionList(r, (oid, critical, x) => {
    const value = x.bytes.slice(x.contentStart, x.contentEnd);
    if (critical && oid !== OCSP_NONCE_OID) throw new DerError(`unsupported critical OCSP extension ${oid}`, x.start);
    each(oid, critical, value);
  });
}

/**
 * Parses an OCSPResponse strictly (DER). SingleResponses whose CertID hash is not SHA-1, SHA-256
 * or SM3 are dropped; carried certificates must parse.
 *
 * @throws {DerError} when the response is malformed; a YizhengError `CERT_MALFORMED` for a carried
 *   certificate that does not parse.
 */
export function parseOcspResponse(der: Uint8Array): ParsedOcspResponse {
  const r = new DerReader(der);
  r.expect(Tag.SEQUENCE, 'OCSPResponse');
  r.finish('the OCSP response');
  r.enter();
  r.expect(Tag.ENUMERATED, 'responseStatus');
  if (r.contentEnd - r.contentStart !== 1) throw new DerError('invalid responseStatus', r.start);
  const responseStatus = der[r.contentStart] ?? -1;
  if (!r.optional(0xa0)) {
    r.leave('OCSPResponse');
    if (responseStatus === 0) throw new DerError('a successful response needs responseBytes', r.pos);
    return { responseStatus };
  }
  if (responseStatus !== 0) throw new DerError('responseBytes in an unsuccessful response', r.start);
  r.enter();
  r.expect(Tag.SEQUENCE, 'ResponseBytes');
  r.enter();
  r.expect(Tag.OID, 'responseType');
  const type = decodeOid(der, r.contentStart, r.contentEnd);
  if (type !== OCSP_BASIC_OID) throw new DerError(`unsupported OCSP response type ${type}`, r.start);
  r.expect(Tag.OCTET_STRING, 'response');
  r.enterEncapsulated();
  r.expect(Tag.SEQUENCE, 'BasicOCSPResponse');
  r.enter();
  r.expect(Tag.SEQUENCE, 'tbsResponseData');
  const tbs = der.slice(r.start, r.contentEnd);
  r.enter();
  if (r.optional(0xa0)) {
    r.enter();
    r.expect(Tag.INTEGER, 'version');
    throw new DerError('an explicit version is not DER (v1 is the default)', r.start);
  }
  let responderId: BasicOcspResponse['responderId'];
  const rid = r.next();
  if (rid === 0xa1) {
    r.enter();
    r.expect(Tag.SEQUENCE, 'responderID byName');
    responderId = { byName: der.slice(r.start, r.contentEnd) };
    r.leave('responderID');
  } else if (rid === 0xa2) {
    r.enter();
    r.expect(Tag.OCTET_STRING, 'responderID byKey');
    responderId = { byKey: der.slice(r.contentStart, r.contentEnd) };
    r.leave('responderID');
  } else {
    throw new DerError('invalid ResponderID', r.start);
  }
  const producedAt = generalizedTime(r, 'producedAt');
  r.expect(Tag.SEQUENCE, 'responses');
  r.enter();
  const responses: OcspSingleResponse[] = [];
  while (!r.done) {
    const single = readSingle(r);
    if (single !== undefined) responses.push(single);
  }
  r.leave('responses');
  let nonce: Uint8Array | undefined;
  if (r.optional(0xa1)) {
    r.enter();
    r.expect(Tag.SEQUENCE, 'responseExtensions');
    readExtensions(r, (oid, _critical, value) => {
      if (oid === OCSP_NONCE_OID) nonce = value;
    });
    r.leave('responseExtensions');
  }
  r.leave('tbsResponseData');
  r.expect(Tag.SEQUENCE, 'signatureAlgorithm');
  const signatureAlgorithm = readAlgorithmIdentifier(r);
  r.expect(Tag.BIT_STRING, 'signature');
  if (checkBitString(der, r.contentStart, r.contentEnd) !== 0) throw new DerError('signature has unused bits', r.start);
  const signature = der.slice(r.contentStart + 1, r.contentEnd);
  const certificates: Certificate[] = [];
  if (r.optional(0xa0)) {
    r.enter();
    r.expect(Tag.SEQUENCE, 'certs');
    r.enter();
    while (!r.done) {
      r.expect(Tag.SEQUENCE, 'Certificate');
      if (certificates.length >= 8) throw new DerError('too many certificates in the OCSP response', r.start);
      certificates.push(parseCertificate(der.slice(r.start, r.contentEnd)));
    }
    r.leave('certs');
    r.leave('certs');
  }
  r.leave('BasicOCSPResponse');
  r.leave('response');
  r.leave('ResponseBytes');
  r.leave('responseBytes');
  r.leave('OCSPResponse');
  return {
    responseStatus,
    basic: { tbs, signatureAlgorithm, signature, responderId, producedAt, responses, nonce, certificates },
  };
}

const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.compare(a, b) === 0;

function identifies(id: BasicOcspResponse['responderId'], c: Certificate): boolean {
  if ('byName' in id) return same(id.byName, c.subject.der);
  return same(id.byKey, digest('sha1', publicKeyBits(c)));
}

/**
 * The certificate whose key signed `basic`, authorised for `issuer` (RFC 6960 §4.2.2.2): the issuer
 * itself, or a responder certificate carried in the response, issued (and signed) by the issuer,
 * with id-kp-OCSPSigning, within its validity at `at`. Returns the reason when none qualifies.
 */
export function authorisedResponder(
  basic: BasicOcspResponse,
  issuer: Certificate,
  at: Date,
  verifyIssued: (child: Certificate, issuer: Certificate) => boolean,
): Certificate | string {
  if (identifies(basic.responderId, issuer)) return issuer;
  for (const c of basic.certificates) {
    if (!identifies(basic.responderId, c)) continue;
    if (!c.issuer.equals(issuer.subject)) return 'the responder certificate was not issued by the certificate issuer';
    if (c.extKeyUsage?.includes(OCSP_SIGNING_OID) !== true) return 'the responder certificate lacks id-kp-OCSPSigning';
    const t = at.getTime();
    if (t < c.notBefore.getTime() || t > c.notAfter.getTime()) return 'the responder certificate is not within its validity period';
    let ok = false;
    try {
      ok = verifyIssued(c, issuer);
    } catch (e) {
      if (!isYizhengError(e)) throw e;
    }
    if (!ok) return 'the responder certificate is not signed by the certificate issuer';
    return c;
  }
  return 'the response is signed neither by the issuer nor by an authorised responder it carries';
}

/** Options of {@link evaluateOcspResponse}. */
export interface OcspCheck {
  readonly at: Date;
  /** The nonce sent, if any. */
  readonly nonce?: Uint8Array | undefined;
  /** Refuse a response that does not echo the nonce. */
  readonly requireNonce: boolean;
  readonly clockSkewMs: number;
  /** Most age of thisUpdate at `at`; undefined for no limit beyond nextUpdate. */
  readonly maxAgeMs: number | undefined;
  readonly verifyIssued: (child: Certificate, issuer: Certificate) => boolean;
}

/** The usable answer for one certificate, or why there is none. */
export type OcspOutcome = { readonly ok: true; readonly single: OcspSingleResponse } | { readonly ok: false; readonly reason: string };

/** Freshness of a SingleResponse at `at` (thisUpdate not in the future beyond skew, nextUpdate not passed, max age). */
export function ocspFreshnessProblem(single: OcspSingleResponse, at: Date, skewMs: number, maxAgeMs: number | undefined): string | undefined {
  const t = at.getTime();
  if (single.thisUpdate.getTime() > t + skewMs) return `thisUpdate ${single.thisUpdate.toISOString()} is in the future`;
  if (single.nextUpdate !== undefined && single.nextUpdate.getTime() < t - skewMs) {
    return `the response expired at its nextUpdate ${single.nextUpdate.toISOString()}`;
  }
  if (maxAgeMs !== undefined && single.thisUpdate.getTime() < t - maxAgeMs - skewMs) {
    return `thisUpdate ${single.thisUpdate.toISOString()} is older than ${maxAgeMs} ms`;
  }
  return undefined;
}

/**
 * Decides whether a parsed response answers for `certificate` (issued by `issuer`): successful
 * status, authorised and valid signature, nonce echoed (when sent; required when `requireNonce`),
 * a SingleResponse for the certificate's CertID (any supported hash), fresh.
 */
export function evaluateOcspResponse(parsed: ParsedOcspResponse, certificate: Certificate, issuer: Certificate, o: OcspCheck): OcspOutcome {
  if (parsed.responseStatus !== 0 || parsed.basic === undefined) {
    return { ok: false, reason: `the responder answered with status ${parsed.responseStatus} (not successful)` };
  }
  const basic = parsed.basic;
  const signer = authorisedResponder(basic, issuer, o.at, o.verifyIssued);
  if (typeof signer === 'string') return { ok: false, reason: signer };
  const v = verifySignedData(signer, basic.signatureAlgorithm, basic.tbs, basic.signature);
  if (!v.ok) return { ok: false, reason: `the response signature is not valid: ${v.reason}` };
  if (o.nonce !== undefined) {
    if (basic.nonce === undefined) {
      if (o.requireNonce) return { ok: false, reason: 'the response does not echo the request nonce' };
    } else if (!same(basic.nonce, derOctetString(o.nonce)) && !same(basic.nonce, o.nonce)) {
      return { ok: false, reason: 'the response nonce does not match the request nonce' };
    }
  }
  const serial = serialNumberTlv(certificate);
  const ids = new Map<CertIdHash, CertId>();
  for (const single of basic.responses) {
    const id = single.certId;
    let mine = ids.get(id.hash);
    if (mine === undefined) {
      mine = certIdOf(certificate, issuer, id.hash);
      ids.set(id.hash, mine);
    }
    if (!same(id.serialNumber, serial) || !same(id.issuerNameHash, mine.issuerNameHash) || !same(id.issuerKeyHash, mine.issuerKeyHash)) continue;
    const stale = ocspFreshnessProblem(single, o.at, o.clockSkewMs, o.maxAgeMs);
    if (stale !== undefined) return { ok: false, reason: stale };
    return { ok: true, single };
  }
  return { ok: false, reason: 'the response has no answer for this certificate' };
}
