/**
 * @yizheng/pkcs11-bridge: PKCS#11 tokens from Node and, through a loopback helper, from web pages.
 *
 * So far: reading the PIN state a token reports through its flags. Module loading, signing and the
 * loopback bridge come with the PKCS#11 work.
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
