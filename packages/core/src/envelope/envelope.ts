/**
 * Sealing and opening digital envelopes (数字信封): CMS EnvelopedData (RFC 5652), AuthEnvelopedData
 * with AES-GCM (RFC 5083, RFC 5084) and the Chinese GM/T 0010-2012 / GB/T 35275-2017 envelopedData
 * with SM2 key transport and SM4-CBC. Server side: content ciphers and RSA come from Node's crypto
 * (OpenSSL); SM2 from the pure-JS `sm2-cipher.ts`.
 *
 * @internal
 */
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  constants,
  KeyObject,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
} from 'node:crypto';
import { DerError, Tag, checkInteger, decodeOid, integerToNumber, type Tlv } from '../asn1/index';
import { concatBytes, derExplicit, derInteger, derNull, derOctetString, derOid, derSequence, derSet, derTlv } from '../asn1/encode';
import { Certificate, parseCertificate, type CertificateInput } from '../cert/index';
import { Region } from '../crypto/der-region';
import { issuerAndSerial } from '../crypto/cms';
import { YizhengError } from '../errors/index';
import { encodeSm2Ciphertext, sm2Decrypt, sm2EncryptParts, sm2PublicKeyOf } from './sm2-cipher';

/** Largest content {@link sealEnvelope} seals (64 MiB). */
export const MAX_ENVELOPE_CONTENT_BYTES = 64 * 1024 * 1024;
/** Largest envelope {@link openEnvelope} reads: the content limit plus 1 MiB for the recipients. */
export const MAX_ENVELOPE_BYTES = MAX_ENVELOPE_CONTENT_BYTES + 1024 * 1024;
/** Most recipients an envelope may have, sealing or opening. */
export const MAX_ENVELOPE_RECIPIENTS = 16;

