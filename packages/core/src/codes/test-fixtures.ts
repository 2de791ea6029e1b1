/**
 * TEST-ONLY reference arithmetic, deliberately written differently from check-characters.ts (brute
 * force over the candidates of each check character, `parseInt(c, 36)` for letter values, weights
 * computed rather than listed), so tests built on it do not just repeat the implementation.
 */

/** GB 32100-2015 alphabet (no I, O, Z, S, V). */
export const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Characters an organisation-code body may hold. */
export const ORG_BODY_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

const usccWeight = (i: number): number => {
  let w = 1;
  for (let k = 0; k < i; k++) w = (w * 3) % 31;
  return w;
};

/** The USCC check character c making Σ value·3^(i-1) + value(c) ≡ 0 (mod 31). */
export function referenceUsccCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(first17.charAt(i)) * usccWeight(i);
  const found = [...USCC_CHARS].find((c) => (sum + USCC_CHARS.indexOf(c)) % 31 === 0);
  if (found === undefined) throw new Error('no USCC check character');
  return found;
}

/** The organisation-code check character c making Σ value·weight + value(c) ≡ 0 (mod 11), X = 10. */
export function referenceOrgCheck(body8: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(body8.charAt(i), 36) * (weights[i] ?? 0);
  const found = [...'0123456789X'].find((c) => (sum + (c === 'X' ? 10 : Number(c))) % 11 === 0);
  if (found === undefined) throw new Error('no org check character');
  return found;
}

/** ISO 7064 MOD 11,10 check digit, found as the digit whose full-number run ends on 1. */
export function referenceRegistrationCheck(first14: string): string {
  const endsOnOne = (digits: string): boolean => {
    let p = 10;
    let s = 0;
    for (const d of digits) {
      s = (p + Number(d)) % 10 || 10;
      p = (s * 2) % 11;
    }
    return s === 1;
  };
  const found = [...'0123456789'].find((c) => endsOnOne(first14 + c));
  if (found === undefined) throw new Error('no registration check digit');
  return found;
}

/** A valid org code from its 8-character body. */
export function makeOrgCode(body8: string): string {
  return body8 + referenceOrgCheck(body8);
}

/** A valid USCC from positions 1-2, the 6-digit region and the 8-character org body. */
export function makeUscc(authorityAndType: string, region: string, orgBody8: string): string {
  const first17 = authorityAndType + region + makeOrgCode(orgBody8);
  return first17 + referenceUsccCheck(first17);
}

/** A valid registration number from its first 14 digits. */
export function makeRegistrationNumber(first14: string): string {
  return first14 + referenceRegistrationCheck(first14);
}
