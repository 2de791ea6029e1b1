/**
 * Strict DER decoding of PKCS#7 / CMS SignedData (RFC 2315, RFC 5652) and its GM/T 0010-2012
 * variant, as vendor clients return it from `SOF_SignMessage` / `SignMsgPKCS7`.
 *
 * Accepted (anything else is `SIGNATURE_MALFORMED`):
 * - ContentInfo with content type `1.2.840.113549.1.7.2` (signedData) or `1.2.156.10197.6.1.4.2.2`
 *   (GM/T 0010 signedData) and an explicit `[0]` content;
 * - strict DER throughout: BER indefinite lengths (OpenSSL's `-stream` output) and constructed
 *   OCTET STRINGs are rejected;
 * - the encapsulated content, when present (attached), is one primitive OCTET STRING;
 * - SignedData version 1, 3, 4 or 5; exactly one SignerInfo, version 1 with issuerAndSerialNumber or
 *   version 3 with `[0]` subjectKeyIdentifier, whose digest algorithm is listed in digestAlgorithms;
 * - AlgorithmIdentifier parameters are absent, NULL, or kept for the caller to check;
 * - signed attributes, when present, hold exactly one content-type and one message-digest
 *   attribute (RFC 5652 §5.3), each with exactly one value, and no attribute type twice;
 * - certificates (`[0]`) are collected when they are X.509 certificates (other choices are
 *   skipped); CRLs (`[1]`) and unsigned attributes are skipped.
 *
 * @internal
 */
import { DerError, Tag, checkInteger, decodeOid, integerToNumber, type Tlv } from '../asn1/index';
import { YizhengError } from '../errors/index';
import { Region } from './der-region';

export const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
export const OID_GM_SIGNED_DATA = '1.2.156.10197.6.1.4.2.2';
const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';

/** An AlgorithmIdentifier: OID and the DER of its parameters unless absent or NULL. */
export interface AlgorithmId {
  readonly oid: string;
  readonly parameters: Uint8Array | undefined;
}

/** How the SignerInfo names its certificate. */
export type SignerId =
  | { readonly kind: 'issuerSerial'; readonly issuer: Uint8Array; readonly serial: Uint8Array }
  | { readonly kind: 'ski'; readonly keyId: Uint8Array };

/** The decoded signed attributes. */
export interface SignedAttributes {
  /** The DER that was signed: the `[0]` field re-tagged as `SET OF` (RFC 5652 §5.4). */
  readonly der: Uint8Array;
  readonly contentType: string;
  readonly messageDigest: Uint8Array;
}

/** The parts of a SignedData that verification needs. */
export interface SignedDataParts {
  readonly contentType: string;
  readonly eContentType: string;
  /** The attached content, or undefined when detached. */
  readonly content: Uint8Array | undefined;
  /** DER of each X.509 certificate in `certificates`. */
  readonly certificates: readonly Uint8Array[];
  readonly signerId: SignerId;
  readonly digestAlgorithm: AlgorithmId;
  readonly signedAttributes: SignedAttributes | undefined;
  readonly signatureAlgorithm: AlgorithmId;
  readonly signature: Uint8Array;
}

function malformed(reason: string): YizhengError {
  return new YizhengError('SIGNATURE_MALFORMED', { reason: `CMS SignedData: ${reason}` });
}

/** Checks a DER INTEGER's content (non-empty, minimal) and returns the TLV. */
export function integerTlv(b: Uint8Array, t: Tlv): Tlv {
  checkInteger(b, t.contentStart, t.end);
  return t;
}

/** A small DER INTEGER as a number. */
export function intOf(b: Uint8Array, t: Tlv): number {
  return integerToNumber(b, t.contentStart, t.end);
}

function oidOf(b: Uint8Array, t: Tlv): string {
  return decodeOid(b, t.contentStart, t.end);
}

/** Reads an AlgorithmIdentifier SEQUENCE. */
export function readAlgorithm(r: Region, what: string): AlgorithmId {
  const b = r.bytes;
  const ar = r.enter(r.expect(Tag.SEQUENCE, what));
  const oid = oidOf(b, ar.expect(Tag.OID, `${what} OID`));
  let parameters: Uint8Array | undefined;
  if (!ar.done) {
    const p = ar.next();
    if (p.tag === Tag.NULL) {
      if (p.end !== p.contentStart) throw new DerError('NULL must be empty', p.start);
    } else {
      parameters = b.slice(p.start, p.end);
    }
  }
  ar.finish(what);
  return { oid, parameters };
}