/** Object identifiers of the envelope formats and algorithms. */
export const ENVELOPE_OID = {
  /** id-data (RFC 5652), the inner content type of RSA envelopes. */
  data: '1.2.840.113549.1.7.1',
  /** id-envelopedData (RFC 5652). */
  envelopedData: '1.2.840.113549.1.7.3',
  /** id-ct-authEnvelopedData (RFC 5083), for AES-GCM. */
  authEnvelopedData: '1.2.840.113549.1.9.16.1.23',
  /** GM/T 0010 data, the inner content type of SM2 envelopes. */
  gmData: '1.2.156.10197.6.1.4.2.1',
  /** GM/T 0010 envelopedData. */
  gmEnvelopedData: '1.2.156.10197.6.1.4.2.3',
  /** RSAES-PKCS1-v1_5 key transport (RFC 8017). */
  rsaEncryption: '1.2.840.113549.1.1.1',
  /** RSAES-OAEP key transport (RFC 8017, RFC 4055). */
  rsaesOaep: '1.2.840.113549.1.1.7',
  /** MGF1, the OAEP mask generation function. */
  mgf1: '1.2.840.113549.1.1.8',
  /** OAEP pSpecified (the label). */
  pSpecified: '1.2.840.113549.1.1.9',
  /** SM2 (some writers use it for SM2 key transport; read only). */
  sm2: '1.2.156.10197.1.301',
  /** sm2encrypt (GM/T 0006), SM2 key transport. */
  sm2Encrypt: '1.2.156.10197.1.301.3',
  /** SM4 in CBC mode (GM/T 0006), the IV as parameter. */
  sm4Cbc: '1.2.156.10197.1.104.2',
  /** AES-128-CBC (RFC 3565; read only). */
  aes128Cbc: '2.16.840.1.101.3.4.1.2',
  /** AES-192-CBC (RFC 3565; read only). */
  aes192Cbc: '2.16.840.1.101.3.4.1.22',
  /** AES-256-CBC (RFC 3565). */
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  /** AES-128-GCM (RFC 5084; read only). */
  aes128Gcm: '2.16.840.1.101.3.4.1.6',
  /** AES-192-GCM (RFC 5084; read only). */
  aes192Gcm: '2.16.840.1.101.3.4.1.26',
  /** AES-256-GCM (RFC 5084). */
  aes256Gcm: '2.16.840.1.101.3.4.1.46',
  /** SHA-1 (OAEP hash; read only). */
  sha1: '1.3.14.3.2.26',
  /** SHA-256 (OAEP hash). */
  sha256: '2.16.840.1.101.3.4.2.1',
  /** SHA-384 (OAEP hash; read only). */
  sha384: '2.16.840.1.101.3.4.2.2',
  /** SHA-512 (OAEP hash; read only). */
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

const O = ENVELOPE_OID;

/** Options of {@link sealEnvelope}. */
export interface SealEnvelopeOptions {
  /** The content to seal (at most {@link MAX_ENVELOPE_CONTENT_BYTES}). */
  readonly content: Uint8Array;
  /**
   * The recipients' encryption certificates (1 to {@link MAX_ENVELOPE_RECIPIENTS}), all SM2 or all
   * RSA: parsed certificates, or PEM / DER / base64.
   */
  readonly recipients: readonly (Certificate | CertificateInput)[];
  /** RSA key transport: RSAES-OAEP with SHA-256 and MGF1-SHA-256 (default), or PKCS#1 v1.5. */
  readonly rsa?:
    | {
        /** `oaep` (default): RSAES-OAEP, SHA-256, MGF1-SHA-256; `pkcs1`: rsaEncryption, PKCS#1 v1.5. */
        readonly padding?: 'oaep' | 'pkcs1' | undefined;
      }
    | undefined;
  /**
   * Content cipher for RSA recipients: AES-256-CBC (EnvelopedData, the default) or AES-256-GCM
   * (AuthEnvelopedData, authenticated). SM2 recipients always get SM4-CBC (GM/T 0010); giving
   * this option with SM2 recipients is an error.
   */
  readonly contentCipher?: 'aes-256-cbc' | 'aes-256-gcm' | undefined;
}

/**
 * The private key that opens an envelope: a Node KeyObject (RSA, or SM2 as OpenSSL loads it), a
 * PEM string (PKCS#8, PKCS#1 or SEC 1 `EC PRIVATE KEY`, unencrypted), or an SM2 private key as its
 * 32 big-endian bytes.
 */
export type EnvelopePrivateKey =
  | KeyObject
  | {
      /** The SM2 private key d, 32 bytes big-endian. */
      readonly sm2: Uint8Array;
    }
  | string;

/** Options of {@link openEnvelope}. */
export interface OpenEnvelopeOptions {
  /** The envelope: DER of the ContentInfo (at most {@link MAX_ENVELOPE_BYTES}). */
  readonly envelope: Uint8Array;
  /** The recipient's private key. */
  readonly privateKey: EnvelopePrivateKey;
  /** The recipient's encryption certificate (names the RecipientInfo to use). */
  readonly certificate: Certificate | CertificateInput;
}

function invalid(reason: string, argument?: string): YizhengError {
  return new YizhengError('INVALID_ARGUMENT', { reason, ...(argument !== undefined && { argument }) });
}

function malformed(reason: string): YizhengError {
  return new YizhengError('ENVELOPE_MALFORMED', { reason });
}

function decryptFailed(reason: string): YizhengError {
  return new YizhengError('ENVELOPE_DECRYPT_FAILED', { reason });
}

/**
 * The one reason given when an RSA content key or the content does not decrypt: an RSA key that does
 * not decrypt, a content key of the wrong length, bad CBC padding and a GCM tag that does not verify
 * must read the same, or the differences are a Bleichenbacher oracle on PKCS#1 v1.5 (OpenSSL's
 * implicit rejection returns a pseudo-random message of pseudo-random length for bad padding, so
 * "wrong length" would tell bad padding from good).
 */
const NOT_OPENED = 'the content does not decrypt: wrong private key or content key, or the envelope was altered';

function toCertificate(input: Certificate | CertificateInput): Certificate {
  return input instanceof Certificate ? input : parseCertificate(input);
}

function u8(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

// ---------------------------------------------------------------------------------------------
// Sealing

interface Recipient {
  readonly cert: Certificate;
  readonly kind: 'sm2' | 'rsa';
  readonly rid: Uint8Array;
}

function recipientOf(input: Certificate | CertificateInput, index: number): Recipient {
  const cert = toCertificate(input);
  const key = cert.publicKey;
  if (key.algorithm !== 'sm2' && key.algorithm !== 'rsa') {
    throw invalid(`recipient ${index} (${cert.subject.toString()}) has a ${key.algorithm} key: only SM2 and RSA certificates can receive envelopes`, 'recipients');
  }
  const ku = cert.keyUsage;
  if (ku !== undefined && !ku.includes('keyEncipherment') && !ku.includes('dataEncipherment')) {
    throw invalid(
      `recipient ${index} (${cert.subject.toString()}, serial ${cert.serialNumber}) is not an encryption certificate (keyUsage ${ku.join(', ') || 'empty'}): seal to the encryption certificate, which allows keyEncipherment or dataEncipherment`,
      'recipients',
    );
  }
  const { issuer, serial } = issuerAndSerial(cert.der);
  return { cert, kind: key.algorithm, rid: derSequence(issuer, derTlv(Tag.INTEGER, serial)) };
}

/** Each certificate's RSA public key as a KeyObject (making one costs about 0.1 ms). */
const rsaKeys = new WeakMap<Certificate, KeyObject>();

function rsaPublicKeyOf(cert: Certificate): KeyObject {
  let k = rsaKeys.get(cert);
  if (k === undefined) {
    k = createPublicKey({ key: Buffer.from(cert.publicKey.spki), format: 'der', type: 'spki' });
    rsaKeys.set(cert, k);
  }
  return k;
}

/** The modulus (base64url) of each RSA private key seen, for the key-matches-certificate check. */
const rsaModuli = new WeakMap<KeyObject, string | undefined>();

function modulusOf(key: KeyObject): string | undefined {
  if (!rsaModuli.has(key)) rsaModuli.set(key, (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'jwk' }).n);
  return rsaModuli.get(key);
}

const OAEP_SHA256_PARAMS = derSequence(
  derExplicit(0, derSequence(derOid(O.sha256))),
  derExplicit(1, derSequence(derOid(O.mgf1), derSequence(derOid(O.sha256)))),
);

function encryptKey(r: Recipient, cek: Uint8Array, padding: 'oaep' | 'pkcs1'): { alg: Uint8Array; encrypted: Uint8Array } {
  const key = r.cert.publicKey;
  if (key.algorithm === 'sm2') {
    return { alg: derSequence(derOid(O.sm2Encrypt)), encrypted: encodeSm2Ciphertext(sm2EncryptParts(key.point, cek)) };
  }
  const publicKey = rsaPublicKeyOf(r.cert);
  if (padding === 'pkcs1') {
    const encrypted = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, cek);
    return { alg: derSequence(derOid(O.rsaEncryption), derNull()), encrypted: u8(encrypted) };
  }
  const encrypted = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, cek);
  return { alg: derSequence(derOid(O.rsaesOaep), OAEP_SHA256_PARAMS), encrypted: u8(encrypted) };
}

