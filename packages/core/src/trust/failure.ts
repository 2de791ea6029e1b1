/**
 * The typed failures of path validation and revocation checking: each a YizhengError naming the
 * certificate (subject, serial number, SHA-256, position in the path) with a Chinese and an
 * English reason.
 */
import type { Certificate } from '../cert/index';
import { YizhengError, type YizhengErrorCode } from '../errors/index';

/** The codes path validation and revocation checking throw. */
export type PathErrorCode = Extract<
  YizhengErrorCode,
  'CERT_UNTRUSTED' | 'CERT_EXPIRED' | 'CERT_NOT_YET_VALID' | 'CERT_REVOKED' | 'REVOCATION_UNAVAILABLE'
>;

/** Details every path failure carries about the certificate it names. */
export interface FailedCertificateDetails {
  /** Subject DN, RFC 4514 order (e.g. `CN=张三, O=某某科技有限公司, C=CN`). */
  readonly subject: string;
  /** Issuer DN. */
  readonly issuer: string;
  /** Serial number, uppercase hex; a negative one (which RFC 5280 forbids) with a leading `-`, as OpenSSL prints it. */
  readonly serialNumber: string;
  /** SHA-256 fingerprint of the DER, lowercase hex. */
  readonly sha256: string;
  /** Position in the path: 0 is the leaf, then its issuer, and so on towards the anchor. */
  readonly position: number;
}

/** The naming details of `certificate` at `position`. */
export function describeCertificate(certificate: Certificate, position: number): FailedCertificateDetails {
  return {
    subject: certificate.subject.toString(),
    issuer: certificate.issuer.toString(),
    serialNumber: certificate.serialNumber,
    sha256: certificate.sha256,
    position,
  };
}

/** A reason in both languages. */
export interface Reason {
  /** Chinese. */
  readonly zh: string;
  /** English. */
  readonly en: string;
}

/** @internal Builds a path failure. `extra` adds code-specific details (dates, revocation data). */
export function pathError(
  code: PathErrorCode,
  certificate: Certificate,
  position: number,
  reason: Reason,
  extra: Readonly<Record<string, unknown>> = {},
  cause?: unknown,
): YizhengError {
  return new YizhengError(
    code,
    { ...describeCertificate(certificate, position), reason: reason.zh, reasonEn: reason.en, ...extra },
    cause === undefined ? {} : { cause },
  );
}

/** @internal CERT_UNTRUSTED with a reason. */
export function untrusted(certificate: Certificate, position: number, zh: string, en: string, cause?: unknown): YizhengError {
  return pathError('CERT_UNTRUSTED', certificate, position, { zh, en }, {}, cause);
}
