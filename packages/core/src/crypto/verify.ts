/**
 * Signature verification: RSA PKCS#1 v1.5 and PSS, ECDSA (P-256, P-384, P-521) through Node's
 * crypto, SM2-with-SM3 in JavaScript (Node's OpenSSL cannot set the SM2 user id), in DER, raw,
 * SKF or CMS / PKCS#7 form.
 */
import { constants, hash as nodeHash, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { DerError, Tag } from '../asn1/index';
import { Certificate, parseCertificate, type CertificateInput } from '../cert/index';
import { YizhengError } from '../errors/index';
import { asBytes, compareUnsigned, dataBytes, decodeBase64, equalBytes } from './bytes';
import { intOf, issuerAndSerial, parseSignedData, readAlgorithm, type AlgorithmId, type SignedDataParts } from './cms';
import { Region } from './der-region';
import { CURVE_ORDERS, FIELD_BYTES, clearKeyCaches, resolveKey, resolvePublicKey, type PublicKeyInput, type ResolvedKey } from './keys';
import { decodeRs, detectFormat, type ConcreteFormat, type SignatureFormat } from './signature-format';
import { bytesToBigInt } from './sm2-curve';
import { clearSm2Caches, sm2UserIdBytes, sm2Verify } from './sm2';
import { sm3 } from './sm3';
import { OID, signatureOidsOf } from '../asn1/oids';

/** Hash algorithms: SHA-1 (legacy RSA certificates), SHA-2, and SM3 (SM2 only). */
export type SignatureHash = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'sm3';

/** Largest signature accepted (a CMS message with attached content and certificates included): 1 MiB. */
export const MAX_SIGNATURE_BYTES = 1024 * 1024;

/** Options of {@link verifySignature}. Give exactly one of `certificate` and `publicKey`. */
export interface VerifySignatureOptions {
  /**
   * The signer's certificate: a parsed {@link Certificate}, or PEM / DER / base64 as
   * {@link parseCertificate} accepts. Only its public key is used (and, for CMS, its identity):
   * validity, key usage and the chain are separate checks.
   */
  readonly certificate?: Certificate | CertificateInput | undefined;
  /**
   * The signer's public key: a certificate's `publicKey`, SubjectPublicKeyInfo DER bytes, or a PEM
   * `-----BEGIN PUBLIC KEY-----` block.
   */
  readonly publicKey?: PublicKeyInput | undefined;
  /**
   * The signed bytes. A string is taken as its UTF-8 bytes, which for an ASCII challenge are
   * exactly the bytes BJCA clients sign (the challenge text itself, not its base64-decoded bytes).
   * For CMS, the content: it must equal the attached content when there is one.
   */
  readonly data: Uint8Array | ArrayBuffer | string;
  /** The signature: bytes, or a base64 string (what browser clients return); strict base64. */
  readonly signature: Uint8Array | ArrayBuffer | string;
  /** How the signature is encoded; default `auto`. See {@link SignatureFormat}. */
  readonly format?: SignatureFormat | undefined;
  /**
   * The hash. Default: SHA-256 for RSA, SHA-256 / SHA-384 / SHA-512 for P-256 / P-384 / P-521,
   * SM3 for SM2 (the only hash accepted with an SM2 key). For CMS the message declares its digest:
   * when `hash` is given it must agree.
   */
  readonly hash?: SignatureHash | undefined;
  /**
   * RSA padding: `pkcs1` (PKCS#1 v1.5, default) or `pss` (MGF1 with the same hash). Ignored for
   * other keys. For CMS the message's signature algorithm decides; when given, it must agree.
   */
  readonly rsaPadding?: 'pkcs1' | 'pss' | undefined;
  /** RSA-PSS salt length in bytes; default the hash length. Ignored for other keys and for CMS (its parameters apply). */
  readonly pssSaltLength?: number | undefined;
  /** SM2 user id (string as UTF-8, or bytes); default `1234567812345678`. Ignored for other keys. */
  readonly sm2UserId?: string | Uint8Array | undefined;
}

type ShaHash = Exclude<SignatureHash, 'sm3'>;

/** How to verify, once key, options and (for CMS) the message have been read. */
type Scheme =
  | { readonly kind: 'rsa-pkcs1'; readonly hash: ShaHash }
  | { readonly kind: 'rsa-pss'; readonly hash: ShaHash; readonly saltLength: number }
  | { readonly kind: 'ecdsa'; readonly hash: ShaHash }
  | { readonly kind: 'sm2'; readonly userId: Uint8Array };

/** A verification result with the reason for a failure (for {@link assertSignature}). */
type Outcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const OK: Outcome = { ok: true };
const fail = (reason: string): Outcome => ({ ok: false, reason });

const FORMATS: ReadonlySet<string> = new Set(['auto', 'der', 'raw', 'skf', 'cms']);
const HASHES: ReadonlySet<string> = new Set(['sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sm3']);
const HASH_BYTES: Readonly<Record<SignatureHash, number>> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64, sm3: 32 };

