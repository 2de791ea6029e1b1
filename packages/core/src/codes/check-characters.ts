/**
 * The check-character arithmetic of the three code families, written from the standards' rules Inputs are assumed to be normalised and of the right alphabet; callers check that.
 */

/** The 31 characters a USCC may use (GB 32100-2015: no I, O, Z, S, V); a character's value is its index. */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

// 3^(i-1) mod 31 for positions 1-17, as listed in GB 32100-2015.
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

// GB 11714-1997 weights for the 8 body characters.
const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

/**
 * The USCC check character (position 18) for the first 17 characters, or `undefined` when one of
 * them is outside {@link USCC_ALPHABET} (no check character exists then).
 */
export function computeUsccCheckCharacter(first17: string): string | undefined {
  let sum = 0;
  for (let i = 0; i < USCC_WEIGHTS.length; i++) {
    const value = USCC_ALPHABET.indexOf(first17.charAt(i));
    if (value < 0) return undefined;
    sum += value * (USCC_WEIGHTS[i] ?? 0);
  }
  return USCC_ALPHABET.charAt((31 - (sum % 31)) % 31);
}

/**
 * The organisation-code check character for an 8-character body: 11 − (Σ mod 11), where 10 is `X`
 * and 11 is `0`. Digits count 0-9 and letters A-Z 10-35 (a different valuation from the USCC's, which
 * matters for the org code embedded in a USCC). `undefined` when a body character is not [0-9A-Z].
 */
export function computeOrgCodeCheckCharacter(body8: string): string | undefined {
  let sum = 0;
  for (let i = 0; i < ORG_CODE_WEIGHTS.length; i++) {
    const value = orgCodeValue(body8.charAt(i));
    if (value === undefined) return undefined;
    sum += value * (ORG_CODE_WEIGHTS[i] ?? 0);
  }
  const check = 11 - (sum % 11);
  if (check === 10) return 'X';
  if (check === 11) return '0';
  return String(check);
}

/**
 * The 工商注册号 check digit for the first 14 digits, by ISO 7064 MOD 11,10 (hybrid system, as
 * GS 15-2006 is reported to use). ASSUMPTION: this rule is not confirmed; it matches the
 * example `110108000000016` quoted from the standard by third-party code, but we have not read the
 * standard itself. `undefined` when a character is not a digit.
 */
export function computeRegistrationCheckDigit(first14: string): string | undefined {
  let product = 10;
  for (let i = 0; i < 14; i++) {
    const char = first14.charAt(i);
    if (!(char >= '0' && char <= '9')) return undefined;
    const sum = (product + Number(char)) % 10 || 10;
    product = (sum * 2) % 11;
  }
  // The check digit makes the final running sum ≡ 1 (mod 10).
  return String((11 - product) % 10);
}

function orgCodeValue(char: string): number | undefined {
  // `char` is one UTF-16 unit or '' (which fails both ranges).
  if (char >= '0' && char <= '9') return char.charCodeAt(0) - 48;
  if (char >= 'A' && char <= 'Z') return char.charCodeAt(0) - 55;
  return undefined;
}