/**
 * Seals `content` to one or more recipients' encryption certificates and returns the DER of a CMS
 * ContentInfo:
 *
 * - SM2 recipients: GM/T 0010-2012 / GB/T 35275-2017 envelopedData (`1.2.156.10197.6.1.4.2.3`),
 *   each KeyTransRecipientInfo naming its certificate by issuerAndSerialNumber, with key encryption
 *   sm2encrypt (`1.2.156.10197.1.301.3`) and the SM2 ciphertext of the 16-byte content key in its
 *   GM/T 0009 ASN.1 form; content SM4-CBC (`1.2.156.10197.1.104.2`, the IV as parameter), inner
 *   content type gmData; EnvelopedData and KeyTransRecipientInfo version 1, as GM/T 0010 and GmSSL
 *   have them (sm2encrypt without parameters, as GmSSL requires);
 * - RSA recipients: RFC 5652 EnvelopedData (`1.2.840.113549.1.7.3`), key transport RSAES-OAEP
 *   (RFC 8017, SHA-256 and MGF1-SHA-256 stated in the parameters) or, with `rsa.padding: 'pkcs1'`,
 *   rsaEncryption (PKCS#1 v1.5, for old openers); content AES-256-CBC (RFC 3565), or with
 *   `contentCipher: 'aes-256-gcm'` an RFC 5083 AuthEnvelopedData (`1.2.840.113549.1.9.16.1.23`)
 *   with AES-256-GCM (RFC 5084, 12-byte nonce, 16-byte tag).
 *
 * Integrity: EnvelopedData (both CBC forms) has none. SM2's C3 hash authenticates the content key,
 * not the content, and a CBC ciphertext can be altered without the padding check noticing; an
 * opener cannot tell an altered envelope from the original. A platform that needs to know the bid
 * is the supplier's, unaltered, must also have it signed (a SignedData over the content, sealed,
 * or over the envelope), or use AES-GCM for RSA recipients.
 *
 * @throws {YizhengError} `INVALID_ARGUMENT` for no, too many, duplicate or mixed SM2 / RSA
 *   recipients, a certificate whose keyUsage forbids encryption (a signing certificate), a key
 *   other than SM2 or RSA, or a content cipher given for SM2 recipients; `INPUT_TOO_LARGE` for
 *   content over {@link MAX_ENVELOPE_CONTENT_BYTES}; `CERT_MALFORMED` for a certificate that does
 *   not parse.
 */
