/**
 * @yizheng/core/cert: X.509 certificate parsing: PEM, DER and bare base64 in; an immutable {@link Certificate} out.
 *
 * @module
 */
export {
  DEFAULT_CERTIFICATE_CACHE_SIZE,
  clearCertificateCache,
  parseCertificate,
  parseCertificates,
  setCertificateCacheSize,
} from './parse';
export { MAX_BUNDLE_CERTIFICATES, MAX_CERTIFICATE_BYTES, type CertificateInput } from './input';
export { Certificate, type CertificatePurpose, type SignatureAlgorithm } from './certificate';
export {
  DistinguishedName,
  attributeShortName,
  type DnFormatOptions,
  type NameAttribute,
  type RelativeDistinguishedName,
} from './name';
export {
  KEY_USAGE_NAMES,
  type BasicConstraints,
  type CertificateExtension,
  type GeneralName,
  type GeneralNameType,
  type KeyUsageName,
} from './extensions';
export type {
  EcCurve,
  EcPublicKeyInfo,
  PublicKeyInfo,
  RsaPublicKeyInfo,
  Sm2PublicKeyInfo,
  UnknownPublicKeyInfo,
} from './public-key';
export { OID_NAMES, oidName } from '../asn1/oids';