function readSignedAttributes(b: Uint8Array, r: Region, tlv: Tlv): SignedAttributes {
  const ar = r.enter(tlv);
  if (ar.done) throw new DerError('empty signed attributes', tlv.start);
  let contentType: string | undefined;
  let messageDigest: Uint8Array | undefined;
  const seen = new Set<string>();
  while (!ar.done) {
    const attr = ar.enter(ar.expect(Tag.SEQUENCE, 'Attribute'));
    const type = oidOf(b, attr.expect(Tag.OID, 'attribute type'));
    const valuesTlv = attr.expect(Tag.SET, 'attribute values');
    attr.finish('Attribute');
    if (seen.has(type)) throw new DerError(`attribute ${type} appears twice`, valuesTlv.start);
    seen.add(type);
    const values = attr.enter(valuesTlv);
    if (values.done) throw new DerError(`attribute ${type} has no value`, valuesTlv.start);
    if (type === OID_CONTENT_TYPE) {
      contentType = oidOf(b, values.expect(Tag.OID, 'content-type value'));
      values.finish('content-type attribute (one value)');
    } else if (type === OID_MESSAGE_DIGEST) {
      const d = values.expect(Tag.OCTET_STRING, 'message-digest value');
      values.finish('message-digest attribute (one value)');
      messageDigest = b.slice(d.contentStart, d.end);
    }
  }
  if (contentType === undefined) throw new DerError('signed attributes without content-type', tlv.start);
  if (messageDigest === undefined) throw new DerError('signed attributes without message-digest', tlv.start);
  const der = b.slice(tlv.start, tlv.end);
  der[0] = Tag.SET;
  return { der, contentType, messageDigest };
}

/**
 * Decodes a ContentInfo holding SignedData.
 *
 * @throws {YizhengError} `SIGNATURE_MALFORMED` with the reason and byte offset.
 */
export function parseSignedData(bytes: Uint8Array): SignedDataParts {
  try {
    return decode(bytes);
  } catch (e) {
    if (e instanceof DerError) throw malformed(e.message);
    throw e;
  }
}

