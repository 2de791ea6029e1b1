/**
 * A test CA kit: issue root, intermediate and leaf certificates (RSA-2048, ECDSA P-256 or SM2
 * keys; Chinese subject names; any validity, serial, key usage, extended key usage, basic
 * constraints, key identifiers, CRL and OCSP URLs, policies and extra extensions such as the
 * GM/T 0015 identity OIDs), signing / encryption pairs, v2 CRLs and OCSP responses, and PEM
 * writers for certificates and PKCS#8 keys.
 *
 * For tests and demos only: keys are unprotected and SM2 signing is not constant-time.
 *
 * @module
 */
export {
  cachedTestKey,
  generateTestKey,
  importTestKey,
  privateKeyToPem,
  publicKeyToPem,
  type TestKey,
  type TestKeyAlgorithm,
  type TestSignatureHash,
} from './keys';
export { encodeTestName, type TestName } from './names';
export {
  certificateToPem,
  createTestCa,
  encodeExtension,
  issueCertificate,
  issueCertificatePair,
  randomSerial,
  utf8Extension,
  type IssueCertificateOptions,
  type TestAltNames,
  type TestCaOptions,
  type TestCertificate,
  type TestCertificatePair,
  type TestExtension,
  type TestIssuer,
} from './certificates';
export { issueCrl, type IssueCrlOptions, type TestCrl, type TestRevokedEntry } from './crl';
export {
  createOcspResponder,
  createOcspResponse,
  readOcspRequest,
  type CreateOcspResponseOptions,
  type OcspResponseStatusName,
  type TestOcspAnswer,
  type TestOcspRequest,
  type TestOcspResponderOptions,
} from './ocsp';
