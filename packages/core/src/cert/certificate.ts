/**
 * The Certificate model and the X.509 DER decoder behind it (RFC 5280 §4.1).
 */
import { DerError, DerReader, Tag } from '../asn1/der';
import { checkBitString, checkInteger, checkNull, decodeOid, decodeTime, integerToSignedHex } from '../asn1/decode';
import { oidName } from '../asn1/oids';
import { YizhengError } from '../errors/index';
import {
  readExtensions,
  type BasicConstraints,
  type CertificateExtension,
  type DecodedExtensions,
  type GeneralName,
  type KeyUsageName,
} from './extensions';
import { readName, type DistinguishedName } from './name';
import { readSpki, type PublicKeyInfo } from './public-key';

/** A signature algorithm, e.g. `{ oid: '1.2.156.10197.1.501', name: 'SM2-with-SM3' }`. */
export interface SignatureAlgorithm {
  /** Algorithm OID. */
  readonly oid: string;
  /** Known name (`SM2-with-SM3`, `sha256WithRSAEncryption`, `ecdsa-with-SHA256`, `RSASSA-PSS`…), else the OID. */
  readonly name: string;
  /** The parameters' DER when present and not NULL (e.g. RSASSA-PSS-params). */
  readonly parameters?: Uint8Array | undefined;
}

/**
 * What the key is for, from keyUsage (Chinese SM2 keys usually hold a signing and an encryption
 * certificate; log in with the signing one):
 * - `signing`: digitalSignature or nonRepudiation, and none of keyEncipherment, dataEncipherment,
 *   keyAgreement;
 * - `encryption`: one of those three and neither signature bit;
 * - `both`: bits of both groups;
 * - `unknown`: keyUsage absent, or none of these five bits (e.g. a CA with only keyCertSign).
 */
export type CertificatePurpose = 'signing' | 'encryption' | 'both' | 'unknown';

/**
 * Offsets found by the validating pass; the Certificate keeps only these and builds its views from
 * them on first use. Each `*At` is the offset of a TLV's identifier octet.
 */
interface Layout {
  readonly version: 1 | 2 | 3;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly serialStart: number;
  readonly serialEnd: number;
  readonly algAt: number;
  readonly issuerAt: number;
  readonly subjectAt: number;
  readonly spkiAt: number;
  /** -1 when there are no extensions. */
  readonly extensionsAt: number;
  readonly tbsStart: number;
  readonly tbsEnd: number;
  readonly sigStart: number;
  readonly sigEnd: number;
}

/** Marks every copy's Certificate (see {@link Certificate}'s `Symbol.hasInstance`). */
const CERTIFICATE_BRAND = Symbol.for('yizheng.certificate');

const EMPTY: readonly string[] = Object.freeze([]);
const EMPTY_NAMES: readonly GeneralName[] = Object.freeze([]);
const NO_EXTENSIONS: DecodedExtensions = Object.freeze({ extensions: Object.freeze([]) });

/**
 * Re-reads a TLV the validating pass already accepted. It cannot fail on the same immutable bytes;
 * if it ever did, the caller still gets a YizhengError, never a raw exception.
 */
function reread<T>(der: Uint8Array, at: number, read: (r: DerReader) => T): T {
  try {
    const r = new DerReader(der, at);
    r.next();
    return read(r);
  } catch (e) {
    throw new YizhengError('CERT_MALFORMED', { reason: 'internal parser error' }, { cause: e });
  }
}

/**
 * A parsed X.509 certificate. Immutable (frozen); get one from {@link parseCertificate}.
 *
 * Parsing validates the whole certificate at once (a malformed certificate never gets this far);
 * names, the public key and the extensions are then built on first access and kept.
 *
 * Byte arrays: `der`, `tbs` and `signatureValue` return a fresh copy on each access; the arrays
 * inside `publicKey` and `extensions` are private copies shared by every holder of this (cached)
 * object: treat them as read-only (writing into them cannot change `der`, `tbs` or `sha256`).
 */
