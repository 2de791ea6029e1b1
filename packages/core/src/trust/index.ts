/**
 * @yizheng/core/trust: trust anchors, certification path building and validation (RFC 5280 §6 with the
 * Chinese CA profile in mind: SM2, RSA and ECDSA chains), and revocation by OCSP and CRL with a
 * policy per provider.
 *
 * @module
 */
export { createCertificateTrust, type CertificateTrustOptions } from './certificate-trust';
export type { CertificateTrust, TrustOutcome, LoginWarning } from '../context/context';
export { createTrustStore, type TrustAnchor, type TrustAnchorEntry, type TrustAnchorInput, type TrustStore } from './store';
export {
  DEFAULT_MAX_CANDIDATES,
  DEFAULT_MAX_INTERMEDIATES,
  MAX_SUPPLIED_INTERMEDIATES,
  validateCertificatePath,
  type ValidatePathOptions,
  type ValidatedPath,
} from './path';
export { ALLOWED_EC_CURVES, DEFAULT_MIN_RSA_BITS, UNDERSTOOD_CRITICAL_EXTENSIONS } from './checks';
export {
  createRevocationChecker,
  type FetchFunction,
  type RevocationChecker,
  type RevocationContext,
  type RevocationMethod,
  type RevocationOptions,
  type RevocationPolicy,
  type RevocationReport,
  type RevocationStatus,
} from './revocation';
export { CRL_REASON_ZH, type CrlReason } from './crl';
export type { CertIdHash } from './ocsp';
export type { FailedCertificateDetails, PathErrorCode } from './failure';
