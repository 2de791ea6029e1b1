/**
 * OCSP responses for tests (RFC 6960 BasicOCSPResponse), signed by the CA or a delegated
 * responder, and a tiny responder that answers real requests (echoing their nonce).
 */
import { DerReader, Tag } from '../asn1/der';
import { decodeOid, integerToSignedHex } from '../asn1/decode';
import {
  derBitString,
  derEnumerated,
  derExplicit,
  derGeneralizedTime,
  derOctetString,
  derOid,
  derSequence,
  derTlv,
} from '../asn1/encode';
import type { Certificate } from '../cert/index';
import { CRL_REASONS, type CrlReason } from '../trust/crl';
import { OCSP_BASIC_OID, OCSP_NONCE_OID, certIdOf, digest, encodeCertId, publicKeyBits, type CertId, type CertIdHash } from '../trust/ocsp';
import { readAlgorithmIdentifier } from '../trust/signed';
import { encodeExtension, type TestIssuer } from './certificates';
import type { TestKey, TestSignatureHash } from './keys';

/** The answer for one certificate. */
export interface TestOcspAnswer {
  /** The certificate asked about (its issuer is the response's `issuer`), or a CertID from a request. */
  readonly certificate: Certificate | CertId;
  /** `good`, `revoked` or `unknown`. */
  readonly status: 'good' | 'revoked' | 'unknown';
  /** For `revoked`: revocationTime (default one hour before thisUpdate). */
  readonly revocationTime?: Date | undefined;
  /** For `revoked`: the reason. */
  readonly reason?: CrlReason | undefined;
  /** thisUpdate; default the response's producedAt. */
  readonly thisUpdate?: Date | undefined;
  /** nextUpdate; default one day after thisUpdate; null to leave it out. */
  readonly nextUpdate?: Date | null | undefined;
}

/** OCSPResponseStatus names. */
export type OcspResponseStatusName = 'successful' | 'malformedRequest' | 'internalError' | 'tryLater' | 'sigRequired' | 'unauthorized';

const STATUS_CODES: Readonly<Record<OcspResponseStatusName, number>> = {
  successful: 0,
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  sigRequired: 5,
  unauthorized: 6,
};

/** Options of {@link createOcspResponse}. */
export interface CreateOcspResponseOptions {
  /** The CA that issued the certificates asked about. */
  readonly issuer: TestIssuer;
  /**
   * Who signs: the issuer (default), or a delegated responder the issuer certified with
   * id-kp-OCSPSigning (its certificate is carried in the response unless `certificates` says otherwise).
   */
  readonly responder?: TestIssuer | undefined;
  /** The answers. */
  readonly answers: readonly TestOcspAnswer[];
  /** Nonce to echo (the request's), as RFC 8954 encodes it. */
  readonly nonce?: Uint8Array | undefined;
  /** producedAt; default now. */
  readonly producedAt?: Date | undefined;
  /** ResponderID by `name` (default) or by `key` hash. */
  readonly responderId?: 'name' | 'key' | undefined;
  /** Certificates to carry; default the delegated responder's certificate, none for the issuer. */
  readonly certificates?: readonly Certificate[] | undefined;
  /** CertID hash for answers given as certificates; default sha1. */
  readonly hash?: CertIdHash | undefined;
  /** Response status; anything but `successful` makes a response without a body. */
  readonly responseStatus?: OcspResponseStatusName | undefined;
  /** Sign with another key (a response whose signature is wrong). */
  readonly signWith?: TestKey | undefined;
  /** Hash for RSA / ECDSA signatures; default sha256. */
  readonly signatureHash?: TestSignatureHash | undefined;
}

const HOUR = 3_600_000;

function isCertId(v: Certificate | CertId): v is CertId {
  return 'issuerKeyHash' in v;
}

/** An OCSPResponse DER (RFC 6960 §4.2.1) for tests. */
export function createOcspResponse(options: CreateOcspResponseOptions): Uint8Array {
  const status = STATUS_CODES[options.responseStatus ?? 'successful'];
  if (status !== 0) return derSequence(derEnumerated(status));
  const responder = options.responder ?? options.issuer;
  const signer = options.signWith ?? responder.key;
  const producedAt = options.producedAt ?? new Date();
  const singles = options.answers.map((a) => {
    const id = isCertId(a.certificate) ? a.certificate : certIdOf(a.certificate, options.issuer.certificate, options.hash ?? 'sha1');
    const thisUpdate = a.thisUpdate ?? producedAt;
    const nextUpdate = a.nextUpdate === undefined ? new Date(thisUpdate.getTime() + 24 * HOUR) : a.nextUpdate;
    let certStatus: Uint8Array;
    if (a.status === 'good') certStatus = Uint8Array.of(0x80, 0);
    else if (a.status === 'unknown') certStatus = Uint8Array.of(0x82, 0);
    else {
      const time = derGeneralizedTime(a.revocationTime ?? new Date(thisUpdate.getTime() - HOUR));
      const reason = a.reason === undefined ? [] : [derExplicit(0, derEnumerated(CRL_REASONS.indexOf(a.reason)))];
      certStatus = derTlv(0xa1, time, ...reason);
    }
    return derSequence(
      encodeCertId(id),
      certStatus,
      derGeneralizedTime(thisUpdate),
      ...(nextUpdate === null ? [] : [derExplicit(0, derGeneralizedTime(nextUpdate))]),
    );
  });
  const responderId =
    options.responderId === 'key'
      ? derExplicit(2, derOctetString(digest('sha1', publicKeyBits(responder.certificate))))
      : derExplicit(1, responder.certificate.subject.der);
  const extensions =
    options.nonce === undefined ? [] : [derExplicit(1, derSequence(encodeExtension(OCSP_NONCE_OID, false, derOctetString(options.nonce))))];
  const tbs = derSequence(responderId, derGeneralizedTime(producedAt), derSequence(...singles), ...extensions);
  const algorithm = signer.signatureAlgorithm(options.signatureHash);
  const carried = options.certificates ?? (options.responder !== undefined ? [options.responder.certificate] : []);
  const basic = derSequence(
    tbs,
    algorithm,
    derBitString(signer.sign(tbs, options.signatureHash)),
    ...(carried.length > 0 ? [derExplicit(0, derSequence(...carried.map((c) => c.der)))] : []),
  );
  return derSequence(derEnumerated(0), derExplicit(0, derSequence(derOid(OCSP_BASIC_OID), derOctetString(basic))));
}

