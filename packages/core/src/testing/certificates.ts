/**
 * Issues X.509 v3 (or v1) certificates for tests: roots, intermediates and leaves with the
 * extensions Chinese CA certificates carry.
 */
import { randomBytes } from 'node:crypto';
import {
  derBitString,
  derBoolean,
  derExplicit,
  derIa5String,
  derImplicit,
  derInteger,
  derNamedBits,
  derOctetString,
  derOid,
  derSequence,
  derTime,
  derUtf8String,
} from '../asn1/encode';
import { KEY_USAGE_NAMES, parseCertificate, type Certificate, type KeyUsageName } from '../cert/index';
import { generateTestKey, toPem, type TestKey, type TestKeyAlgorithm, type TestSignatureHash } from './keys';
import { encodeTestName, type TestName } from './names';

/** A certificate with its private key, able to issue certificates, CRLs and OCSP responses. */
export interface TestIssuer {
  /** The parsed certificate. */
  readonly certificate: Certificate;
  /** Its key pair. */
  readonly key: TestKey;
}

/** An issued test certificate. */
export interface TestCertificate extends TestIssuer {
  /** The certificate DER. */
  readonly der: Uint8Array;
  /** The certificate PEM. */
  readonly pem: string;
}

/** An extra extension, e.g. a GM/T 0015 identity OID with a UTF8String (see {@link utf8Extension}). */
export interface TestExtension {
  /** Extension OID. */
  readonly oid: string;
  /** The critical flag (default false). */
  readonly critical?: boolean;
  /** The extnValue contents: the extension's own DER. */
  readonly value: Uint8Array;
}

/** subjectAltName entries. */
export interface TestAltNames {
  /** dNSName entries. */
  readonly dns?: readonly string[];
  /** rfc822Name (e-mail) entries. */
  readonly email?: readonly string[];
  /** uniformResourceIdentifier entries. */
  readonly uri?: readonly string[];
  /** iPAddress entries, dotted IPv4. */
  readonly ip?: readonly string[];
}