export class Certificate {
  /**
   * True for a Certificate from any copy of this package: the ESM and the CJS build in one process,
   * or another bundled copy, each have their own class, so the usual prototype check would refuse a
   * certificate parsed by the other. A subclass (if any) checks as usual.
   */
  static [Symbol.hasInstance](value: unknown): value is Certificate {
    if (this !== Certificate) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { readonly [CERTIFICATE_BRAND]?: unknown })[CERTIFICATE_BRAND] === true;
  }

  static {
    Object.defineProperty(this.prototype, CERTIFICATE_BRAND, { value: true });
  }

  /** SHA-256 fingerprint of the DER, lowercase hex (Node's `fingerprint256` without colons, lowercased). */
  readonly sha256: string;
  /** X.509 version: 1, 2 or 3. */
  readonly version: 1 | 2 | 3;

  readonly #der: Uint8Array;
  readonly #l: Layout;
  #serial: string | undefined;
  #subject: DistinguishedName | undefined;
  #issuer: DistinguishedName | undefined;
  #alg: SignatureAlgorithm | undefined;
  #key: PublicKeyInfo | undefined;
  #ext: DecodedExtensions | undefined;

  /** @internal Use {@link parseCertificate}. */
  constructor(der: Uint8Array, sha256: string, layout: Layout) {
    this.#der = der;
    this.#l = layout;
    this.sha256 = sha256;
    this.version = layout.version;
    Object.freeze(this);
  }

  /** The certificate's DER encoding (a fresh copy). */
  get der(): Uint8Array {
    return this.#der.slice();
  }

  /**
   * Serial number, uppercase hex without the sign-padding byte, e.g. `1A100000000000004623`. A
   * negative serial (which RFC 5280 forbids but some CAs issued) is written as OpenSSL prints it: `-`
   * and its magnitude (content `FB CE 99 6C 13` gives `-04316693ED`), so it never equals a positive one.
   */
  get serialNumber(): string {
    this.#serial ??= integerToSignedHex(this.#der, this.#l.serialStart, this.#l.serialEnd);
    return this.#serial;
  }

  /** Subject name. */
  get subject(): DistinguishedName {
    this.#subject ??= reread(this.#der, this.#l.subjectAt, (r) => readName(r, true));
    return this.#subject;
  }

  /** Issuer name. */
  get issuer(): DistinguishedName {
    this.#issuer ??= reread(this.#der, this.#l.issuerAt, (r) => readName(r, true));
    return this.#issuer;
  }

  /** Start of the validity period (a fresh Date). */
  get notBefore(): Date {
    return new Date(this.#l.notBefore);
  }

  /** End of the validity period, inclusive (a fresh Date). */
  get notAfter(): Date {
    return new Date(this.#l.notAfter);
  }

  /** The subject public key. */
  get publicKey(): PublicKeyInfo {
    this.#key ??= reread(this.#der, this.#l.spkiAt, (r) => readSpki(r, true));
    return this.#key;
  }

  /** The signature algorithm (the tbsCertificate and outer fields are required to be identical). */
  get signatureAlgorithm(): SignatureAlgorithm {
    this.#alg ??= reread(this.#der, this.#l.algAt, (r) => readAlgorithm(r, true));
    return this.#alg;
  }

  /** The exact TBSCertificate DER, the bytes the issuer signed (a fresh copy). */
  get tbs(): Uint8Array {
    return this.#der.slice(this.#l.tbsStart, this.#l.tbsEnd);
  }

  /** The signature bits (BIT STRING content; DER `SEQUENCE { r, s }` for ECDSA and SM2). A fresh copy. */
  get signatureValue(): Uint8Array {
    return this.#der.slice(this.#l.sigStart, this.#l.sigEnd);
  }

  get #extensions(): DecodedExtensions {
    if (this.#ext === undefined) {
      const at = this.#l.extensionsAt;
      this.#ext = at < 0 ? NO_EXTENSIONS : reread(this.#der, at, (r) => readExtensions(r, true));
    }
    return this.#ext;
  }

  /** Every extension, in certificate order. */
  get extensions(): readonly CertificateExtension[] {
    return this.#extensions.extensions;
  }

  /** The extension with this OID, or undefined. */
  extension(oid: string): CertificateExtension | undefined {
    for (const e of this.#extensions.extensions) if (e.oid === oid) return e;
    return undefined;
  }

  /** keyUsage bit names, or undefined when the extension is absent. */
  get keyUsage(): readonly KeyUsageName[] | undefined {
    return this.#extensions.keyUsage;
  }

  /** extKeyUsage OIDs (names via {@link oidName}), or undefined when absent. */
  get extKeyUsage(): readonly string[] | undefined {
    return this.#extensions.extKeyUsage;
  }

  /** basicConstraints, or undefined when absent. */
  get basicConstraints(): BasicConstraints | undefined {
    return this.#extensions.basicConstraints;
  }

  /** authorityKeyIdentifier's keyIdentifier, lowercase hex, or undefined. */
  get authorityKeyIdentifier(): string | undefined {
    return this.#extensions.authorityKeyIdentifier;
  }

  /** subjectKeyIdentifier, lowercase hex, or undefined. */
  get subjectKeyIdentifier(): string | undefined {
    return this.#extensions.subjectKeyIdentifier;
  }

  /** URIs of the cRLDistributionPoints full names (HTTP and LDAP), empty when absent. */
  get crlDistributionPoints(): readonly string[] {
    return this.#extensions.crlDistributionPoints ?? EMPTY;
  }

  /** OCSP responder URIs from authorityInfoAccess, empty when absent. */
  get ocspUrls(): readonly string[] {
    return this.#extensions.ocspUrls ?? EMPTY;
  }

  /** CA-issuer certificate URIs from authorityInfoAccess, empty when absent. */
  get caIssuerUrls(): readonly string[] {
    return this.#extensions.caIssuerUrls ?? EMPTY;
  }

  /** certificatePolicies policy OIDs, empty when absent. */
  get policies(): readonly string[] {
    return this.#extensions.policies ?? EMPTY;
  }

  /** subjectAltName entries, empty when absent. */
  get subjectAltNames(): readonly GeneralName[] {
    return this.#extensions.subjectAltNames ?? EMPTY_NAMES;
  }

  /** What the key is for, from keyUsage; see {@link CertificatePurpose}. */
  get purpose(): CertificatePurpose {
    return purposeOf(this.#extensions.keyUsage);
  }

  /** True when subject and issuer are the same name (a root or a self-issued CA certificate). */
  get isSelfIssued(): boolean {
    return this.subject.equals(this.issuer);
  }

  /** The certificate as PEM (`-----BEGIN CERTIFICATE-----`, 64-character lines, final newline). */
  toPEM(): string {
    const b64 = Buffer.from(this.#der.buffer, this.#der.byteOffset, this.#der.byteLength).toString('base64');
    let body = '';
    for (let i = 0; i < b64.length; i += 64) body += b64.slice(i, i + 64) + '\n';
    return `-----BEGIN CERTIFICATE-----\n${body}-----END CERTIFICATE-----\n`;
  }

  /** A plain summary for logs and JSON (no byte arrays). */
  toJSON(): Record<string, unknown> {
    const key = this.publicKey;
    return {
      subject: this.subject.toString(),
      issuer: this.issuer.toString(),
      serialNumber: this.serialNumber,
      sha256: this.sha256,
      version: this.version,
      notBefore: this.notBefore.toISOString(),
      notAfter: this.notAfter.toISOString(),
      publicKey:
        key.algorithm === 'rsa'
          ? { algorithm: 'rsa', bits: key.bits }
          : key.algorithm === 'unknown'
            ? { algorithm: 'unknown', oid: key.oid }
            : { algorithm: key.algorithm, curve: key.curve },
      signatureAlgorithm: this.signatureAlgorithm.name,
      keyUsage: this.keyUsage,
      extKeyUsage: this.extKeyUsage,
      purpose: this.purpose,
      basicConstraints: this.basicConstraints,
      extensions: this.extensions.map((e) => ({ oid: e.oid, name: e.name, critical: e.critical, text: e.text })),
    };
  }

  /** Shows the summary in `console.log` / `util.inspect` (the getters are not own properties). */
  [Symbol.for('nodejs.util.inspect.custom')](): unknown {
    return { Certificate: this.toJSON() };
  }
}

function purposeOf(ku: readonly KeyUsageName[] | undefined): CertificatePurpose {
  if (ku === undefined) return 'unknown';
  let sign = false;
  let enc = false;
  for (const u of ku) {
    if (u === 'digitalSignature' || u === 'nonRepudiation') sign = true;
    else if (u === 'keyEncipherment' || u === 'dataEncipherment' || u === 'keyAgreement') enc = true;
  }
  return sign ? (enc ? 'both' : 'signing') : enc ? 'encryption' : 'unknown';
}

/**
 * Reads the AlgorithmIdentifier SEQUENCE that is the reader's current TLV. Parameters may be absent,
 * NULL or any single TLV (kept as DER when not NULL).
 */
function readAlgorithm(r: DerReader, build: true): SignatureAlgorithm;
function readAlgorithm(r: DerReader, build: boolean): SignatureAlgorithm | undefined;
function readAlgorithm(r: DerReader, build: boolean): SignatureAlgorithm | undefined {
  const b = r.bytes;
  r.enter();
  r.expect(Tag.OID, 'signature algorithm');
  const oid = decodeOid(b, r.contentStart, r.contentEnd);
  let parameters: Uint8Array | undefined;
  if (!r.done) {
    const tag = r.next();
    if (tag === Tag.NULL) checkNull(r.contentStart, r.contentEnd);
    else if (build) parameters = b.slice(r.start, r.contentEnd);
  }
  r.leave('AlgorithmIdentifier');
  return build ? Object.freeze({ oid, name: oidName(oid) ?? oid, parameters }) : undefined;
}

function sameBytes(b: Uint8Array, a1: number, a2: number, c1: number, c2: number): boolean {
  if (a2 - a1 !== c2 - c1) return false;
  for (let i = 0; i < a2 - a1; i++) if (b[a1 + i] !== b[c1 + i]) return false;
  return true;
}

/**
 * Validates one DER certificate in a single pass and returns the Certificate (`der` must be the
 * private copy the Certificate keeps).
 *
 * Strictness (RFC 5280 §4.1 with DER), each rejection a DerError:
 * - the input is exactly one Certificate SEQUENCE: no trailing bytes, no BER (see asn1/der);
 * - version: absent means v1; an explicit `[0]` must hold 1 (v2) or 2 (v3): an explicit v1 is a DER
 *   default-value violation, other values are unknown versions;
 * - v1 allows neither unique identifiers nor extensions, v2 unique identifiers only;
 * - serialNumber is a minimally encoded INTEGER; zero, negative or longer than 20 octets is accepted
 *   (RFC 5280 asks relying parties to handle such serials gracefully; path validation may refuse them);
 * - the tbsCertificate signature AlgorithmIdentifier must be byte-identical to the outer
 *   signatureAlgorithm; parameters may be absent or NULL for every algorithm (real SM2 certificates
 *   carry a NULL);
 * - validity times use the strict UTCTime / GeneralizedTime formats (asn1/decode); notAfter before
 *   notBefore is left to the validity check;
 * - names, public key and extensions as documented on readName, readSpki and readExtensions;
 * - the signature BIT STRING has no unused bits.
 * Profile rules (empty issuer, critical flags, CA consistency, key sizes) are left to path validation.
 */
export function decodeCertificate(der: Uint8Array, sha256: string): Certificate {
  const r = new DerReader(der);
  r.expect(Tag.SEQUENCE, 'Certificate');
  r.finish('the certificate');
  r.enter();
  r.expect(Tag.SEQUENCE, 'tbsCertificate');
  const tbsStart = r.start;
  const tbsEnd = r.contentEnd;
  r.enter();

  let version: 1 | 2 | 3 = 1;
  if (r.optional(0xa0)) {
    r.enter();
    r.expect(Tag.INTEGER, 'version');
    checkInteger(der, r.contentStart, r.contentEnd);
    const v = r.contentEnd - r.contentStart === 1 ? der[r.contentStart] : -1;
    if (v === 0) throw new DerError('explicit default version v1 is not DER', r.start);
    if (v !== 1 && v !== 2) throw new DerError('unsupported certificate version', r.start);
    version = v === 1 ? 2 : 3;
    r.leave('version');
  }
  r.expect(Tag.INTEGER, 'serialNumber');
  const serialStart = r.contentStart;
  const serialEnd = r.contentEnd;
  checkInteger(der, serialStart, serialEnd);
  r.expect(Tag.SEQUENCE, 'signature');
  const algAt = r.start;
  const algEnd = r.contentEnd;
  readAlgorithm(r, false);
  r.expect(Tag.SEQUENCE, 'issuer');
  const issuerAt = r.start;
  readName(r, false);
  r.expect(Tag.SEQUENCE, 'validity');
  r.enter();
  r.next();
  const notBefore = decodeTime(der, r.tag, r.contentStart, r.contentEnd);
  r.next();
  const notAfter = decodeTime(der, r.tag, r.contentStart, r.contentEnd);
  r.leave('validity');
  r.expect(Tag.SEQUENCE, 'subject');
  const subjectAt = r.start;
  readName(r, false);
  r.expect(Tag.SEQUENCE, 'subjectPublicKeyInfo');
  const spkiAt = r.start;
  readSpki(r, false);
  for (let tag = 0x81; tag <= 0x82; tag++) {
    if (!r.optional(tag)) continue;
    if (version === 1) throw new DerError('unique identifiers require v2 or v3', r.start);
    checkBitString(der, r.contentStart, r.contentEnd);
  }
  let extensionsAt = -1;
  if (r.optional(0xa3)) {
    if (version !== 3) throw new DerError('extensions require v3', r.start);
    r.enter();
    r.expect(Tag.SEQUENCE, 'Extensions');
    extensionsAt = r.start;
    readExtensions(r, false);
    r.leave('extensions');
  }
  r.leave('tbsCertificate');

  r.expect(Tag.SEQUENCE, 'signatureAlgorithm');
  if (!sameBytes(der, algAt, algEnd, r.start, r.contentEnd)) {
    throw new DerError('signature algorithm in tbsCertificate differs from signatureAlgorithm', r.start);
  }
  r.expect(Tag.BIT_STRING, 'signatureValue');
  if (checkBitString(der, r.contentStart, r.contentEnd) !== 0) {
    throw new DerError('signatureValue has unused bits', r.start);
  }
  const sigStart = r.contentStart + 1;
  const sigEnd = r.contentEnd;
  r.leave('Certificate');

  return new Certificate(der, sha256, {
    version,
    notBefore,
    notAfter,
    serialStart,
    serialEnd,
    algAt,
    issuerAt,
    subjectAt,
    spkiAt,
    extensionsAt,
    tbsStart,
    tbsEnd,
    sigStart,
    sigEnd,
  });
}