const HASH_OIDS: ReadonlyMap<string, SignatureHash> = new Map([
  ['1.3.14.3.2.26', 'sha1'],
  ['2.16.840.1.101.3.4.2.4', 'sha224'],
  ['2.16.840.1.101.3.4.2.1', 'sha256'],
  ['2.16.840.1.101.3.4.2.2', 'sha384'],
  ['2.16.840.1.101.3.4.2.3', 'sha512'],
  ['1.2.156.10197.1.401', 'sm3'],
]);

/** Signature algorithm OIDs with a fixed hash: RSA PKCS#1 v1.5, ECDSA. */
const RSA_PKCS1_OIDS = signatureOidsOf('rsa') as ReadonlyMap<string, ShaHash>;
const ECDSA_OIDS = signatureOidsOf('ecdsa') as ReadonlyMap<string, ShaHash>;

function malformed(reason: string): YizhengError {
  return new YizhengError('SIGNATURE_MALFORMED', { reason });
}

function invalidArgument(reason: string): YizhengError {
  return new YizhengError('INVALID_ARGUMENT', { reason });
}

function keyName(key: ResolvedKey): string {
  return key.kind === 'rsa' ? 'RSA' : key.kind === 'ec' ? `ECDSA ${key.curve}` : 'SM2';
}

function signatureBytes(value: unknown): Uint8Array {
  let bytes: Uint8Array | undefined;
  if (typeof value === 'string') {
    if (value.length > ((MAX_SIGNATURE_BYTES * 4) / 3) * 1.1 + 1024) {
      throw new YizhengError('INPUT_TOO_LARGE', { what: 'signature', limit: MAX_SIGNATURE_BYTES });
    }
    bytes = decodeBase64(value);
    if (bytes === undefined) throw malformed('the signature string is not valid base64');
  } else {
    bytes = asBytes(value);
    if (bytes === undefined) {
      throw invalidArgument('signature must be a base64 string, a Uint8Array or an ArrayBuffer');
    }
  }
  if (bytes.length > MAX_SIGNATURE_BYTES) {
    throw new YizhengError('INPUT_TOO_LARGE', { what: 'signature', limit: MAX_SIGNATURE_BYTES });
  }
  if (bytes.length === 0) throw malformed('the signature is empty');
  return bytes;
}

function checkOptions(o: VerifySignatureOptions): void {
  if (typeof o !== 'object' || o === null) throw invalidArgument('verifySignature takes an options object');
  if (o.format !== undefined && !FORMATS.has(o.format)) throw invalidArgument(`unknown signature format ${String(o.format)}`);
  if (o.hash !== undefined && !HASHES.has(o.hash)) throw invalidArgument(`unknown hash ${String(o.hash)}`);
  if (o.rsaPadding !== undefined && o.rsaPadding !== 'pkcs1' && o.rsaPadding !== 'pss') {
    throw invalidArgument(`unknown RSA padding ${String(o.rsaPadding)}`);
  }
  if (o.pssSaltLength !== undefined) {
    if (!Number.isInteger(o.pssSaltLength) || o.pssSaltLength < 0 || o.pssSaltLength > 1024) {
      throw invalidArgument('pssSaltLength must be an integer from 0 to 1024');
    }
    if (o.rsaPadding !== 'pss') throw invalidArgument('pssSaltLength needs rsaPadding: "pss"');
  }
}

