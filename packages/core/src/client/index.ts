/**
 * @yizheng/core/client: the login page's entry. The {@link TokenDriver} contract every key driver
 * implements (vendor clients, the PKCS#11 bridge, the software token), the page's
 * {@link YizhengError} with the client codes only, the PIN wording users know (校验失败，还有N次机会),
 * the challenge / sign / submit helpers, and the shared pieces vendor drivers are built from (SOF
 * calls, SOF over JSON, a JSON WebSocket channel, QR-code mobile certificates). No ASN.1 and no
 * big-number library: the page only moves text and base64.
 *
 * @module
 */
export type {
  PinStatus,
  TokenCallOptions,
  TokenCertificate,
  TokenDecryptAlgorithm,
  TokenDecryptRequest,
  TokenDriver,
  TokenEvent,
  TokenSignature,
  TokenSignatureFormat,
} from './token-driver';
export {
  YizhengError,
  YizhengServerError,
  isYizhengError,
  type ClientErrorCode,
  type ErrorDetails,
  type ErrorJson,
  type Locale,
} from './errors';
export {
  UNKNOWN_PIN_STATUS,
  checkPinLength,
  exactPinStatus,
  formatPinError,
  pinFailureText,
  retriesText,
  type PinLength,
} from './pin';
export {
  TOKEN_FORMAT,
  requestChallenge,
  signChallenge,
  submitToken,
  type FetchLike,
  type HttpOptions,
  type PageChallenge,
  type PageLoginToken,
} from './challenge';
export {
  SOF_STANDARD_ERRORS,
  createSofDriver,
  parseSofUserList,
  sofErrorToClientError,
  type SofCarrier,
  type SofCode,
  type SofDriverOptions,
  type SofErrorCodes,
  type SofErrorTable,
  type SofFunction,
  type SofMeaning,
  type SofReply,
  type SofUser,
} from './sof';
export {
  createSofJsonCarrier,
  createSofJsonDriver,
  sofJsonProtocol,
  type SofCall,
  type SofJsonDriverOptions,
  type SofJsonOptions,
  type SofProtocol,
  type SofSend,
} from './sof-json';
export {
  createJsonSocket,
  type JsonRequestOptions,
  type JsonSocket,
  type JsonSocketOptions,
  type WebSocketConstructor,
  type WebSocketLike,
} from './json-socket';
export { bounded } from './abort';
export { cleanBase64 } from './base64';
export { createQrCodeDriver, type QrCodeDriverOptions, type QrCodePrompt } from './qr-code';