/** What {@link issueCertificate} puts in a certificate. Everything is optional but `subject`. */
export interface IssueCertificateOptions {
  /** The subject name. */
  readonly subject: TestName;
  /** The issuer; absent for a self-signed certificate. */
  readonly issuer?: TestIssuer | undefined;
  /** The subject key; default a fresh key of `keyAlgorithm`. */
  readonly key?: TestKey | undefined;
  /** Algorithm of a fresh subject key: default the issuer's, `ec` for a self-signed certificate. */
  readonly keyAlgorithm?: TestKeyAlgorithm | undefined;
  /** Hash the issuer signs with (RSA and ECDSA; SM2 always uses SM3). Default sha256. */
  readonly signatureHash?: TestSignatureHash | undefined;
  /** Serial number: a bigint or hex text; default 16 random bytes (positive). */
  readonly serialNumber?: bigint | string | undefined;
  /**
   * Start of validity; default one year ago (ten years for a CA), so that tests with a fake clock
   * a few months off still fall inside the window.
   */
  readonly notBefore?: Date | undefined;
  /**
   * End of validity; default one year from now (ten for a CA), or two years (twenty) after an
   * explicit `notBefore`.
   */
  readonly notAfter?: Date | undefined;
  /** X.509 version: 3 (default) or 1 (no extensions at all). */
  readonly version?: 1 | 3 | undefined;
  /**
   * basicConstraints: `{ ca, pathLength?, critical? }` (critical defaults to true for a CA), or
   * false to leave it out. Default: `{ ca: true }` when `ca` is true, absent otherwise.
   */
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLength?: number; readonly critical?: boolean } | false | undefined;
  /** Shorthand for a CA certificate (basicConstraints cA and keyCertSign + cRLSign). */
  readonly ca?: boolean | undefined;
  /** pathLenConstraint for a CA (with `ca: true`). */
  readonly pathLength?: number | undefined;
  /**
   * keyUsage bit names, or false to leave it out. Default keyCertSign + cRLSign for a CA,
   * digitalSignature + nonRepudiation for a leaf.
   */
  readonly keyUsage?: readonly KeyUsageName[] | false | undefined;
  /** keyUsage critical flag; default true. */
  readonly keyUsageCritical?: boolean | undefined;
  /** extKeyUsage OIDs or names (`serverAuth`, `clientAuth`, `codeSigning`, `emailProtection`, `timeStamping`, `OCSPSigning`, `anyExtendedKeyUsage`). */
  readonly extKeyUsage?: readonly string[] | undefined;
  /** subjectKeyIdentifier bytes, or false to leave it out; default SHA-1 of the key bits. */
  readonly subjectKeyIdentifier?: Uint8Array | false | undefined;
  /** authorityKeyIdentifier keyIdentifier, or false to leave it out; default the issuer's key identifier. */
  readonly authorityKeyIdentifier?: Uint8Array | false | undefined;
  /** cRLDistributionPoints URIs (one distribution point each). */
  readonly crlDistributionPoints?: readonly string[] | undefined;
  /** authorityInfoAccess OCSP responder URIs. */
  readonly ocspUrls?: readonly string[] | undefined;
  /** authorityInfoAccess caIssuers URIs. */
  readonly caIssuerUrls?: readonly string[] | undefined;
  /** certificatePolicies policy OIDs. */
  readonly policies?: readonly string[] | undefined;
  /** subjectAltName entries. */
  readonly subjectAltNames?: TestAltNames | undefined;
  /** Further extensions, appended after the standard ones. */
  readonly extensions?: readonly TestExtension[] | undefined;
  /** Issuer name override (default the issuer's subject, or the subject when self-signed). */
  readonly issuerName?: TestName | undefined;
  /** Sign with this key instead of the issuer's (to make a certificate whose signature is wrong). */
  readonly signWith?: TestKey | undefined;
}

const EKU_NAMES: Readonly<Record<string, string>> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  OCSPSigning: '1.3.6.1.5.5.7.3.9',
  anyExtendedKeyUsage: '2.5.29.37.0',
};

const DAY = 86_400_000;

/** An Extension SEQUENCE. */
export function encodeExtension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical
    ? derSequence(derOid(oid), derBoolean(true), derOctetString(value))
    : derSequence(derOid(oid), derOctetString(value));
}

/** An extension whose value is one UTF8String, e.g. `utf8Extension('1.2.156.10260.4.1.4', '91350200556207664B')`. */
export function utf8Extension(oid: string, text: string, critical = false): TestExtension {
  return { oid, critical, value: derUtf8String(text) };
}

/** A random positive serial number of 16 bytes. */
export function randomSerial(): bigint {
  const b = randomBytes(16);
  b[0] = ((b[0] ?? 0) & 0x7f) | 0x01;
  return BigInt('0x' + b.toString('hex'));
}

function serialOf(s: bigint | string | undefined): bigint {
  if (s === undefined) return randomSerial();
  if (typeof s === 'bigint') return s;
  if (!/^[0-9a-fA-F]+$/.test(s)) throw new RangeError(`serial number ${JSON.stringify(s)} is not hex`);
  return BigInt('0x' + s);
}

function ipBytes(ip: string): Uint8Array {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new RangeError(`${ip} is not a dotted IPv4 address`);
  }
  return Uint8Array.from(parts);
}

/** GeneralNames for a subjectAltName. */
function altNames(n: TestAltNames): Uint8Array {
  return derSequence(
    ...(n.email ?? []).map((e) => derImplicit(1, derIa5String(e))),
    ...(n.dns ?? []).map((d) => derImplicit(2, derIa5String(d))),
    ...(n.uri ?? []).map((u) => derImplicit(6, derIa5String(u))),
    ...(n.ip ?? []).map((ip) => derImplicit(7, derOctetString(ipBytes(ip)))),
  );
}