/** The scheme for a plain (non-CMS) signature from the key and the options. */
function schemeFromOptions(key: ResolvedKey, o: VerifySignatureOptions): Scheme {
  switch (key.kind) {
    case 'rsa': {
      const hash = o.hash ?? 'sha256';
      if (hash === 'sm3') throw malformed('SM3 is not used with RSA keys here (key/algorithm mismatch)');
      if (o.rsaPadding === 'pss') {
        return { kind: 'rsa-pss', hash, saltLength: o.pssSaltLength ?? HASH_BYTES[hash] };
      }
      if (key.pssOnly) throw malformed('the key is an RSASSA-PSS key: pass rsaPadding "pss"');
      return { kind: 'rsa-pkcs1', hash };
    }
    case 'ec': {
      const hash = o.hash ?? (key.curve === 'P-256' ? 'sha256' : key.curve === 'P-384' ? 'sha384' : 'sha512');
      if (hash === 'sm3') throw malformed('SM3 is not used with ECDSA keys (key/algorithm mismatch)');
      return { kind: 'ecdsa', hash };
    }
    case 'sm2':
      if (o.hash !== undefined && o.hash !== 'sm3') {
        throw malformed(`SM2 signatures are verified with SM3, not ${o.hash} (key/algorithm mismatch)`);
      }
      return { kind: 'sm2', userId: sm2UserIdBytes(o.sm2UserId) };
  }
}

function callNode(
  hash: ShaHash,
  data: Uint8Array,
  key: KeyObject | { key: KeyObject; padding?: number; saltLength?: number; dsaEncoding?: 'der' | 'ieee-p1363' },
  sig: Uint8Array,
): boolean {
  try {
    return nodeVerify(hash, data, key, sig);
  } catch (e) {
    // Every well-formed-but-wrong case was ruled out above, so Node refusing the input is a
    // structural problem (e.g. a PSS key restricted to other parameters).
    throw new YizhengError(
      'SIGNATURE_MALFORMED',
      { reason: `Node crypto rejected the input (${e instanceof Error ? e.message : String(e)})` },
      { cause: e },
    );
  }
}

/**
 * Verifies a non-CMS signature `sig` in concrete format `format` over `data`.
 * Structural problems throw SIGNATURE_MALFORMED; a wrong signature is a failed Outcome.
 */
function verifyPlain(key: ResolvedKey, scheme: Scheme, data: Uint8Array, sig: Uint8Array, format: ConcreteFormat): Outcome {
  switch (key.kind) {
    case 'rsa': {
      if (format !== 'raw') throw malformed(`an RSA signature cannot be in ${format} format`);
      if (sig.length !== key.size) throw malformed(`an RSA signature for this key is ${key.size} bytes, not ${sig.length}`);
      if (compareUnsigned(sig, key.modulus) >= 0) throw malformed('the RSA signature is not below the modulus');
      let ok: boolean;
      if (scheme.kind === 'rsa-pss') {
        ok = callNode(scheme.hash, data, { key: key.keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.saltLength }, sig);
      } else if (scheme.kind === 'rsa-pkcs1') {
        ok = callNode(scheme.hash, data, key.keyObject, sig);
      } else {
        throw malformed('key/algorithm mismatch: RSA key');
      }
      return ok ? OK : fail('the RSA signature does not match the data and key');
    }
    case 'ec': {
      if (scheme.kind !== 'ecdsa') throw malformed(`key/algorithm mismatch: ${keyName(key)} key`);
      if (format === 'cms') throw malformed('nested CMS is not supported');
      const f = FIELD_BYTES[key.curve];
      const rs = decodeRs(sig, format, f, CURVE_ORDERS[key.curve]);
      let ok: boolean;
      if (format === 'der') {
        ok = callNode(scheme.hash, data, key.keyObject, sig);
      } else {
        const p1363 = new Uint8Array(2 * f);
        p1363.set(rs.r, 0);
        p1363.set(rs.s, f);
        ok = callNode(scheme.hash, data, { key: key.keyObject, dsaEncoding: 'ieee-p1363' }, p1363);
      }
      return ok ? OK : fail('the ECDSA signature does not match the data and key');
    }
    case 'sm2': {
      if (scheme.kind !== 'sm2') throw malformed('key/algorithm mismatch: SM2 key');
      if (format === 'cms') throw malformed('nested CMS is not supported');
      const rs = decodeRs(sig, format, 32, CURVE_ORDERS.SM2);
      const outcome = sm2Verify(key.info.point, scheme.userId, data, bytesToBigInt(rs.r), bytesToBigInt(rs.s));
      if (outcome === 'bad-key') throw malformed('the SM2 public key is not a point on the SM2 curve');
      return outcome === 'valid' ? OK : fail('the SM2 signature does not match the data, key and user id');
    }
  }
}

