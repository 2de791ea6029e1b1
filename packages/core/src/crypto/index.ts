/**
 * @yizheng/core/crypto: signature verification for what Chinese CA clients produce: RSA (PKCS#1 v1.5, PSS), ECDSA and
 * SM2-with-SM3, as DER, raw r‖s, SKF blobs or PKCS#7 / CMS SignedData; certificate signatures for
 * chain validation; SM3 and the SM2 Z value.
 *
 * @module
 */
export {
  MAX_SIGNATURE_BYTES,
  assertSignature,
  clearSignatureCaches,
  verifyCertificateSignature,
  verifySignature,
  type SignatureHash,
  type VerifySignatureOptions,
} from './verify';
export type { SignatureFormat } from './signature-format';
export type { PublicKeyInput } from './keys';
export { DEFAULT_SM2_TABLE_CACHE_SIZE, SM2_DEFAULT_USER_ID, computeSm2Z, setSm2TableCacheSize } from './sm2';
export { Sm3, sm3 } from './sm3';