function keyUsageBits(names: readonly KeyUsageName[]): number[] {
  return names.map((n) => {
    const i = KEY_USAGE_NAMES.indexOf(n);
    if (i < 0) throw new RangeError(`unknown keyUsage ${String(n)}`);
    return i;
  });
}

function extensionsOf(o: IssueCertificateOptions, key: TestKey, issuerKey: TestKey): Uint8Array[] {
  const out: Uint8Array[] = [];
  const isCa = o.ca === true || (o.basicConstraints !== undefined && o.basicConstraints !== false && o.basicConstraints.ca);
  type Bc = { readonly ca: boolean; readonly pathLength?: number | undefined; readonly critical?: boolean | undefined };
  const bc: Bc | false = o.basicConstraints ?? (o.ca === true ? { ca: true, pathLength: o.pathLength } : false);
  if (bc !== false) {
    const fields: Uint8Array[] = [];
    if (bc.ca) fields.push(derBoolean(true));
    if (bc.pathLength !== undefined) fields.push(derInteger(bc.pathLength));
    out.push(encodeExtension('2.5.29.19', bc.critical ?? bc.ca, derSequence(...fields)));
  }
  const ku = o.keyUsage ?? (isCa ? (['keyCertSign', 'cRLSign'] as const) : (['digitalSignature', 'nonRepudiation'] as const));
  if (ku !== false) out.push(encodeExtension('2.5.29.15', o.keyUsageCritical ?? true, derNamedBits(keyUsageBits(ku))));
  if (o.extKeyUsage !== undefined) {
    out.push(encodeExtension('2.5.29.37', false, derSequence(...o.extKeyUsage.map((e) => derOid(EKU_NAMES[e] ?? e)))));
  }
  const ski = o.subjectKeyIdentifier ?? key.keyIdentifier;
  if (ski !== false) out.push(encodeExtension('2.5.29.14', false, derOctetString(ski)));
  const aki = o.authorityKeyIdentifier ?? issuerKey.keyIdentifier;
  if (aki !== false) out.push(encodeExtension('2.5.29.35', false, derSequence(derImplicit(0, derOctetString(aki)))));
  if (o.crlDistributionPoints !== undefined && o.crlDistributionPoints.length > 0) {
    const dps = o.crlDistributionPoints.map((u) => derSequence(derExplicit(0, derExplicit(0, derImplicit(6, derIa5String(u))))));
    out.push(encodeExtension('2.5.29.31', false, derSequence(...dps)));
  }
  const access = [
    ...(o.ocspUrls ?? []).map((u) => derSequence(derOid('1.3.6.1.5.5.7.48.1'), derImplicit(6, derIa5String(u)))),
    ...(o.caIssuerUrls ?? []).map((u) => derSequence(derOid('1.3.6.1.5.5.7.48.2'), derImplicit(6, derIa5String(u)))),
  ];
  if (access.length > 0) out.push(encodeExtension('1.3.6.1.5.5.7.1.1', false, derSequence(...access)));
  if (o.policies !== undefined && o.policies.length > 0) {
    out.push(encodeExtension('2.5.29.32', false, derSequence(...o.policies.map((p) => derSequence(derOid(p))))));
  }
  if (o.subjectAltNames !== undefined) out.push(encodeExtension('2.5.29.17', false, altNames(o.subjectAltNames)));
  for (const e of o.extensions ?? []) out.push(encodeExtension(e.oid, e.critical ?? false, e.value));
  return out;
}

/**
 * Issues a certificate signed by `options.issuer` (self-signed without one). Defaults make a
 * valid leaf (or, with `ca: true`, a valid CA) for the year around now.
 *
 * @example
 * ```ts
 * const root = createTestCa({ subject: 'CN=Test Root, O=Yizheng, C=CN' });
 * const leaf = issueCertificate({
 *   issuer: root,
 *   subject: 'CN=张三, O=某某科技有限公司, C=CN',
 *   extensions: [utf8Extension('1.2.156.10260.4.1.4', '91350200556207664B')],
 * });
 * ```
 */