function formatFor(key: ResolvedKey, sig: Uint8Array, requested: SignatureFormat, allowCms: boolean): ConcreteFormat {
  if (requested !== 'auto') return requested;
  return detectFormat(sig, key.kind === 'rsa' ? { rsaSize: key.size } : { fieldBytes: key.kind === 'ec' ? FIELD_BYTES[key.curve] : 32 }, allowCms);
}

function digest(hash: SignatureHash, data: Uint8Array): Uint8Array {
  return hash === 'sm3' ? sm3(data) : nodeHash(hash, data, 'buffer');
}

/** RSASSA-PSS-params (RFC 4055): hash, MGF1 hash (must be the same), salt length, trailer 1. */
function pssScheme(parameters: Uint8Array | undefined): Scheme {
  let hash: SignatureHash = 'sha1';
  let mgfHash: SignatureHash = 'sha1';
  let saltLength = 20;
  if (parameters !== undefined) {
    try {
      const top = new Region(parameters);
      const r = top.enter(top.expect(Tag.SEQUENCE, 'RSASSA-PSS-params'));
      top.finish('RSASSA-PSS-params');
      const hashAlg = hashFromAlgorithm(r, 0xa0);
      if (hashAlg !== undefined) hash = hashAlg;
      const mgfTlv = r.optional(0xa1);
      if (mgfTlv !== undefined) {
        const w = r.enter(mgfTlv);
        const mgf = readAlgorithm(w, 'maskGenAlgorithm');
        w.finish('maskGenAlgorithm');
        if (mgf.oid !== OID.mgf1 || mgf.parameters === undefined) throw malformed('RSA-PSS mask generation must be MGF1');
        const pr = new Region(mgf.parameters);
        const inner = readAlgorithm(pr, 'MGF1 hash');
        pr.finish('MGF1 parameters');
        const h = HASH_OIDS.get(inner.oid);
        if (h === undefined || inner.parameters !== undefined) throw malformed(`unsupported MGF1 hash ${inner.oid}`);
        mgfHash = h;
      }
      const saltTlv = r.optional(0xa2);
      if (saltTlv !== undefined) {
        const w = r.enter(saltTlv);
        saltLength = intOf(parameters, w.expect(Tag.INTEGER, 'saltLength'));
        w.finish('saltLength');
      }
      const trailerTlv = r.optional(0xa3);
      if (trailerTlv !== undefined) {
        const w = r.enter(trailerTlv);
        const trailer = intOf(parameters, w.expect(Tag.INTEGER, 'trailerField'));
        w.finish('trailerField');
        if (trailer !== 1) throw malformed('RSA-PSS trailerField must be 1');
      }
      r.finish('RSASSA-PSS-params');
    } catch (e) {
      if (e instanceof DerError) throw malformed(`invalid RSASSA-PSS parameters: ${e.message}`);
      throw e;
    }
  }
  if (hash === 'sm3' || mgfHash !== hash) throw malformed('unsupported RSA-PSS parameters (the MGF1 hash must be the signature hash)');
  if (saltLength < 0 || saltLength > 1024) throw malformed('RSA-PSS salt length out of range');
  return { kind: 'rsa-pss', hash, saltLength };
}

function hashFromAlgorithm(r: Region, tag: number): SignatureHash | undefined {
  const t = r.optional(tag);
  if (t === undefined) return undefined;
  const w = r.enter(t);
  const alg = readAlgorithm(w, 'hashAlgorithm');
  w.finish('hashAlgorithm');
  const h = HASH_OIDS.get(alg.oid);
  if (h === undefined || alg.parameters !== undefined) throw malformed(`unsupported hash algorithm ${alg.oid}`);
  return h;
}

