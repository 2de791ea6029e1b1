/**
 * Object identifiers Yizheng knows by name: algorithms (including the Chinese SM2/SM3/SM4 family),
 * certificate extensions, extended key usages, access methods, policy qualifiers, name attributes and
 * the identity OIDs Chinese CAs put in certificates. Names follow OpenSSL / RFC
 * spelling where one exists.
 */

/** Named OIDs used by the parsers, as constants. */
export const OID = {
  // Public key algorithms and curves
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8',
  ecPublicKey: '1.2.840.10045.2.1',
  dsa: '1.2.840.10040.4.1',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  x25519: '1.3.101.110',
  x448: '1.3.101.111',
  secp256r1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
  sm2: '1.2.156.10197.1.301',
  sm2Sign: '1.2.156.10197.1.301.1',
  sm3: '1.2.156.10197.1.401',
  sm2WithSm3: '1.2.156.10197.1.501',
  // Extensions
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  cRLDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  // Access methods
  ocsp: '1.3.6.1.5.5.7.48.1',
  caIssuers: '1.3.6.1.5.5.7.48.2',
  // Name attributes
  emailAddress: '1.2.840.113549.1.9.1',
} as const;

/** The signature schemes an algorithm OID fixes: its key family and hash. */
export interface SignatureScheme {
  /** `rsa` is RSASSA-PKCS1-v1_5; RSASSA-PSS carries its parameters and is not listed here. */
  readonly family: 'rsa' | 'ecdsa' | 'sm2';
  readonly hash: 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'sm3';
}

/** Signature algorithm OIDs with a fixed hash (RFC 8017, RFC 5758, GM/T 0006): the one table verifiers read. */
export const SIGNATURE_SCHEMES: ReadonlyMap<string, SignatureScheme> = new Map<string, SignatureScheme>([
  ['1.2.840.113549.1.1.5', { family: 'rsa', hash: 'sha1' }],
  ['1.2.840.113549.1.1.14', { family: 'rsa', hash: 'sha224' }],
  ['1.2.840.113549.1.1.11', { family: 'rsa', hash: 'sha256' }],
  ['1.2.840.113549.1.1.12', { family: 'rsa', hash: 'sha384' }],
  ['1.2.840.113549.1.1.13', { family: 'rsa', hash: 'sha512' }],
  ['1.2.840.10045.4.1', { family: 'ecdsa', hash: 'sha1' }],
  ['1.2.840.10045.4.3.1', { family: 'ecdsa', hash: 'sha224' }],
  ['1.2.840.10045.4.3.2', { family: 'ecdsa', hash: 'sha256' }],
  ['1.2.840.10045.4.3.3', { family: 'ecdsa', hash: 'sha384' }],
  ['1.2.840.10045.4.3.4', { family: 'ecdsa', hash: 'sha512' }],
  ['1.2.156.10197.1.501', { family: 'sm2', hash: 'sm3' }],
]);

/** The OIDs of one family in {@link SIGNATURE_SCHEMES}, with their hash. */
export function signatureOidsOf(family: SignatureScheme['family']): ReadonlyMap<string, SignatureScheme['hash']> {
  return new Map([...SIGNATURE_SCHEMES].filter(([, s]) => s.family === family).map(([oid, s]) => [oid, s.hash]));
}

