/**
 * @yizheng/pkcs11-bridge: standard PKCS#11 tokens from Node and, through a loopback helper
 * (`yizheng-bridge`), from web pages.
 *
 * - {@link openPkcs11Module}: load a vendor's PKCS#11 library (its calls run in a worker thread, so a
 *   PIN pad's wait blocks no event loop); list slots, tokens and certificates
 *   (signing and encryption pairs); log in once with a PIN (never retried; logged out after each
 *   signature); sign with RSA PKCS#1 v1.5 SHA-256, ECDSA P-256 or a configured vendor SM2 mechanism;
 *   change the PIN; every failure a typed `YizhengError`.
 * - {@link readPinStateFromFlags}: the PIN state a token reports through its flags.
 * - {@link startBridge}: the loopback WebSocket server behind the `yizheng-bridge` command; the page
 *   side is the `@yizheng/pkcs11-bridge/browser` entry.
 *
 * @packageDocumentation
 */
export {
  CKF_USER_PIN_COUNT_LOW,
  CKF_USER_PIN_FINAL_TRY,
  CKF_USER_PIN_LOCKED,
  CKF_USER_PIN_TO_BE_CHANGED,
  readPinStateFromFlags,
  type PinState,
} from './pin-state';
export type { Pkcs11Api, Pkcs11Attribute, Pkcs11Handle, Pkcs11Info, Pkcs11Mechanism, Pkcs11RsaOaepParams, Pkcs11SlotInfo, Pkcs11TokenInfo } from './pkcs11/api';
export { pinRetryTexts } from './pkcs11/errors';
export {
  Pkcs11Login,
  Pkcs11Module,
  createPkcs11Module,
  isTrivialPin,
  openPkcs11Module,
  type OpenPkcs11ModuleOptions,
  type Pkcs11Certificate,
  type Pkcs11DecryptAlgorithm,
  type Pkcs11DecryptOptions,
  type Pkcs11Decryption,
  type Pkcs11KeyType,
  type Pkcs11ModuleOptions,
  type Pkcs11SignOptions,
  type Pkcs11Signature,
  type Pkcs11SlotSummary,
  type Pkcs11TokenSummary,
  type Sm2MechanismOptions,
} from './pkcs11/module';
export { BRIDGE_PATH, BRIDGE_PROTOCOL, DEFAULT_BRIDGE_PORT, type BridgeEvent, type BridgeHello, type BridgeMethod, type BridgeRequest } from './protocol';
export {
  createTerminalApprover,
  createTerminalPinPrompter,
  type ApprovalRequest,
  type Approver,
  type PinPrompter,
  type PinRequest,
  type TerminalApproverOptions,
} from './server/approval';
export {
  startBridge,
  stderrLogger,
  type BridgeLimits,
  type BridgeLogFields,
  type BridgeLogger,
  type BridgeOptions,
  type BridgePinEntry,
  type RunningBridge,
} from './server/bridge';
export { assertSignableChallenge, MAX_CHALLENGE_LIFETIME_MS } from './server/challenge';
export type { PinLimits } from './server/limits';