/** The scheme a signature algorithm OID names, for `key` (certificates and CMS SignerInfos). */
function schemeFromAlgorithm(key: ResolvedKey, alg: AlgorithmId, digestHash: SignatureHash | undefined, userId: Uint8Array): Scheme {
  const mismatch = (): YizhengError =>
    malformed(`signature algorithm ${alg.oid} does not fit the ${keyName(key)} key (key/algorithm mismatch)`);
  const noParams = (): void => {
    if (alg.parameters !== undefined) throw malformed(`signature algorithm ${alg.oid} must not have parameters`);
  };
  const sameHash = (h: SignatureHash): void => {
    if (digestHash !== undefined && digestHash !== h) {
      throw malformed(`signature algorithm ${alg.oid} uses ${h} but the digest algorithm is ${digestHash}`);
    }
  };
  if (alg.oid === OID.rsassaPss) {
    if (key.kind !== 'rsa') throw mismatch();
    const s = pssScheme(alg.parameters);
    sameHash(s.kind === 'rsa-pss' ? s.hash : 'sha1');
    return s;
  }
  const rsaHash = RSA_PKCS1_OIDS.get(alg.oid);
  if (rsaHash !== undefined || alg.oid === OID.rsaEncryption) {
    if (key.kind !== 'rsa') throw mismatch();
    if (key.pssOnly) throw malformed('the key is an RSASSA-PSS key but the algorithm is PKCS#1 v1.5');
    noParams();
    const h = rsaHash ?? digestHash;
    if (h === undefined || h === 'sm3') throw malformed(`no supported hash for ${alg.oid}`);
    sameHash(h);
    return { kind: 'rsa-pkcs1', hash: h };
  }
  const ecHash = ECDSA_OIDS.get(alg.oid);
  if (ecHash !== undefined || (alg.oid === OID.ecPublicKey && digestHash !== undefined)) {
    if (key.kind !== 'ec') throw mismatch();
    noParams();
    const h = ecHash ?? digestHash;
    if (h === undefined || h === 'sm3') throw malformed(`no supported hash for ${alg.oid}`);
    sameHash(h);
    return { kind: 'ecdsa', hash: h };
  }
  if (alg.oid === OID.sm2WithSm3 || (alg.oid === OID.sm2Sign && digestHash !== undefined)) {
    if (key.kind !== 'sm2') throw mismatch();
    noParams();
    sameHash('sm3');
    return { kind: 'sm2', userId };
  }
  throw malformed(`unsupported signature algorithm ${alg.oid}`);
}

/** The signer named by the SignerInfo must be the presented certificate (or hold the presented key). */
function checkSigner(sd: SignedDataParts, key: ResolvedKey, cert: Certificate | undefined): Outcome {
  const sid = sd.signerId;
  let presentedDer: Uint8Array | undefined;
  if (cert !== undefined) {
    presentedDer = cert.der;
    if (sid.kind === 'issuerSerial') {
      const own = issuerAndSerial(presentedDer);
      if (!equalBytes(own.issuer, sid.issuer) || !equalBytes(own.serial, sid.serial)) {
        return fail('the CMS signer (issuer and serial number) is not the presented certificate');
      }
    } else if (cert.subjectKeyIdentifier === undefined || cert.subjectKeyIdentifier !== Buffer.from(sid.keyId).toString('hex')) {
      return fail('the CMS signer (subject key identifier) is not the presented certificate');
    }
  }
  // Certificates carried in the message that the SignerInfo names must be the presented one.
  for (const der of sd.certificates) {
    if (presentedDer !== undefined && equalBytes(der, presentedDer)) continue;
    let named: boolean;
    let embedded: Certificate | undefined;
    try {
      if (sid.kind === 'issuerSerial') {
        const ias = issuerAndSerial(der);
        named = equalBytes(ias.issuer, sid.issuer) && equalBytes(ias.serial, sid.serial);
        if (named && cert === undefined) embedded = parseCertificate(der);
      } else {
        embedded = parseCertificate(der);
        named = embedded.subjectKeyIdentifier === Buffer.from(sid.keyId).toString('hex');
      }
    } catch (e) {
      if (e instanceof DerError || e instanceof YizhengError) {
        throw malformed(`CMS SignedData: a carried certificate is malformed (${e.message})`);
      }
      throw e;
    }
    if (!named) continue;
    if (cert !== undefined) return fail('the signer certificate inside the CMS is not the presented certificate');
    if (embedded !== undefined && !equalBytes(embedded.publicKey.spki, key.info.spki)) {
      return fail('the signer certificate inside the CMS does not hold the presented public key');
    }
  }
  return OK;
}

