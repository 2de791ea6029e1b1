import { YizhengError } from '../errors/index';
import { normalizeEnterpriseCode } from './normalize';

const ORG_CODE_SHAPE = /^[0-9A-Z]{9}$/;

// A code quoted back in a message is cut short: inputs can be anything a form field accepts.
const MAX_DISPLAY = 64;

/**
 * Formats an organisation code the way it is printed on certificates and licences, `XXXXXXXX-X`.
 * Accepts any spelling {@link normalizeEnterpriseCode} understands (`556207664`, `５５６２０７６６－４`).
 * It formats, it does not validate: a well-shaped code with a wrong check character is formatted too,
 * so it can be shown back to the user. Use {@link validateEnterpriseCode} to check it.
 *
 * @throws YizhengError `CODE_INVALID` when the input is not 9 letters or digits after normalisation.
 */
export function formatOrgCode(input: string): string {
  const normalized = normalizeEnterpriseCode(input);
  if (!ORG_CODE_SHAPE.test(normalized)) {
    const shown = quoteInput(input);
    throw new YizhengError('CODE_INVALID', {
      reason: `组织机构代码应为9位数字或字母（如 XXXXXXXX-X），“${shown}”不是。`,
      reasonEn: `an organisation code has 9 letters or digits (e.g. XXXXXXXX-X); "${shown}" does not.`,
    });
  }
  return hyphenateOrgCode(normalized);
}

/** `XXXXXXXXX` → `XXXXXXXX-X`, for a string already known to have the right shape. */
export function hyphenateOrgCode(normalized9: string): string {
  return `${normalized9.slice(0, 8)}-${normalized9.slice(8)}`;
}

/** The raw input, trimmed and cut to a length fit for a message. */
export function quoteInput(input: string): string {
  const text = String(input).trim();
  const chars = Array.from(text.slice(0, MAX_DISPLAY * 2)).slice(0, MAX_DISPLAY);
  return chars.join('') + (chars.join('').length < text.length ? '…' : '');
}