const NAMES: ReadonlyArray<readonly [string, string]> = [
  // RSA
  ['1.2.840.113549.1.1.1', 'rsaEncryption'],
  ['1.2.840.113549.1.1.2', 'md2WithRSAEncryption'],
  ['1.2.840.113549.1.1.4', 'md5WithRSAEncryption'],
  ['1.2.840.113549.1.1.5', 'sha1WithRSAEncryption'],
  ['1.2.840.113549.1.1.7', 'RSAES-OAEP'],
  ['1.2.840.113549.1.1.8', 'mgf1'],
  ['1.2.840.113549.1.1.10', 'RSASSA-PSS'],
  ['1.2.840.113549.1.1.11', 'sha256WithRSAEncryption'],
  ['1.2.840.113549.1.1.12', 'sha384WithRSAEncryption'],
  ['1.2.840.113549.1.1.13', 'sha512WithRSAEncryption'],
  ['1.2.840.113549.1.1.14', 'sha224WithRSAEncryption'],
  ['1.3.14.3.2.29', 'sha1WithRSA'],
  // EC, DSA, EdDSA
  ['1.2.840.10045.2.1', 'id-ecPublicKey'],
  ['1.2.840.10045.4.1', 'ecdsa-with-SHA1'],
  ['1.2.840.10045.4.3.1', 'ecdsa-with-SHA224'],
  ['1.2.840.10045.4.3.2', 'ecdsa-with-SHA256'],
  ['1.2.840.10045.4.3.3', 'ecdsa-with-SHA384'],
  ['1.2.840.10045.4.3.4', 'ecdsa-with-SHA512'],
  ['1.2.840.10040.4.1', 'dsa'],
  ['1.2.840.10040.4.3', 'dsa-with-SHA1'],
  ['2.16.840.1.101.3.4.3.2', 'dsa-with-SHA256'],
  ['1.3.101.110', 'X25519'],
  ['1.3.101.111', 'X448'],
  ['1.3.101.112', 'Ed25519'],
  ['1.3.101.113', 'Ed448'],
  ['1.2.840.10045.3.1.1', 'prime192v1'],
  ['1.2.840.10045.3.1.7', 'prime256v1'],
  ['1.3.132.0.33', 'secp224r1'],
  ['1.3.132.0.34', 'secp384r1'],
  ['1.3.132.0.35', 'secp521r1'],
  ['1.3.132.0.10', 'secp256k1'],
  ['1.3.36.3.3.2.8.1.1.7', 'brainpoolP256r1'],
  ['1.3.36.3.3.2.8.1.1.11', 'brainpoolP384r1'],
  ['1.3.36.3.3.2.8.1.1.13', 'brainpoolP512r1'],
  // Hashes
  ['1.3.14.3.2.26', 'sha1'],
  ['2.16.840.1.101.3.4.2.1', 'sha256'],
  ['2.16.840.1.101.3.4.2.2', 'sha384'],
  ['2.16.840.1.101.3.4.2.3', 'sha512'],
  ['2.16.840.1.101.3.4.2.4', 'sha224'],
  ['1.2.840.113549.2.5', 'md5'],
  // Chinese commercial cryptography (GM/T 0006)
  ['1.2.156.10197.1.104', 'SM4'],
  ['1.2.156.10197.1.301', 'SM2'],
  ['1.2.156.10197.1.301.1', 'sm2sign'],
  ['1.2.156.10197.1.301.2', 'sm2exchange'],
  ['1.2.156.10197.1.301.3', 'sm2encrypt'],
  ['1.2.156.10197.1.401', 'SM3'],
  ['1.2.156.10197.1.501', 'SM2-with-SM3'],
  ['1.2.156.10197.1.502', 'SM2-with-SHA1'],
  ['1.2.156.10197.1.503', 'SM2-with-SHA256'],
  ['1.2.156.10197.1.504', 'SM3-with-RSA'],
  ['1.2.156.10197.6.1.4.2.1', 'gmData'],
  ['1.2.156.10197.6.1.4.2.2', 'gmSignedData'],
  ['1.2.156.10197.6.1.4.2.3', 'gmEnvelopedData'],
  // PKCS#7 / CMS content types
  ['1.2.840.113549.1.7.1', 'data'],
  ['1.2.840.113549.1.7.2', 'signedData'],
  ['1.2.840.113549.1.7.3', 'envelopedData'],
  // Certificate extensions
  ['2.5.29.9', 'subjectDirectoryAttributes'],
  ['2.5.29.14', 'subjectKeyIdentifier'],
  ['2.5.29.15', 'keyUsage'],
  ['2.5.29.16', 'privateKeyUsagePeriod'],
  ['2.5.29.17', 'subjectAltName'],
  ['2.5.29.18', 'issuerAltName'],
  ['2.5.29.19', 'basicConstraints'],
  ['2.5.29.30', 'nameConstraints'],
  ['2.5.29.31', 'cRLDistributionPoints'],
  ['2.5.29.32', 'certificatePolicies'],
  ['2.5.29.32.0', 'anyPolicy'],
  ['2.5.29.33', 'policyMappings'],
  ['2.5.29.35', 'authorityKeyIdentifier'],
  ['2.5.29.36', 'policyConstraints'],
  ['2.5.29.37', 'extKeyUsage'],
  ['2.5.29.37.0', 'anyExtendedKeyUsage'],
  ['2.5.29.46', 'freshestCRL'],
  ['2.5.29.54', 'inhibitAnyPolicy'],
  ['1.3.6.1.5.5.7.1.1', 'authorityInfoAccess'],
  ['1.3.6.1.5.5.7.1.3', 'qcStatements'],
  ['1.3.6.1.5.5.7.1.11', 'subjectInfoAccess'],
  ['1.3.6.1.5.5.7.1.24', 'tlsFeature'],
  ['1.3.6.1.4.1.11129.2.4.2', 'ctPrecertificateSCTs'],
  ['1.3.6.1.4.1.11129.2.4.3', 'ctPrecertificatePoison'],
  ['2.16.840.1.113730.1.1', 'netscapeCertType'],
  ['2.16.840.1.113730.1.13', 'netscapeComment'],
  ['1.3.6.1.4.1.311.20.2', 'msCertificateTemplateName'],
  ['1.3.6.1.4.1.311.21.7', 'msCertificateTemplate'],
  ['1.3.6.1.4.1.311.21.10', 'msApplicationPolicies'],
  // Extended key usages
  ['1.3.6.1.5.5.7.3.1', 'serverAuth'],
  ['1.3.6.1.5.5.7.3.2', 'clientAuth'],
  ['1.3.6.1.5.5.7.3.3', 'codeSigning'],
  ['1.3.6.1.5.5.7.3.4', 'emailProtection'],
  ['1.3.6.1.5.5.7.3.5', 'ipsecEndSystem'],
  ['1.3.6.1.5.5.7.3.6', 'ipsecTunnel'],
  ['1.3.6.1.5.5.7.3.7', 'ipsecUser'],
  ['1.3.6.1.5.5.7.3.8', 'timeStamping'],
  ['1.3.6.1.5.5.7.3.9', 'OCSPSigning'],
  ['1.3.6.1.5.5.7.3.17', 'ipsecIKE'],
  ['1.3.6.1.4.1.311.10.3.4', 'msEFS'],
  ['1.3.6.1.4.1.311.10.3.12', 'msDocumentSigning'],
  ['1.3.6.1.4.1.311.20.2.2', 'msSmartcardLogin'],
  ['1.3.6.1.5.2.3.4', 'pkInitClientAuth'],
  ['1.2.840.113583.1.1.5', 'adobePdfSigning'],
  // Access methods, policy qualifiers, OCSP
  ['1.3.6.1.5.5.7.48.1', 'ocsp'],
  ['1.3.6.1.5.5.7.48.2', 'caIssuers'],
  ['1.3.6.1.5.5.7.48.1.1', 'ocspBasic'],
  ['1.3.6.1.5.5.7.48.1.2', 'ocspNonce'],
  ['1.3.6.1.5.5.7.48.1.5', 'ocspNoCheck'],
  ['1.3.6.1.5.5.7.2.1', 'cps'],
  ['1.3.6.1.5.5.7.2.2', 'userNotice'],
  // Name attributes (X.520, PKCS#9, RFC 4519)
  ['2.5.4.3', 'commonName'],
  ['2.5.4.4', 'surname'],
  ['2.5.4.5', 'serialNumber'],
  ['2.5.4.6', 'countryName'],
  ['2.5.4.7', 'localityName'],
  ['2.5.4.8', 'stateOrProvinceName'],
  ['2.5.4.9', 'streetAddress'],
  ['2.5.4.10', 'organizationName'],
  ['2.5.4.11', 'organizationalUnitName'],
  ['2.5.4.12', 'title'],
  ['2.5.4.13', 'description'],
  ['2.5.4.15', 'businessCategory'],
  ['2.5.4.17', 'postalCode'],
  ['2.5.4.20', 'telephoneNumber'],
  ['2.5.4.41', 'name'],
  ['2.5.4.42', 'givenName'],
  ['2.5.4.43', 'initials'],
  ['2.5.4.44', 'generationQualifier'],
  ['2.5.4.45', 'x500UniqueIdentifier'],
  ['2.5.4.46', 'dnQualifier'],
  ['2.5.4.65', 'pseudonym'],
  ['2.5.4.97', 'organizationIdentifier'],
  ['0.9.2342.19200300.100.1.1', 'userId'],
  ['0.9.2342.19200300.100.1.25', 'domainComponent'],
  ['1.2.840.113549.1.9.1', 'emailAddress'],
  ['1.2.840.113549.1.9.2', 'unstructuredName'],
  ['1.2.840.113549.1.9.8', 'unstructuredAddress'],
  ['1.3.6.1.4.1.311.60.2.1.1', 'jurisdictionLocalityName'],
  ['1.3.6.1.4.1.311.60.2.1.2', 'jurisdictionStateOrProvinceName'],
  ['1.3.6.1.4.1.311.60.2.1.3', 'jurisdictionCountryName'],
  // The identity extensions of Chinese CAs (1.2.156.10260.4.1.*, BJCA's 1.2.156.112562.*, …) are
  // deliberately unnamed: the same OID means different things at different CAs, so
  // the identity module interprets them per provider instead of a name suggesting one meaning.
];

/** Every OID Yizheng knows, with its name. */
export const OID_NAMES: ReadonlyMap<string, string> = new Map(NAMES);

/** The name of `oid` (e.g. `SM2-with-SM3` for `1.2.156.10197.1.501`), or undefined when unknown. */
export function oidName(oid: string): string | undefined {
  return OID_NAMES.get(oid);
}