function verifyCms(key: ResolvedKey, cert: Certificate | undefined, data: Uint8Array, sig: Uint8Array, o: VerifySignatureOptions): Outcome {
  const sd = parseSignedData(sig);
  const digestHash = HASH_OIDS.get(sd.digestAlgorithm.oid);
  if (digestHash === undefined || sd.digestAlgorithm.parameters !== undefined) {
    throw malformed(`CMS SignedData: unsupported digest algorithm ${sd.digestAlgorithm.oid}`);
  }
  if (o.hash !== undefined && o.hash !== digestHash) {
    throw malformed(`the CMS digest algorithm is ${digestHash}, not the required ${o.hash}`);
  }
  const userId = key.kind === 'sm2' ? sm2UserIdBytes(o.sm2UserId) : new Uint8Array(0);
  const scheme = schemeFromAlgorithm(key, sd.signatureAlgorithm, digestHash, userId);
  if (o.rsaPadding !== undefined && key.kind === 'rsa' && (o.rsaPadding === 'pss') !== (scheme.kind === 'rsa-pss')) {
    throw malformed(`the CMS signature does not use the required RSA padding ${o.rsaPadding}`);
  }
  if (sd.signedAttributes !== undefined && sd.signedAttributes.contentType !== sd.eContentType) {
    throw malformed('CMS SignedData: the content-type attribute differs from eContentType');
  }
  const signer = checkSigner(sd, key, cert);
  if (!signer.ok) return signer;
  if (sd.content !== undefined && !equalBytes(sd.content, data)) {
    return fail('the content inside the CMS differs from the expected data');
  }
  let signed = data;
  if (sd.signedAttributes !== undefined) {
    if (!equalBytes(sd.signedAttributes.messageDigest, digest(digestHash, data))) {
      return fail('the CMS message-digest attribute does not match the data');
    }
    signed = sd.signedAttributes.der;
  }
  const inner = sd.signature;
  if (inner.length === 0) throw malformed('CMS SignedData: empty signature');
  return verifyPlain(key, scheme, signed, inner, formatFor(key, inner, 'auto', false));
}

function run(o: VerifySignatureOptions): Outcome {
  checkOptions(o);
  const { key, certificate } = resolveKey(o.certificate, o.publicKey);
  const data = dataBytes(o.data);
  const sig = signatureBytes(o.signature);
  const format = formatFor(key, sig, o.format ?? 'auto', true);
  if (format === 'cms') return verifyCms(key, certificate, data, sig, o);
  return verifyPlain(key, schemeFromOptions(key, o), data, sig, format);
}

function guard<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof YizhengError) throw e;
    // Safety net: every parser wraps its DerError, but a structural problem is never an internal one.
    if (e instanceof DerError) throw malformed(e.message);
    // Not expected: every failure above is a YizhengError. Kept so that a defect can never reach
    // a login handler as a TypeError (and never as `true`).
    throw new YizhengError('INTERNAL_ERROR', { reason: `signature verification: ${e instanceof Error ? e.message : String(e)}` }, { cause: e });
  }
}

/**
 * Verifies a signature. Synchronous (RSA and ECDSA run in Node's OpenSSL, SM2 in JavaScript): it
 * returns a boolean, so `await verifySignature(…)` works too.
 *
 * Algorithms, chosen by the key: RSA PKCS#1 v1.5 (SHA-256 default, SHA-1 for legacy clients,
 * SHA-384, SHA-512) or RSA-PSS (`rsaPadding: 'pss'`); ECDSA on P-256, P-384, P-521; SM2-with-SM3
 * with Z computed from the user id (GM/T 0003, default id `1234567812345678`).
 *
 * Formats ({@link SignatureFormat}): DER `SEQUENCE { r, s }`, raw r‖s, the 128-byte SKF blob, RSA
 * raw, and PKCS#7 / CMS SignedData (attached or detached, with or without signed attributes,
 * content type `1.2.840.113549.1.7.2` or GM/T 0010 `1.2.156.10197.6.1.4.2.2`; the SignerInfo must
 * name the presented certificate and any copy of it inside must be byte-identical).
 * `format: 'auto'` decides by structure: DER when the bytes parse fully as a strict-DER
 * `SEQUENCE { INTEGER, INTEGER }`, CMS when they parse as a ContentInfo, raw when the length is
 * 2 × field size (or k for RSA), SKF for 128 zero-padded bytes. Bytes that fit two formats (e.g.
 * 64 bytes that are also a complete DER SEQUENCE) are `SIGNATURE_MALFORMED`, never a guess.
 *
 * Outcomes:
 * - `true`: the signature is valid for the data and key;
 * - `false`: well formed but wrong: another key, other data, another SM2 user id, a CMS naming
 *   another signer or carrying other content, a message-digest attribute that does not match;
 * - `SIGNATURE_MALFORMED`: structurally bad: not strict DER (BER lengths, non-minimal or negative
 *   INTEGERs, trailing bytes), wrong lengths, r or s outside (0, n), an RSA signature not below the
 *   modulus, an unknown algorithm or format, a hash or format that does not fit the key (key /
 *   algorithm mismatch), an ambiguous `auto` signature, an SM2 key off the curve, an unsupported
 *   key (Ed25519, other curves);
 * - `INVALID_ARGUMENT`: bad options (both or neither key, unknown option values);
 *   `CERT_MALFORMED`: the certificate does not parse; `INPUT_TOO_LARGE`: a signature over 1 MiB.
 * No other exception escapes: errors from Node's crypto are mapped to `SIGNATURE_MALFORMED`.
 *
 * Only the signature is checked: certificate validity, key usage, chain and revocation are
 * separate steps.
 *
 * @example
 * ```ts
 * // BJCA: an SM2 DER signature (base64) over the ASCII challenge, default user id.
 * const ok = verifySignature({ certificate: certBase64, data: challenge, signature: signedBase64 });
 * ```
 */