export function sealEnvelope(options: SealEnvelopeOptions): Uint8Array {
  const { content, recipients } = options;
  if (!(content instanceof Uint8Array)) throw invalid('content must be a Uint8Array', 'content');
  if (content.length > MAX_ENVELOPE_CONTENT_BYTES) throw new YizhengError('INPUT_TOO_LARGE', { what: 'envelope content', limit: MAX_ENVELOPE_CONTENT_BYTES });
  if (!Array.isArray(recipients) || recipients.length === 0) throw invalid('at least one recipient certificate is required', 'recipients');
  if (recipients.length > MAX_ENVELOPE_RECIPIENTS) throw invalid(`at most ${MAX_ENVELOPE_RECIPIENTS} recipients`, 'recipients');
  const padding = options.rsa?.padding ?? 'oaep';
  if (padding !== 'oaep' && padding !== 'pkcs1') throw invalid(`unknown RSA padding ${String(padding)}`, 'rsa');
  const list = recipients.map((r, i) => recipientOf(r, i));
  const kinds = new Set(list.map((r) => r.kind));
  if (kinds.size > 1) {
    throw invalid('SM2 and RSA recipients cannot share one envelope (SM2 envelopes use SM4, RSA ones AES): seal one envelope per key type', 'recipients');
  }
  const seen = new Set<string>();
  for (const r of list) {
    const id = r.rid.join(',');
    if (seen.has(id)) throw invalid(`the certificate ${r.cert.serialNumber} is listed twice`, 'recipients');
    seen.add(id);
  }
  const sm2 = list[0]?.kind === 'sm2';
  if (sm2 && options.contentCipher !== undefined) throw invalid('SM2 recipients always use SM4-CBC: leave contentCipher out', 'contentCipher');
  const cipher = options.contentCipher ?? 'aes-256-cbc';
  if (cipher !== 'aes-256-cbc' && cipher !== 'aes-256-gcm') throw invalid(`unknown content cipher ${String(cipher)}`, 'contentCipher');

  // One call for the content key and the IV or nonce.
  const random = new Uint8Array(randomBytes(48));
  const cek = random.slice(0, sm2 ? 16 : 32);
  // GM/T 0010 (and GmSSL, which requires it) numbers EnvelopedData and KeyTransRecipientInfo 1;
  // RFC 5652 numbers them 0 for issuerAndSerialNumber recipients.
  const version = sm2 ? 1 : 0;
  const infos = list.map((r) => {
    const { alg, encrypted } = encryptKey(r, cek, padding);
    return derSequence(derInteger(version), r.rid, alg, derOctetString(encrypted));
  });

  if (sm2 || cipher === 'aes-256-cbc') {
    const iv = random.slice(32, 48);
    const c = createCipheriv(sm2 ? 'sm4-cbc' : 'aes-256-cbc', cek, iv);
    const encrypted = concatBytes(u8(c.update(content)), u8(c.final()));
    const eci = derSequence(derOid(sm2 ? O.gmData : O.data), derSequence(derOid(sm2 ? O.sm4Cbc : O.aes256Cbc), derOctetString(iv)), derTlv(0x80, encrypted));
    const enveloped = derSequence(derInteger(version), derSet(...infos), eci);
    return derSequence(derOid(sm2 ? O.gmEnvelopedData : O.envelopedData), derExplicit(0, enveloped));
  }
  const nonce = random.slice(32, 44);
  const c = createCipheriv('aes-256-gcm', cek, nonce, { authTagLength: 16 });
  const encrypted = concatBytes(u8(c.update(content)), u8(c.final()));
  const tag = u8(c.getAuthTag());
  const eci = derSequence(derOid(O.data), derSequence(derOid(O.aes256Gcm), derSequence(derOctetString(nonce), derInteger(16))), derTlv(0x80, encrypted));
  const auth = derSequence(derInteger(0), derSet(...infos), eci, derOctetString(tag));
  return derSequence(derOid(O.authEnvelopedData), derExplicit(0, auth));
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** An AlgorithmIdentifier: OID and the TLV of its parameters (undefined when absent). */
interface Alg {
  readonly oid: string;
  readonly params: Tlv | undefined;
}

/** One KeyTransRecipientInfo, or another RecipientInfo choice (which this library cannot open). */
type RecipientInfo =
  | { readonly kind: 'ktri'; readonly issuer: Uint8Array; readonly serial: Uint8Array; readonly keyId?: undefined; readonly alg: Alg; readonly encryptedKey: Uint8Array }
  | { readonly kind: 'ktri'; readonly issuer?: undefined; readonly serial?: undefined; readonly keyId: Uint8Array; readonly alg: Alg; readonly encryptedKey: Uint8Array }
  | { readonly kind: 'other' };

/** The decoded envelope. */
interface ParsedEnvelope {
  readonly contentType: string;
  readonly recipients: readonly RecipientInfo[];
  readonly innerType: string;
  readonly contentAlg: Alg;
  readonly encryptedContent: Uint8Array;
  /** AuthEnvelopedData's MAC (the GCM tag). */
  readonly mac: Uint8Array | undefined;
}

function oidOf(b: Uint8Array, t: Tlv): string {
  return decodeOid(b, t.contentStart, t.end);
}

function readAlg(r: Region, what: string): Alg {
  const ar = r.enter(r.expect(Tag.SEQUENCE, what));
  const oid = oidOf(r.bytes, ar.expect(Tag.OID, `${what} OID`));
  const params = ar.done ? undefined : ar.next();
  ar.finish(what);
  return { oid, params };
}

function smallInt(b: Uint8Array, t: Tlv): number {
  checkInteger(b, t.contentStart, t.end);
  if (t.end - t.contentStart > 4) throw new DerError('integer too large', t.start);
  return integerToNumber(b, t.contentStart, t.end);
}

function readRecipientInfo(b: Uint8Array, t: Tlv, parent: Region): RecipientInfo {
  if (t.tag !== Tag.SEQUENCE) {
    // [1] KeyAgreeRecipientInfo, [2] KEKRecipientInfo, [3] PasswordRecipientInfo, [4] other.
    if (t.tag < 0xa1 || t.tag > 0xa4) throw new DerError('unexpected RecipientInfo choice', t.start);
    return { kind: 'other' };
  }
  const r = parent.enter(t);
  const version = smallInt(b, r.expect(Tag.INTEGER, 'KeyTransRecipientInfo version'));
  let info: RecipientInfo;
  if (version === 0 || version === 1) {
    // 0: RFC 5652; 1: GM/T 0010.
    const ias = r.enter(r.expect(Tag.SEQUENCE, 'issuerAndSerialNumber'));
    const issuer = ias.expect(Tag.SEQUENCE, 'issuer');
    const serial = ias.expect(Tag.INTEGER, 'serialNumber');
    checkInteger(b, serial.contentStart, serial.end);
    ias.finish('issuerAndSerialNumber');
    const alg = readAlg(r, 'keyEncryptionAlgorithm');
    const ek = r.expect(Tag.OCTET_STRING, 'encryptedKey');
    info = { kind: 'ktri', issuer: b.subarray(issuer.start, issuer.end), serial: b.subarray(serial.contentStart, serial.end), alg, encryptedKey: b.subarray(ek.contentStart, ek.end) };
  } else if (version === 2) {
    const ski = r.expect(0x80, 'subjectKeyIdentifier');
    const alg = readAlg(r, 'keyEncryptionAlgorithm');
    const ek = r.expect(Tag.OCTET_STRING, 'encryptedKey');
    info = { kind: 'ktri', keyId: b.subarray(ski.contentStart, ski.end), alg, encryptedKey: b.subarray(ek.contentStart, ek.end) };
  } else {
    throw new DerError(`KeyTransRecipientInfo version ${version}`, t.start);
  }
  r.finish('KeyTransRecipientInfo');
  if (info.encryptedKey.length === 0) throw new DerError('empty encryptedKey', t.start);
  return info;
}

function decodeEnvelope(b: Uint8Array): ParsedEnvelope {
  const top = new Region(b);
  const ci = top.enter(top.expect(Tag.SEQUENCE, 'ContentInfo'));
  top.finish('ContentInfo');
  const contentType = oidOf(b, ci.expect(Tag.OID, 'contentType'));
  const auth = contentType === O.authEnvelopedData;
  if (!auth && contentType !== O.envelopedData && contentType !== O.gmEnvelopedData) {
    throw new YizhengError('ENVELOPE_MALFORMED', { reason: `content type ${contentType} is not an envelope (envelopedData, authEnvelopedData or GM/T 0010 envelopedData)` });
  }
  const explicit = ci.enter(ci.expect(0xa0, 'content [0]'));
  ci.finish('ContentInfo');
  const ed = explicit.enter(explicit.expect(Tag.SEQUENCE, auth ? 'AuthEnvelopedData' : 'EnvelopedData'));
  explicit.finish('content [0]');
  const version = smallInt(b, ed.expect(Tag.INTEGER, 'version'));
  // RFC 5652: 0, 2, 3 or 4; GM/T 0010: 1. AuthEnvelopedData: 0.
  if (auth ? version !== 0 : version < 0 || version > 4) throw new DerError(`version ${version}`, 0);
  ed.optional(0xa0); // originatorInfo: certificates and CRLs, not needed to open.
  const setTlv = ed.expect(Tag.SET, 'recipientInfos');
  const set = ed.enter(setTlv);
  const recipients: RecipientInfo[] = [];
  while (!set.done) {
    if (recipients.length >= MAX_ENVELOPE_RECIPIENTS) {
      throw new YizhengError('ENVELOPE_MALFORMED', { reason: `more than ${MAX_ENVELOPE_RECIPIENTS} recipients` });
    }
    recipients.push(readRecipientInfo(b, set.next(), set));
  }
  if (recipients.length === 0) throw new DerError('no recipientInfos', setTlv.start);
  const eci = ed.enter(ed.expect(Tag.SEQUENCE, 'encryptedContentInfo'));
  const innerType = oidOf(b, eci.expect(Tag.OID, 'encryptedContentInfo contentType'));
  const contentAlg = readAlg(eci, 'contentEncryptionAlgorithm');
  if (eci.peek() === 0xa0) throw new DerError('constructed encryptedContent (BER) is not allowed in DER', eci.pos);
  const ec = eci.optional(0x80);
  // GM/T 0010 sharedInfo1 [1] and sharedInfo2 [2] (IMPLICIT OCTET STRING): not used to decrypt.
  eci.optional(0x81);
  eci.optional(0x82);
  eci.finish('encryptedContentInfo');
  if (ec === undefined) throw new YizhengError('ENVELOPE_MALFORMED', { reason: 'no encryptedContent: detached envelopes are not supported' });
  let mac: Uint8Array | undefined;
  if (auth) {
    if (ed.peek() === 0xa1) throw new YizhengError('ENVELOPE_MALFORMED', { reason: 'authenticated attributes are not supported' });
    const m = ed.expect(Tag.OCTET_STRING, 'mac');
    mac = b.subarray(m.contentStart, m.end);
    ed.optional(0xa2); // unauthAttrs
  } else {
    ed.optional(0xa1); // unprotectedAttrs
  }
  ed.finish(auth ? 'AuthEnvelopedData' : 'EnvelopedData');
  return { contentType, recipients, innerType, contentAlg, encryptedContent: b.subarray(ec.contentStart, ec.end), mac };
}

function parseEnvelope(bytes: Uint8Array): ParsedEnvelope {
  try {
    return decodeEnvelope(bytes);
  } catch (e) {
    if (e instanceof YizhengError) throw e;
    if (e instanceof DerError) throw malformed(`${e.reason} (at byte ${e.offset})`);
    throw malformed(e instanceof Error ? e.message : String(e));
  }
}

// ---------------------------------------------------------------------------------------------
// Opening

type OpenKey = { readonly kind: 'sm2'; readonly d: Uint8Array } | { readonly kind: 'rsa'; readonly key: KeyObject };

function sm2ScalarOfPkcs8(der: Uint8Array): Uint8Array {
  // PrivateKeyInfo { version, { id-ecPublicKey | SM2, curve }, OCTET STRING ECPrivateKey { 1, d, ... } }
  const top = new Region(der);
  const pki = top.enter(top.expect(Tag.SEQUENCE, 'PrivateKeyInfo'));
  pki.expect(Tag.INTEGER, 'version');
  pki.expect(Tag.SEQUENCE, 'privateKeyAlgorithm');
  const os = pki.expect(Tag.OCTET_STRING, 'privateKey');
  const inner = new Region(der, os.contentStart, os.end);
  const ec = inner.enter(inner.expect(Tag.SEQUENCE, 'ECPrivateKey'));
  ec.expect(Tag.INTEGER, 'version');
  const d = ec.expect(Tag.OCTET_STRING, 'privateKey');
  const bytes = der.subarray(d.contentStart, d.end);
  if (bytes.length > 32) throw new DerError('SM2 private key longer than 32 bytes', d.start);
  const out = new Uint8Array(32);
  out.set(bytes, 32 - bytes.length);
  return out;
}

function keyObjectOf(key: KeyObject | string): KeyObject {
  if (typeof key === 'string') {
    try {
      return createPrivateKey(key);
    } catch (e) {
      throw invalid(`the private key PEM cannot be read: ${e instanceof Error ? e.message : String(e)}`, 'privateKey');
    }
  }
  return key;
}

function isSm2KeyObject(k: KeyObject): boolean {
  if (k.asymmetricKeyType === 'ec') return k.asymmetricKeyDetails?.namedCurve === 'SM2';
  // OpenSSL 3 loads SM2 keys as their own type, which Node does not name.
  return k.asymmetricKeyType === undefined;
}

function openKeyOf(input: EnvelopePrivateKey): OpenKey {
  if (!(input instanceof KeyObject) && typeof input !== 'string') {
    const d = typeof input === 'object' && input !== null ? (input as { sm2?: unknown }).sm2 : undefined;
    if (!(d instanceof Uint8Array) || d.length !== 32) {
      throw invalid('privateKey must be a KeyObject, a PEM string or { sm2: Uint8Array(32) }', 'privateKey');
    }
    return { kind: 'sm2', d };
  }
  const k = keyObjectOf(input);
  if (k.type !== 'private') throw invalid(`privateKey is a ${k.type} key, not a private key`, 'privateKey');
  if (k.asymmetricKeyType === 'rsa') return { kind: 'rsa', key: k };
  if (isSm2KeyObject(k)) {
    try {
      return { kind: 'sm2', d: sm2ScalarOfPkcs8(u8(k.export({ type: 'pkcs8', format: 'der' }))) };
    } catch (e) {
      throw invalid(`the SM2 private key cannot be read: ${e instanceof Error ? e.message : String(e)}`, 'privateKey');
    }
  }
  throw invalid(`privateKey is a ${String(k.asymmetricKeyType)} key: only RSA and SM2 keys open envelopes`, 'privateKey');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function hexOf(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** Checks that the private key belongs to the certificate. */
function checkKeyMatches(key: OpenKey, cert: Certificate): void {
  const pub = cert.publicKey;
  if (key.kind === 'sm2') {
    if (pub.algorithm !== 'sm2') throw invalid(`the certificate has a ${pub.algorithm} key but the private key is SM2`, 'privateKey');
    let point: Uint8Array;
    try {
      point = sm2PublicKeyOf(key.d);
    } catch {
      throw invalid('the SM2 private key is out of range', 'privateKey');
    }
    if (!sameBytes(point, pub.point)) throw invalid('the private key does not belong to the certificate', 'privateKey');
    return;
  }
  if (pub.algorithm !== 'rsa') throw invalid(`the certificate has a ${pub.algorithm} key but the private key is RSA`, 'privateKey');
  if (modulusOf(key.key) !== modulusOf(rsaPublicKeyOf(cert))) throw invalid('the private key does not belong to the certificate', 'privateKey');
}

function findRecipient(env: ParsedEnvelope, cert: Certificate): RecipientInfo & { kind: 'ktri' } {
  const { issuer, serial } = issuerAndSerial(cert.der);
  const ski = cert.subjectKeyIdentifier;
  for (const r of env.recipients) {
    if (r.kind !== 'ktri') continue;
    if (r.issuer !== undefined ? sameBytes(r.issuer, issuer) && sameBytes(r.serial, serial) : ski !== undefined && hexOf(r.keyId) === ski) return r;
  }
  throw new YizhengError('ENVELOPE_NOT_FOR_THIS_KEY', {
    serialNumber: cert.serialNumber,
    issuer: cert.issuer.toString(),
    recipients: env.recipients.length,
  });
}

const HASHES: ReadonlyMap<string, string> = new Map([
  [O.sha1, 'sha1'],
  [O.sha256, 'sha256'],
  [O.sha384, 'sha384'],
  [O.sha512, 'sha512'],
]);

function readHashAlg(r: Region): string {
  const alg = readAlg(r, 'hash algorithm');
  if (alg.params !== undefined && (alg.params.tag !== Tag.NULL || alg.params.end !== alg.params.contentStart)) {
    throw new DerError('hash parameters must be absent or NULL', alg.params.start);
  }
  const name = HASHES.get(alg.oid);
  if (name === undefined) throw new YizhengError('ENVELOPE_MALFORMED', { reason: `unsupported OAEP hash ${alg.oid}` });
  return name;
}

/** The OAEP hash from RSAES-OAEP-params (RFC 8017 A.2.1); MGF1 must use the same hash, label empty. */
function oaepHashOf(b: Uint8Array, params: Tlv | undefined): string {
  if (params === undefined || params.tag !== Tag.SEQUENCE) throw new DerError('RSAES-OAEP parameters missing', 0);
  const r = new Region(b).enter(params);
  let hash = 'sha1';
  let mgfHash = 'sha1';
  const h = r.optional(0xa0);
  if (h !== undefined) {
    const hr = r.enter(h);
    hash = readHashAlg(hr);
    hr.finish('hashAlgorithm');
  }
  const m = r.optional(0xa1);
  if (m !== undefined) {
    const mr = r.enter(m);
    const ma = mr.enter(mr.expect(Tag.SEQUENCE, 'maskGenAlgorithm'));
    const mgf = oidOf(b, ma.expect(Tag.OID, 'maskGenAlgorithm OID'));
    if (mgf !== O.mgf1) throw new YizhengError('ENVELOPE_MALFORMED', { reason: `unsupported mask generation function ${mgf}` });
    mgfHash = readHashAlg(ma);
    ma.finish('maskGenAlgorithm');
    mr.finish('maskGenAlgorithm');
  }
  const p = r.optional(0xa2);
  if (p !== undefined) {
    const pr = r.enter(p);
    const pa = pr.enter(pr.expect(Tag.SEQUENCE, 'pSourceAlgorithm'));
    if (oidOf(b, pa.expect(Tag.OID, 'pSourceAlgorithm OID')) !== O.pSpecified) throw new DerError('unknown pSourceAlgorithm', p.start);
    const label = pa.expect(Tag.OCTET_STRING, 'label');
    if (label.end !== label.contentStart) throw new YizhengError('ENVELOPE_MALFORMED', { reason: 'OAEP labels are not supported' });
    pa.finish('pSourceAlgorithm');
    pr.finish('pSourceAlgorithm');
  }
  r.finish('RSAES-OAEP-params');
  if (hash !== mgfHash) throw new YizhengError('ENVELOPE_MALFORMED', { reason: `OAEP with ${hash} and MGF1-${mgfHash} is not supported (the two hashes must be the same)` });
  return hash;
}

function decryptKey(b: Uint8Array, r: RecipientInfo & { kind: 'ktri' }, key: OpenKey): Uint8Array {
  const oid = r.alg.oid;
  if (oid === O.sm2Encrypt || oid === O.sm2) {
    if (key.kind !== 'sm2') throw invalid('the envelope uses SM2 key transport but the private key is RSA', 'privateKey');
    return sm2Decrypt(key.d, r.encryptedKey);
  }
  if (oid === O.rsaEncryption || oid === O.rsaesOaep) {
    if (key.kind !== 'rsa') throw invalid('the envelope uses RSA key transport but the private key is SM2', 'privateKey');
    const p = r.alg.params;
    const options =
      oid === O.rsaesOaep
        ? { key: key.key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaepHashOf(b, p) }
        : { key: key.key, padding: constants.RSA_PKCS1_PADDING };
    if (oid === O.rsaEncryption && p !== undefined && (p.tag !== Tag.NULL || p.end !== p.contentStart)) throw new DerError('rsaEncryption parameters must be NULL', p.start);
    try {
      // PKCS#1 v1.5: Node's OpenSSL uses implicit rejection (a bad padding gives a pseudo-random
      // key, not an error), so the content step below fails instead: no padding oracle here.
      return u8(privateDecrypt(options, r.encryptedKey));
    } catch {
      throw decryptFailed(NOT_OPENED);
    }
  }
  throw new YizhengError('ENVELOPE_MALFORMED', { reason: `unsupported key encryption algorithm ${oid}` });
}

interface ContentCipher {
  readonly name: string;
  readonly keyLength: number;
  readonly gcm: boolean;
}

const CONTENT_CIPHERS: ReadonlyMap<string, ContentCipher> = new Map([
  [O.sm4Cbc, { name: 'sm4-cbc', keyLength: 16, gcm: false }],
  [O.aes128Cbc, { name: 'aes-128-cbc', keyLength: 16, gcm: false }],
  [O.aes192Cbc, { name: 'aes-192-cbc', keyLength: 24, gcm: false }],
  [O.aes256Cbc, { name: 'aes-256-cbc', keyLength: 32, gcm: false }],
  [O.aes128Gcm, { name: 'aes-128-gcm', keyLength: 16, gcm: true }],
  [O.aes192Gcm, { name: 'aes-192-gcm', keyLength: 24, gcm: true }],
  [O.aes256Gcm, { name: 'aes-256-gcm', keyLength: 32, gcm: true }],
]);

/** Removes PKCS#7 padding, checking every padding byte without an early exit. */
function unpad(m: Uint8Array): Uint8Array {
  const n = m[m.length - 1] ?? 0;
  let bad = n === 0 || n > 16 ? 1 : 0;
  for (let i = 1; i <= 16; i++) {
    const inPad = i <= n ? 1 : 0;
    bad |= inPad & ((m[m.length - i] ?? 0) !== n ? 1 : 0);
  }
  if (bad !== 0) throw decryptFailed(NOT_OPENED);
  return m.subarray(0, m.length - n);
}

function decryptContent(b: Uint8Array, env: ParsedEnvelope, cek: Uint8Array): Uint8Array {
  const auth = env.contentType === O.authEnvelopedData;
  const cipher = CONTENT_CIPHERS.get(env.contentAlg.oid);
  if (cipher === undefined) throw new YizhengError('ENVELOPE_MALFORMED', { reason: `unsupported content encryption algorithm ${env.contentAlg.oid}` });
  if (cipher.gcm !== auth) throw new YizhengError('ENVELOPE_MALFORMED', { reason: auth ? 'AuthEnvelopedData needs an authenticated cipher' : 'GCM content needs AuthEnvelopedData' });
  // A content key of the wrong length (what implicit rejection gives for a bad PKCS#1 v1.5 block) is
  // not refused at once: a random key of the right length decrypts instead, and the failure reads
  // exactly as a padding or tag failure (RFC 3218 section 2.3.2).
  const wrongLength = cek.length !== cipher.keyLength;
  const key = wrongLength ? u8(randomBytes(cipher.keyLength)) : cek;
  const p = env.contentAlg.params;
  const data = env.encryptedContent;
  if (!cipher.gcm) {
    if (p === undefined || p.tag !== Tag.OCTET_STRING || p.end - p.contentStart !== 16) throw new DerError('the CBC IV must be a 16-byte OCTET STRING', p?.start ?? 0);
    if (data.length === 0 || data.length % 16 !== 0) throw new DerError('the CBC content is not a whole number of blocks', 0);
    const d = createDecipheriv(cipher.name, key, b.subarray(p.contentStart, p.end));
    d.setAutoPadding(false);
    const m = unpad(concatBytes(u8(d.update(data)), u8(d.final())));
    if (wrongLength) throw decryptFailed(NOT_OPENED);
    return m;
  }
  if (p === undefined || p.tag !== Tag.SEQUENCE) throw new DerError('GCM parameters missing', 0);
  const pr = new Region(b).enter(p);
  const nonceTlv = pr.expect(Tag.OCTET_STRING, 'aes-nonce');
  const icv = pr.done ? 12 : smallInt(b, pr.expect(Tag.INTEGER, 'aes-ICVlen'));
  pr.finish('GCMParameters');
  const nonce = b.subarray(nonceTlv.contentStart, nonceTlv.end);
  if (nonce.length < 8 || nonce.length > 16) throw new DerError(`GCM nonce of ${nonce.length} bytes`, nonceTlv.start);
  if (icv < 12 || icv > 16) throw new DerError(`GCM tag length ${icv}`, p.start);
  const mac = env.mac ?? new Uint8Array();
  if (mac.length !== icv) throw new DerError(`mac is ${mac.length} bytes, not ${icv}`, 0);
  const d = createDecipheriv(cipher.name as 'aes-256-gcm', key, nonce, { authTagLength: icv });
  d.setAuthTag(mac);
  const out = u8(d.update(data));
  let plaintext: Uint8Array;
  try {
    plaintext = concatBytes(out, u8(d.final()));
  } catch {
    throw decryptFailed(NOT_OPENED);
  }
  if (wrongLength) throw decryptFailed(NOT_OPENED);
  return plaintext;
}

/**
 * Opens an envelope sealed by {@link sealEnvelope}, by OpenSSL (`openssl cms -encrypt`, RSA with
 * PKCS#1 v1.5 or OAEP, AES-CBC or AES-GCM) or by a GM/T 0010 implementation (SM2 key transport
 * with the SM2 ciphertext as ASN.1 or raw C1C3C2 / C1C2C3, SM4-CBC), and returns the content.
 *
 * Steps: strict DER parse (size and recipient limits); the RecipientInfo naming `certificate`
 * (issuerAndSerialNumber, or its subjectKeyIdentifier); a check that `privateKey` is the
 * certificate's; the content key (SM2 or RSA); the content (with the padding or GCM tag checked).
 * See {@link sealEnvelope} on integrity: a CBC envelope that was altered can open to altered content.
 *
 * @throws {YizhengError} `ENVELOPE_MALFORMED` for anything not a well-formed supported envelope;
 *   `ENVELOPE_NOT_FOR_THIS_KEY` when no recipient is the certificate; `ENVELOPE_DECRYPT_FAILED`
 *   when the key or content does not decrypt (altered envelope); `INVALID_ARGUMENT` for a private
 *   key that cannot be read or is not the certificate's; `INPUT_TOO_LARGE` for an envelope over
 *   {@link MAX_ENVELOPE_BYTES}; `CERT_MALFORMED` for a certificate that does not parse.
 */
export function openEnvelope(options: OpenEnvelopeOptions): Uint8Array {
  const bytes = options.envelope;
  if (!(bytes instanceof Uint8Array)) throw invalid('envelope must be a Uint8Array', 'envelope');
  if (bytes.length > MAX_ENVELOPE_BYTES) throw new YizhengError('INPUT_TOO_LARGE', { what: 'envelope', limit: MAX_ENVELOPE_BYTES });
  const cert = toCertificate(options.certificate);
  const key = openKeyOf(options.privateKey);
  checkKeyMatches(key, cert);
  const env = parseEnvelope(bytes);
  const recipient = findRecipient(env, cert);
  if (env.innerType !== O.data && env.innerType !== O.gmData) {
    throw new YizhengError('ENVELOPE_MALFORMED', { reason: `unsupported inner content type ${env.innerType}` });
  }
  try {
    const cek = decryptKey(bytes, recipient, key);
    return decryptContent(bytes, env, cek);
  } catch (e) {
    if (e instanceof YizhengError) throw e;
    if (e instanceof DerError) throw malformed(`${e.reason} (at byte ${e.offset})`);
    throw decryptFailed(e instanceof Error ? e.message : String(e));
  }
}

/**
 * What the supplier's key must decrypt to open an envelope on the page at 开标: the content key the
 * envelope holds for `certificate`, as the `ciphertext` and `algorithm` of a token driver's
 * `decrypt` request.
 */
export interface EnvelopeKeyRequest {
  /** The encrypted content key, base64 (SM2 ciphertext in its ASN.1 form, or the RSA block). */
  readonly ciphertext: string;
  /** How it was encrypted, in the token driver's words. */
  readonly algorithm: 'sm2' | 'rsa-oaep' | 'rsa-oaep-sha1' | 'rsa-pkcs1';
}

function parseFor(envelope: unknown, certificate: Certificate | CertificateInput): { bytes: Uint8Array; env: ParsedEnvelope; recipient: RecipientInfo & { kind: 'ktri' } } {
  if (!(envelope instanceof Uint8Array)) throw invalid('envelope must be a Uint8Array', 'envelope');
  if (envelope.length > MAX_ENVELOPE_BYTES) throw new YizhengError('INPUT_TOO_LARGE', { what: 'envelope', limit: MAX_ENVELOPE_BYTES });
  const env = parseEnvelope(envelope);
  const recipient = findRecipient(env, toCertificate(certificate));
  if (env.innerType !== O.data && env.innerType !== O.gmData) {
    throw new YizhengError('ENVELOPE_MALFORMED', { reason: `unsupported inner content type ${env.innerType}` });
  }
  return { bytes: envelope, env, recipient };
}

function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof YizhengError) throw e;
    if (e instanceof DerError) throw malformed(`${e.reason} (at byte ${e.offset})`);
    throw decryptFailed(e instanceof Error ? e.message : String(e));
  }
}

