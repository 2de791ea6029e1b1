/**
 * PKCS#11 has no "tries left" call: a token only raises flags on CK_TOKEN_INFO, and many
 * modules set them wrongly. This turns the flags into the PIN state the page shows, and says how much
 * it knows: `source: 'flags'` means the numbers are inferred, never counted.
 */

/** CKF_USER_PIN_COUNT_LOW: at least one wrong user PIN since the last success. */
export const CKF_USER_PIN_COUNT_LOW = 0x0001_0000;
/** CKF_USER_PIN_FINAL_TRY: one more wrong PIN locks the token. */
export const CKF_USER_PIN_FINAL_TRY = 0x0002_0000;
/** CKF_USER_PIN_LOCKED: the user PIN is locked. */
export const CKF_USER_PIN_LOCKED = 0x0004_0000;
/** CKF_USER_PIN_TO_BE_CHANGED: the PIN is a default or expired one and must be changed. */
export const CKF_USER_PIN_TO_BE_CHANGED = 0x0008_0000;

/** What the page can tell the user about their PIN. */
export interface PinState {
  /** Tries left, when known exactly; `null` when the token cannot say. */
  readonly remaining: number | null;
  /** Where `remaining` comes from: a counter (`exact`), token flags (`flags`), or nothing (`unknown`). */
  readonly source: 'exact' | 'flags' | 'unknown';
  /** One more wrong PIN locks the key. */
  readonly finalTry: boolean;
  /** The PIN is locked: only the CA (or an SO PIN) can unlock it. */
  readonly locked: boolean;
  /** The PIN must be changed before use (a default PIN such as 1234, or an expired one). */
  readonly mustChange: boolean;
  /** Some wrong PIN was entered since the last success. */
  readonly countLow: boolean;
}

/**
 * Reads the PIN state from CK_TOKEN_INFO.flags. LOCKED wins over FINAL_TRY (a module that sets both is
 * locked); FINAL_TRY alone means exactly one try is left, the only count flags can give.
 */
export function readPinStateFromFlags(flags: number): PinState {
  const has = (bit: number): boolean => (flags & bit) !== 0;
  const locked = has(CKF_USER_PIN_LOCKED);
  const finalTry = !locked && has(CKF_USER_PIN_FINAL_TRY);
  const countLow = has(CKF_USER_PIN_COUNT_LOW);
  const mustChange = has(CKF_USER_PIN_TO_BE_CHANGED);
  if (locked) return { remaining: 0, source: 'flags', finalTry: false, locked, mustChange, countLow };
  if (finalTry) return { remaining: 1, source: 'flags', finalTry, locked, mustChange, countLow };
  return { remaining: null, source: countLow ? 'flags' : 'unknown', finalTry, locked, mustChange, countLow };
}
