/**
 * Classification and validation of enterprise codes (GB 32100-2015, GB 11714-1997). Never throws on any string:
 * suppliers type anything into a form, and the answer must always be a verdict with reasons.
 */
import { YizhengError } from '../errors/index';
import {
  computeOrgCodeCheckCharacter,
  computeRegistrationCheckDigit,
  computeUsccCheckCharacter,
  USCC_ALPHABET,
} from './check-characters';
import { hyphenateOrgCode } from './format';
import { normalizeEnterpriseCode } from './normalize';
import {
  type CharAt,
  charsetProblem,
  checkProblem,
  embeddedOrgCheckProblem,
  emptyProblem,
  lengthProblem,
  MAX_INPUT_LENGTH,
  regionProblem,
  registrationCheckNote,
  tooLongProblem,
} from './problems';
import type { CodeKind, CodeProblem, CodeValidation } from './types';

const ALPHANUMERIC = /^[0-9A-Z]+$/;

/**
 * The kind of code the input looks like, by the shape of its normalised form alone: 18 / 9 / 15
 * ASCII letters or digits are a USCC / organisation code / registration number, whether or not their
 * characters and check characters are right; anything else (including inputs longer than 64
 * characters) is `unknown`. Never throws.
 */
export function classifyEnterpriseCode(input: string): CodeKind {
  const text = toText(input);
  if (text.length > MAX_INPUT_LENGTH) return 'unknown';
  return kindOf(normalizeEnterpriseCode(text));
}

/**
 * Validates an enterprise code: classifies it (see {@link classifyEnterpriseCode}) and checks it
 * against its kind's rules, collecting every problem rather than stopping at the first. A USCC is
 * valid only when its own check character AND the check of the organisation code it embeds
 * (positions 9-17) pass, and positions 3-8 are digits. Registration numbers carry a note that their
 * check rule is an assumption. Never throws; inputs over 64 characters are rejected unread.
 */
export function validateEnterpriseCode(input: string): CodeValidation {
  const text = toText(input);
  if (text.length > MAX_INPUT_LENGTH) return verdict('unknown', '', [tooLongProblem(text.length)]);
  const normalized = normalizeEnterpriseCode(text);
  switch (kindOf(normalized)) {
    case 'uscc':
      return validateUscc(normalized);
    case 'org-code':
      return validateOrgCode(normalized);
    case 'registration-number':
      return validateRegistrationNumber(normalized);
    case 'unknown':
      return validateUnknown(normalized);
  }
}

/**
 * Validates and returns the verdict of a valid code.
 *
 * @throws YizhengError `CODE_INVALID` when the code is invalid. `details.reason` is the problems in
 * Chinese, `details.reasonEn` in English, `details.problems` their stable codes, plus `kind` and
 * `normalized`.
 */
export function parseEnterpriseCode(input: string): CodeValidation {
  const validation = validateEnterpriseCode(input);
  if (!validation.valid) {
    throw new YizhengError('CODE_INVALID', {
      reason: validation.errors.map((p) => p.message['zh-CN']).join(''),
      reasonEn: validation.errors.map((p) => p.message.en).join(' '),
      problems: validation.errors.map((p) => p.code),
      kind: validation.kind,
      normalized: validation.normalized,
    });
  }
  return validation;
}

function kindOf(normalized: string): CodeKind {
  if (!ALPHANUMERIC.test(normalized)) return 'unknown';
  if (normalized.length === 18) return 'uscc';
  if (normalized.length === 9) return 'org-code';
  if (normalized.length === 15) return 'registration-number';
  return 'unknown';
}

function validateUscc(code: string): CodeValidation {
  const errors: CodeProblem[] = [];
  const badChars = findChars(code, 1, 18, (c) => !USCC_ALPHABET.includes(c));
  if (badChars.length > 0) errors.push(charsetProblem('uscc', badChars));
  const badRegion = findChars(code, 3, 8, (c) => !isDigit(c));
  if (badRegion.length > 0) errors.push(regionProblem(badRegion));
  // Undefined when positions 1-17 hold a letter outside the alphabet: already reported as charset.
  const expected = computeUsccCheckCharacter(code.slice(0, 17));
  if (expected !== undefined && expected !== code.charAt(17)) {
    errors.push(checkProblem('uscc', expected, code.charAt(17)));
  }
  const embedded = code.slice(8, 17);
  const embeddedProblem = checkOrgCode(embedded);
  if (embeddedProblem) {
    errors.push(embeddedOrgCheckProblem(hyphenateOrgCode(embedded), embeddedProblem.expected, embeddedProblem.found));
  }
  return verdict('uscc', code, errors, hyphenateOrgCode(embedded));
}

function validateOrgCode(code: string): CodeValidation {
  const problem = checkOrgCode(code);
  const errors = problem ? [checkProblem('org-code', problem.expected, problem.found)] : [];
  return verdict('org-code', code, errors, hyphenateOrgCode(code));
}

function validateRegistrationNumber(code: string): CodeValidation {
  const errors: CodeProblem[] = [];
  const badChars = findChars(code, 1, 15, (c) => !isDigit(c));
  if (badChars.length > 0) errors.push(charsetProblem('registration-number', badChars));
  const expected = computeRegistrationCheckDigit(code.slice(0, 14));
  if (expected !== undefined && expected !== code.charAt(14)) {
    errors.push(checkProblem('registration-number', expected, code.charAt(14)));
  }
  return { ...verdict('registration-number', code, errors), notes: [registrationCheckNote()] };
}

function validateUnknown(code: string): CodeValidation {
  if (code === '') return verdict('unknown', code, [emptyProblem()]);
  const chars = Array.from(code);
  const errors: CodeProblem[] = [];
  const badChars: CharAt[] = [];
  chars.forEach((char, i) => {
    if (!ALPHANUMERIC.test(char)) badChars.push({ char, position: i + 1 });
  });
  if (badChars.length > 0) errors.push(charsetProblem('unknown', badChars));
  if (![9, 15, 18].includes(chars.length)) errors.push(lengthProblem(chars.length));
  return verdict('unknown', code, errors);
}

/** The expected and found check characters of a 9-character organisation code, or null when right. */
function checkOrgCode(code9: string): { expected: string; found: string } | null {
  const expected = computeOrgCodeCheckCharacter(code9.slice(0, 8));
  const found = code9.charAt(8);
  // `expected` is never undefined here: callers pass [0-9A-Z] only.
  return expected === found ? null : { expected: expected ?? '?', found };
}

function verdict(kind: CodeKind, normalized: string, errors: readonly CodeProblem[], orgCode?: string): CodeValidation {
  const valid = errors.length > 0 ? false : kind !== 'unknown';
  return valid && orgCode !== undefined
    ? { kind, valid, normalized, orgCode, errors }
    : { kind, valid, normalized, errors };
}

function findChars(code: string, from: number, to: number, isBad: (char: string) => boolean): CharAt[] {
  const found: CharAt[] = [];
  for (let position = from; position <= to; position++) {
    const char = code.charAt(position - 1);
    if (isBad(char)) found.push({ char, position });
  }
  return found;
}

function isDigit(char: string): boolean {
  return char >= '0' && char <= '9' && char.length === 1;
}

// Typed callers always pass a string; plain-JS callers (a JSON field, an Excel cell) may not. A number
// is kept as its digits; anything else counts as empty rather than throwing.
function toText(input: unknown): string {
  if (typeof input === 'string') return input;
  if (typeof input === 'number' || typeof input === 'bigint') return String(input);
  return '';
}