function decode(b: Uint8Array): SignedDataParts {
  const top = new Region(b);
  const ci = top.enter(top.expect(Tag.SEQUENCE, 'ContentInfo'));
  top.finish('ContentInfo');
  const ctTlv = ci.expect(Tag.OID, 'contentType');
  const contentType = oidOf(b, ctTlv);
  if (contentType !== OID_SIGNED_DATA && contentType !== OID_GM_SIGNED_DATA) {
    throw new DerError(`content type ${contentType} is not signedData`, ctTlv.start);
  }
  const wrap = ci.enter(ci.expect(0xa0, 'content [0]'));
  ci.finish('ContentInfo');
  const sd = wrap.enter(wrap.expect(Tag.SEQUENCE, 'SignedData'));
  wrap.finish('content [0]');

  const versionTlv = sd.expect(Tag.INTEGER, 'SignedData version');
  const version = intOf(b, versionTlv);
  if (version !== 1 && version !== 3 && version !== 4 && version !== 5) {
    throw new DerError(`SignedData version ${version}`, versionTlv.start);
  }
  const digestAlgs = sd.enter(sd.expect(Tag.SET, 'digestAlgorithms'));
  const listedDigests = new Set<string>();
  while (!digestAlgs.done) listedDigests.add(readAlgorithm(digestAlgs, 'digest AlgorithmIdentifier').oid);

  const eci = sd.enter(sd.expect(Tag.SEQUENCE, 'encapContentInfo'));
  const eContentType = oidOf(b, eci.expect(Tag.OID, 'eContentType'));
  let content: Uint8Array | undefined;
  const eWrap = eci.optional(0xa0);
  if (eWrap !== undefined) {
    const er = eci.enter(eWrap);
    const oct = er.expect(Tag.OCTET_STRING, 'eContent OCTET STRING');
    er.finish('eContent [0]');
    content = b.slice(oct.contentStart, oct.end);
  }
  eci.finish('encapContentInfo');

  const certificates: Uint8Array[] = [];
  const certsTlv = sd.optional(0xa0);
  if (certsTlv !== undefined) {
    const cr = sd.enter(certsTlv);
    while (!cr.done) {
      const c = cr.next();
      if (c.tag === Tag.SEQUENCE) certificates.push(b.slice(c.start, c.end));
    }
  }
  const crls = sd.optional(0xa1);
  if (crls !== undefined) sd.enter(crls); // well-formed header; contents not used

  const infos = sd.enter(sd.expect(Tag.SET, 'signerInfos'));
  sd.finish('SignedData');
  if (infos.done) throw new DerError('no SignerInfo', infos.pos);
  const si = infos.enter(infos.expect(Tag.SEQUENCE, 'SignerInfo'));
  if (!infos.done) throw new DerError('more than one SignerInfo', infos.pos);

  const siVersionTlv = si.expect(Tag.INTEGER, 'SignerInfo version');
  const siVersion = intOf(b, siVersionTlv);
  let signerId: SignerId;
  // RFC 5652 §5.3: version 1 with issuerAndSerialNumber, 3 with subjectKeyIdentifier.
  if (siVersion !== (si.peek() === 0x80 ? 3 : 1)) {
    throw new DerError(`SignerInfo version ${siVersion} does not match its signer identifier`, siVersionTlv.start);
  }
  if (si.peek() === 0x80) {
    const t = si.next();
    signerId = { kind: 'ski', keyId: b.slice(t.contentStart, t.end) };
  } else {
    const ias = si.enter(si.expect(Tag.SEQUENCE, 'issuerAndSerialNumber'));
    const issuer = ias.expect(Tag.SEQUENCE, 'issuer');
    const serial = integerTlv(b, ias.expect(Tag.INTEGER, 'serialNumber'));
    ias.finish('issuerAndSerialNumber');
    signerId = {
      kind: 'issuerSerial',
      issuer: b.slice(issuer.start, issuer.end),
      serial: b.slice(serial.contentStart, serial.end),
    };
  }
  const digestTlvStart = si.pos;
  const digestAlgorithm = readAlgorithm(si, 'digestAlgorithm');
  if (!listedDigests.has(digestAlgorithm.oid)) {
    throw new DerError('the signer\'s digest algorithm is not listed in digestAlgorithms', digestTlvStart);
  }
  const attrsTlv = si.optional(0xa0);
  const signedAttributes = attrsTlv === undefined ? undefined : readSignedAttributes(b, si, attrsTlv);
  const signatureAlgorithm = readAlgorithm(si, 'signatureAlgorithm');
  const sigTlv = si.expect(Tag.OCTET_STRING, 'signature');
  const unsigned = si.optional(0xa1);
  if (unsigned !== undefined) si.enter(unsigned);
  si.finish('SignerInfo');
  return {
    contentType,
    eContentType,
    content,
    certificates,
    signerId,
    digestAlgorithm,
    signedAttributes,
    signatureAlgorithm,
    signature: b.slice(sigTlv.contentStart, sigTlv.end),
  };
}

/**
 * The issuer Name DER and serial INTEGER content of a certificate's DER, read structurally
 * (Certificate → tbsCertificate → [0] version? → serialNumber → signature → issuer).
 */
export function issuerAndSerial(certDer: Uint8Array): { issuer: Uint8Array; serial: Uint8Array } {
  const top = new Region(certDer);
  const cert = top.enter(top.expect(Tag.SEQUENCE, 'Certificate'));
  const tbs = cert.enter(cert.expect(Tag.SEQUENCE, 'tbsCertificate'));
  tbs.optional(0xa0);
  const serial = integerTlv(certDer, tbs.expect(Tag.INTEGER, 'serialNumber'));
  tbs.expect(Tag.SEQUENCE, 'signature');
  const issuer = tbs.expect(Tag.SEQUENCE, 'issuer');
  return {
    issuer: certDer.subarray(issuer.start, issuer.end),
    serial: certDer.subarray(serial.contentStart, serial.end),
  };
}