export function verifySignature(options: VerifySignatureOptions): boolean {
  return guard(() => run(options).ok);
}

/**
 * As {@link verifySignature}, but a signature that does not verify throws `SIGNATURE_INVALID`
 * with the reason (other data, another signer, digest mismatch…), for handlers that turn errors
 * into answers.
 *
 * @throws {YizhengError} `SIGNATURE_INVALID` when the signature is well formed but wrong; the
 *   errors of {@link verifySignature} otherwise.
 */
export function assertSignature(options: VerifySignatureOptions): void {
  guard(() => {
    const outcome = run(options);
    if (!outcome.ok) throw new YizhengError('SIGNATURE_INVALID', { reason: outcome.reason });
  });
}

function toCertificate(c: Certificate | CertificateInput): Certificate {
  return c instanceof Certificate ? c : parseCertificate(c);
}

/**
 * Verifies that `issuer`'s key signed `child` (its TBSCertificate, with the algorithm `child`
 * names): sha1/sha256/sha384/sha512WithRSAEncryption, RSASSA-PSS (MGF1 with the same hash),
 * ecdsa-with-SHA1/256/384/512, and SM2-with-SM3 (`1.2.156.10197.1.501`, default user id, as
 * GM/T 0015 prescribes for certificates). A root is checked with itself as `issuer`.
 *
 * Only the signature: names, validity and extensions are for path validation.
 *
 * @returns true when the signature is valid, false when it is well formed but does not verify
 *   (e.g. another issuer with the same key type).
 * @throws {YizhengError} `SIGNATURE_MALFORMED` for an unsupported algorithm, parameters that do
 *   not fit it, an issuer key of another type (key/algorithm mismatch) or a malformed signature
 *   value; `CERT_MALFORMED` when a certificate given as text or bytes does not parse.
 *
 * @example
 * ```ts
 * verifyCertificateSignature(antFinancialS1, rootCa); // true
 * verifyCertificateSignature(rootCa, rootCa);         // true (self-signed)
 * ```
 */
export function verifyCertificateSignature(
  child: Certificate | CertificateInput,
  issuer: Certificate | CertificateInput,
): boolean {
  return guard(() => {
    const c = toCertificate(child);
    const key = resolvePublicKey(toCertificate(issuer).publicKey);
    const alg = c.signatureAlgorithm;
    const scheme = schemeFromAlgorithm(key, { oid: alg.oid, parameters: alg.parameters }, undefined, sm2UserIdBytes(undefined));
    const format: ConcreteFormat = key.kind === 'rsa' ? 'raw' : 'der';
    return verifyPlain(key, scheme, c.tbs, c.signatureValue, format).ok;
  });
}

/**
 * Empties the verification caches: Node key objects by SPKI, SM2 public keys (decoded points, Z
 * values) and their precomputed tables. Memory is bounded without it (LRU caches); use it in tests
 * and benchmarks, or after rotating many keys.
 */
export function clearSignatureCaches(): void {
  clearKeyCaches();
  clearSm2Caches();
}
