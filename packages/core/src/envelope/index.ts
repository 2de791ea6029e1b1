/**
 * @yizheng/core/envelope: digital envelopes (数字信封) for sealed bids. {@link sealEnvelope} seals content to
 * suppliers' or the platform's encryption certificates: GM/T 0010-2012 / GB/T 35275-2017
 * envelopedData (SM2 key transport, SM4-CBC) for SM2 certificates, RFC 5652 EnvelopedData
 * (RSAES-OAEP or PKCS#1 v1.5, AES-256-CBC) or RFC 5083 AuthEnvelopedData (AES-256-GCM) for RSA ones.
 * {@link openEnvelope} opens them, and OpenSSL's, at 开标 with the recipient's private key.
 * The SM2 public-key encryption underneath ({@link sm2Encrypt}, {@link sm2Decrypt},
 * {@link parseSm2Ciphertext}) is pure JavaScript and also runs in browsers.
 *
 * @module
 */
export {
  ENVELOPE_OID,
  MAX_ENVELOPE_BYTES,
  MAX_ENVELOPE_CONTENT_BYTES,
  MAX_ENVELOPE_RECIPIENTS,
  openEnvelope,
  openEnvelopeWithKey,
  prepareEnvelopeOpening,
  sealEnvelope,
  type EnvelopeKeyRequest,
  type EnvelopePrivateKey,
  type OpenEnvelopeOptions,
  type SealEnvelopeOptions,
} from './envelope';
export {
  MAX_SM2_PLAINTEXT_BYTES,
  parseSm2Ciphertext,
  sm2Decrypt,
  sm2Encrypt,
  sm2PublicKeyOf,
  type Sm2CiphertextOrder,
  type Sm2CiphertextParts,
} from './sm2-cipher';
