/**
 * @yizheng/core/software-token: a token driver over keys held in the page (tests, demos, developers
 * without a USB key), and a SOF client over it to emulate vendor key clients. Signatures are real
 * (WebCrypto RSA / ECDSA, JavaScript SM2) and verify on the server; decryption of envelopes' content
 * keys too (WebCrypto RSA-OAEP, JavaScript SM2). Never load a production key.
 *
 * @module
 */
export {
  createSoftwareToken,
  type SoftwareSignRequest,
  type SoftwareToken,
  type SoftwareTokenCertificate,
  type SoftwareTokenOptions,
} from './software-token';
export type { SoftwareSignatureFormat } from './keys';
export {
  GDCA_SOF_CODES,
  SOF_EMULATED_TEXTS,
  SOR,
  createSofBackend,
  createSofJsonEmulator,
  createSofWireEmulator,
  type SofBackend,
  type SofBackendOptions,
  type SofJsonEmulator,
  type SofWireEmulator,
  type SofWireShape,
} from './sof-backend';
export {
  tokenDriverChecks,
  type ClientFault,
  type TokenDriverCheck,
  type TokenDriverHarness,
  type TokenDriverRig,
} from './driver-checks';