/** What an OCSP request asks. */
export interface TestOcspRequest {
  /** The CertIDs asked about, with their serial numbers (uppercase hex). */
  readonly requests: ReadonlyArray<{ readonly certId: CertId; readonly serialNumber: string }>;
  /** The nonce (the inner OCTET STRING's contents), when sent. */
  readonly nonce?: Uint8Array | undefined;
}

const HASHES: ReadonlyMap<string, CertIdHash> = new Map([
  ['1.3.14.3.2.26', 'sha1'],
  ['2.16.840.1.101.3.4.2.1', 'sha256'],
  ['1.2.156.10197.1.401', 'sm3'],
]);

/** Reads an unsigned OCSPRequest (what a test responder receives). */
export function readOcspRequest(der: Uint8Array): TestOcspRequest {
  const r = new DerReader(der);
  r.expect(Tag.SEQUENCE, 'OCSPRequest');
  r.enter();
  r.expect(Tag.SEQUENCE, 'tbsRequest');
  r.enter();
  r.optional(0xa0);
  r.optional(0xa1);
  r.expect(Tag.SEQUENCE, 'requestList');
  r.enter();
  const requests: Array<{ certId: CertId; serialNumber: string }> = [];
  while (!r.done) {
    r.expect(Tag.SEQUENCE, 'Request');
    r.enter();
    r.expect(Tag.SEQUENCE, 'CertID');
    r.enter();
    r.expect(Tag.SEQUENCE, 'hashAlgorithm');
    const alg = readAlgorithmIdentifier(r);
    r.expect(Tag.OCTET_STRING, 'issuerNameHash');
    const issuerNameHash = der.slice(r.contentStart, r.contentEnd);
    r.expect(Tag.OCTET_STRING, 'issuerKeyHash');
    const issuerKeyHash = der.slice(r.contentStart, r.contentEnd);
    r.expect(Tag.INTEGER, 'serialNumber');
    const serialNumber = der.slice(r.start, r.contentEnd);
    const serialHex = integerToSignedHex(der, r.contentStart, r.contentEnd);
    r.leave('CertID');
    r.optional(0xa0);
    r.leave('Request');
    const hash = HASHES.get(alg.oid);
    if (hash === undefined) throw new RangeError(`unsupported CertID hash ${alg.oid}`);
    requests.push({ certId: { hash, issuerNameHash, issuerKeyHash, serialNumber }, serialNumber: serialHex });
  }
  r.leave('requestList');
  let nonce: Uint8Array | undefined;
  if (r.optional(0xa2)) {
    r.enter();
    r.expect(Tag.SEQUENCE, 'requestExtensions');
    r.enter();
    while (!r.done) {
      r.expect(Tag.SEQUENCE, 'Extension');
      r.enter();
      r.expect(Tag.OID, 'extnID');
      const oid = decodeOid(der, r.contentStart, r.contentEnd);
      r.optional(Tag.BOOLEAN);
      r.expect(Tag.OCTET_STRING, 'extnValue');
      if (oid === OCSP_NONCE_OID) {
        r.enterEncapsulated();
        r.expect(Tag.OCTET_STRING, 'nonce');
        nonce = der.slice(r.contentStart, r.contentEnd);
        r.leave('nonce');
      }
      r.leave('Extension');
    }
    r.leave('requestExtensions');
    r.leave('requestExtensions');
  }
  return { requests, nonce };
}

/** Options of {@link createOcspResponder}: those of {@link createOcspResponse} but the answers and nonce. */
export interface TestOcspResponderOptions extends Omit<CreateOcspResponseOptions, 'answers' | 'nonce'> {
  /** The status of a serial number (uppercase hex); default `good`. */
  readonly statusOf?: ((serialNumber: string) => Omit<TestOcspAnswer, 'certificate'>) | undefined;
  /** Echo the request nonce (default true). */
  readonly echoNonce?: boolean | undefined;
}

/**
 * A responder function: OCSPRequest DER in, OCSPResponse DER out, answering every CertID of the
 * request and echoing its nonce. Wire it to an injected `fetch`:
 *
 * ```ts
 * const respond = createOcspResponder({ issuer: ca, statusOf: (s) => ({ status: s === revokedSerial ? 'revoked' : 'good' }) });
 * const fetch = async (_url: string, init: RequestInit) => new Response(respond(new Uint8Array(init.body as Uint8Array)));
 * ```
 */
export function createOcspResponder(options: TestOcspResponderOptions): (request: Uint8Array) => Uint8Array {
  return (request) => {
    const req = readOcspRequest(request);
    const answers = req.requests.map((q) => ({ ...(options.statusOf?.(q.serialNumber) ?? { status: 'good' as const }), certificate: q.certId }));
    return createOcspResponse({ ...options, answers, nonce: options.echoNonce === false ? undefined : req.nonce });
  };
}
