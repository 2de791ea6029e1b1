/**
 * Issues v2 CRLs for tests.
 */
import {
  derBitString,
  derEnumerated,
  derExplicit,
  derGeneralizedTime,
  derImplicit,
  derInteger,
  derOctetString,
  derSequence,
  derTime,
} from '../asn1/encode';
import type { CrlReason } from '../trust/crl';
import { CRL_REASONS } from '../trust/crl';
import { encodeExtension, type TestExtension, type TestIssuer } from './certificates';
import { toPem, type TestKey, type TestSignatureHash } from './keys';
import { encodeTestName, type TestName } from './names';

/** A revoked entry of {@link issueCrl}. */
export interface TestRevokedEntry {
  /** The revoked certificate's serial number: a bigint, hex text, or a certificate holding one. */
  readonly serialNumber: bigint | string | { readonly serialNumber: string };
  /** revocationDate; default one hour before thisUpdate. */
  readonly revocationDate?: Date | undefined;
  /** reasonCode entry extension. */
  readonly reason?: CrlReason | undefined;
  /** invalidityDate entry extension. */
  readonly invalidityDate?: Date | undefined;
}

/** Options of {@link issueCrl}. */
export interface IssueCrlOptions {
  /** The CA whose CRL this is (issuer name, signing key, AKI). */
  readonly issuer: TestIssuer;
  /** Revoked certificates. */
  readonly revoked?: readonly TestRevokedEntry[] | undefined;
  /** thisUpdate; default now. */
  readonly thisUpdate?: Date | undefined;
  /** nextUpdate; default one day after thisUpdate; null to leave it out. */
  readonly nextUpdate?: Date | null | undefined;
  /** cRLNumber; default 1; null to leave it out. */
  readonly crlNumber?: bigint | null | undefined;
  /** authorityKeyIdentifier; default the issuer's key identifier; false to leave it out. */
  readonly authorityKeyIdentifier?: Uint8Array | false | undefined;
  /** Version: 2 (default) or 1 (no version field, no extensions). */
  readonly version?: 1 | 2 | undefined;
  /** Extra CRL extensions (e.g. a deltaCRLIndicator, an issuingDistributionPoint). */
  readonly extensions?: readonly TestExtension[] | undefined;
  /** Issuer name override. */
  readonly issuerName?: TestName | undefined;
  /** Sign with another key (a CRL whose signature is wrong). */
  readonly signWith?: TestKey | undefined;
  /** Hash for RSA / ECDSA; default sha256. */
  readonly signatureHash?: TestSignatureHash | undefined;
}

/** An issued CRL. */
export interface TestCrl {
  /** CertificateList DER. */
  readonly der: Uint8Array;
  /** PEM (`-----BEGIN X509 CRL-----`). */
  readonly pem: string;
}

function serialOf(s: TestRevokedEntry['serialNumber']): bigint {
  if (typeof s === 'bigint') return s;
  const hex = typeof s === 'string' ? s : s.serialNumber;
  // A negative serial prints as OpenSSL does: `-` and the magnitude.
  return hex.startsWith('-') ? -BigInt('0x' + hex.slice(1)) : BigInt('0x' + hex);
}

/**
 * Issues a v2 CRL signed by `issuer` (RFC 5280 §5) with cRLNumber and authorityKeyIdentifier,
 * and reasonCode / invalidityDate entry extensions as given.
 */
export function issueCrl(options: IssueCrlOptions): TestCrl {
  const issuer = options.issuer;
  const signer = options.signWith ?? issuer.key;
  const thisUpdate = options.thisUpdate ?? new Date();
  const nextUpdate = options.nextUpdate === undefined ? new Date(thisUpdate.getTime() + 86_400_000) : options.nextUpdate;
  const algorithm = signer.signatureAlgorithm(options.signatureHash);
  const v2 = (options.version ?? 2) === 2;
  const entries = (options.revoked ?? []).map((e) => {
    const exts: Uint8Array[] = [];
    if (e.reason !== undefined) exts.push(encodeExtension('2.5.29.21', false, derEnumerated(CRL_REASONS.indexOf(e.reason))));
    if (e.invalidityDate !== undefined) exts.push(encodeExtension('2.5.29.24', false, derGeneralizedTime(e.invalidityDate)));
    const date = e.revocationDate ?? new Date(thisUpdate.getTime() - 3_600_000);
    return derSequence(derInteger(serialOf(e.serialNumber)), derTime(date), ...(exts.length > 0 && v2 ? [derSequence(...exts)] : []));
  });
  const crlExts: Uint8Array[] = [];
  const aki = options.authorityKeyIdentifier ?? issuer.key.keyIdentifier;
  if (aki !== false) crlExts.push(encodeExtension('2.5.29.35', false, derSequence(derImplicit(0, derOctetString(aki)))));
  const number = options.crlNumber === undefined ? 1n : options.crlNumber;
  if (number !== null) crlExts.push(encodeExtension('2.5.29.20', false, derInteger(number)));
  for (const e of options.extensions ?? []) crlExts.push(encodeExtension(e.oid, e.critical ?? false, e.value));
  const tbs = derSequence(
    ...(v2 ? [derInteger(1)] : []),
    algorithm,
    options.issuerName !== undefined ? encodeTestName(options.issuerName) : issuer.certificate.subject.der,
    derTime(thisUpdate),
    ...(nextUpdate === null ? [] : [derTime(nextUpdate)]),
    ...(entries.length > 0 ? [derSequence(...entries)] : []),
    ...(v2 && crlExts.length > 0 ? [derExplicit(0, derSequence(...crlExts))] : []),
  );
  const der = derSequence(tbs, algorithm, derBitString(signer.sign(tbs, options.signatureHash)));
  return Object.freeze({ der, pem: toPem('X509 CRL', der) });
}
