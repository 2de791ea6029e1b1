/**
 * Turns a code as people type, paste or scan it into the bare form the check rules work on.
 */

// Full-width ASCII (U+FF01-U+FF5E) sits exactly 0xFEE0 above its half-width twin: Chinese input
// methods produce it whenever the user forgets to switch to half-width mode.
const FULL_WIDTH_FIRST = 0xff01;
const FULL_WIDTH_LAST = 0xff5e;
const FULL_WIDTH_OFFSET = 0xfee0;
const IDEOGRAPHIC_SPACE = 0x3000;

// Separators people put into codes for readability (55620766-4, 9135 0200 …, 5562.0766-4) and that
// never carry meaning. `\s` covers ASCII whitespace, tabs, NBSP, U+3000 and the other Unicode spaces.
// Anything not listed here is kept, so a stray character shows up as a charset problem instead of
// silently changing the code.
const SEPARATORS = /[\s\-\u2010\u2011\u2013\u2014.\u00b7_]/u;

/**
 * Normalises an enterprise code for validation and comparison: full-width ASCII and the ideographic
 * space become half-width, ASCII letters become upper case, and spaces (including U+3000, tabs and
 * NBSP), hyphens (`-` ‐ ‑ – — －), dots (`.` ． ·) and underscores are removed. Nothing else is
 * dropped or changed. Never throws; `normalizeEnterpriseCode(normalizeEnterpriseCode(x))` equals
 * `normalizeEnterpriseCode(x)`.
 *
 * @example normalizeEnterpriseCode('５５６２０７６６－４') // '556207664'
 */
export function normalizeEnterpriseCode(input: string): string {
  let out = '';
  for (const char of String(input)) {
    const half = toHalfWidth(char);
    if (SEPARATORS.test(half)) continue;
    out += toUpperAscii(half);
  }
  return out;
}

function toHalfWidth(char: string): string {
  const cp = char.codePointAt(0) ?? 0;
  if (cp === IDEOGRAPHIC_SPACE) return ' ';
  if (cp >= FULL_WIDTH_FIRST && cp <= FULL_WIDTH_LAST) return String.fromCodePoint(cp - FULL_WIDTH_OFFSET);
  return char;
}

// Only ASCII is upper-cased: String#toUpperCase would turn e.g. "ß" into "SS" or "ﬁ" into "FI",
// inventing letters the user never typed.
function toUpperAscii(char: string): string {
  return char >= 'a' && char <= 'z' ? char.toUpperCase() : char;
}