export function issueCertificate(options: IssueCertificateOptions): TestCertificate {
  const issuer = options.issuer;
  const key = options.key ?? generateTestKey(options.keyAlgorithm ?? issuer?.key.algorithm ?? 'ec');
  const issuerKey = issuer?.key ?? key;
  const signer = options.signWith ?? issuerKey;
  const hash = options.signatureHash;
  const isCa = options.ca === true || (options.basicConstraints !== undefined && options.basicConstraints !== false && options.basicConstraints.ca);
  // Wide default windows, so tests with a fake clock months away from today still fall inside.
  const span = (isCa ? 3650 : 365) * DAY;
  const notBefore = options.notBefore ?? new Date(Date.now() - span);
  const notAfter = options.notAfter ?? new Date(options.notBefore === undefined ? Date.now() + span : notBefore.getTime() + 2 * span);
  const subject = encodeTestName(options.subject);
  const issuerName =
    options.issuerName !== undefined ? encodeTestName(options.issuerName) : issuer !== undefined ? issuer.certificate.subject.der : subject;
  const algorithm = signer.signatureAlgorithm(hash);
  const version = options.version ?? 3;
  const extensions = version === 3 ? extensionsOf(options, key, issuerKey) : [];
  const tbs = derSequence(
    ...(version === 3 ? [derExplicit(0, derInteger(2))] : []),
    derInteger(serialOf(options.serialNumber)),
    algorithm,
    issuerName,
    derSequence(derTime(notBefore), derTime(notAfter)),
    subject,
    key.spki,
    ...(extensions.length > 0 ? [derExplicit(3, derSequence(...extensions))] : []),
  );
  const der = derSequence(tbs, algorithm, derBitString(signer.sign(tbs, hash)));
  return Object.freeze({ der, pem: toPem('CERTIFICATE', der), certificate: parseCertificate(der), key });
}

/** Options of {@link createTestCa}: those of {@link issueCertificate}, with a default subject. */
export type TestCaOptions = Omit<IssueCertificateOptions, 'subject' | 'ca'> & { readonly subject?: TestName | undefined };

/**
 * A CA certificate: self-signed root by default, an intermediate when `issuer` is given.
 * basicConstraints cA (critical), keyUsage keyCertSign + cRLSign, SKI and AKI.
 */
export function createTestCa(options: TestCaOptions = {}): TestCertificate {
  return issueCertificate({ ...options, subject: options.subject ?? 'CN=Yizheng Test Root CA, O=Yizheng, C=CN', ca: true });
}

/** The signing and encryption certificates Chinese SM2 keys hold (GM/T 0015). */
export interface TestCertificatePair {
  /** digitalSignature + nonRepudiation: log in and bind with this one. */
  readonly signing: TestCertificate;
  /** keyEncipherment + dataEncipherment + keyAgreement (key escrowed by the CA in real life). */
  readonly encryption: TestCertificate;
}

/**
 * A signing certificate and an encryption certificate for the same subject, with distinct keys and
 * serial numbers, as a UKey holds them.
 */
export function issueCertificatePair(options: Omit<IssueCertificateOptions, 'keyUsage' | 'key' | 'serialNumber'>): TestCertificatePair {
  const signing = issueCertificate({ ...options, keyUsage: ['digitalSignature', 'nonRepudiation'] });
  const encryption = issueCertificate({ ...options, keyUsage: ['keyEncipherment', 'dataEncipherment', 'keyAgreement'] });
  return Object.freeze({ signing, encryption });
}

/** A certificate's PEM (`-----BEGIN CERTIFICATE-----`). */
export function certificateToPem(certificate: Certificate | Uint8Array): string {
  return toPem('CERTIFICATE', certificate instanceof Uint8Array ? certificate : certificate.der);
}