/**
 * The first half of opening an envelope with a key the server never holds (the supplier's USB key
 * at 开标): the encrypted content key for `certificate`, to pass to the page's token driver
 * (`driver.decrypt({ certificateId, ciphertext, algorithm })`). The page sends the decrypted content
 * key back, and {@link openEnvelopeWithKey} opens the content.
 *
 * @throws {YizhengError} as {@link openEnvelope}, and `ENVELOPE_MALFORMED` for an OAEP hash a token
 *   driver cannot name (only SHA-256 and SHA-1 can).
 */
export function prepareEnvelopeOpening(options: { readonly envelope: Uint8Array; readonly certificate: Certificate | CertificateInput }): EnvelopeKeyRequest {
  return guarded(() => {
    const { bytes, recipient } = parseFor(options.envelope, options.certificate);
    const oid = recipient.alg.oid;
    const ciphertext = Buffer.from(recipient.encryptedKey).toString('base64');
    if (oid === O.sm2Encrypt || oid === O.sm2) return { ciphertext, algorithm: 'sm2' };
    if (oid === O.rsaEncryption) return { ciphertext, algorithm: 'rsa-pkcs1' };
    if (oid === O.rsaesOaep) {
      const hash = oaepHashOf(bytes, recipient.alg.params);
      if (hash === 'sha256') return { ciphertext, algorithm: 'rsa-oaep' };
      if (hash === 'sha1') return { ciphertext, algorithm: 'rsa-oaep-sha1' };
      throw new YizhengError('ENVELOPE_MALFORMED', { reason: `OAEP with ${hash} cannot be decrypted by a token driver (SHA-256 or SHA-1 only)` });
    }
    throw new YizhengError('ENVELOPE_MALFORMED', { reason: `unsupported key encryption algorithm ${oid}` });
  });
}

/**
 * The second half of {@link prepareEnvelopeOpening}: opens the content of the envelope with the
 * content key the supplier's key decrypted (raw bytes, or the base64 a token driver returns). A
 * wrong key fails (content padding or GCM tag), never silently: but see {@link sealEnvelope} on
 * integrity of CBC envelopes.
 *
 * @throws {YizhengError} as {@link openEnvelope}; `INVALID_ARGUMENT` when `contentKey` is neither
 *   bytes nor base64.
 */
export function openEnvelopeWithKey(options: {
  readonly envelope: Uint8Array;
  readonly certificate: Certificate | CertificateInput;
  readonly contentKey: Uint8Array | string;
}): Uint8Array {
  const raw = options.contentKey;
  let cek: Uint8Array;
  if (raw instanceof Uint8Array) cek = raw;
  else if (typeof raw === 'string' && raw.length <= 128 && /^[A-Za-z0-9+/]+={0,2}$/.test(raw) && raw.length % 4 === 0) cek = u8(Buffer.from(raw, 'base64'));
  else throw invalid('contentKey must be bytes or base64', 'contentKey');
  return guarded(() => {
    const { bytes, env } = parseFor(options.envelope, options.certificate);
    return decryptContent(bytes, env, cek);
  });
}
