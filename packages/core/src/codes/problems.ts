/**
 * The bilingual problem messages. Positions are 1-based and count characters of the normalised code,
 * which is what the supplier sees on the business licence (no spaces or hyphens).
 */
import { describeCodeKind } from './kinds';
import type { CodeKind, CodeNote, CodeProblem } from './types';

/** A character at a 1-based position of the normalised code. */
export interface CharAt {
  readonly char: string;
  readonly position: number;
}

/** The length limit of {@link validateEnterpriseCode}'s input; longer strings are never codes. */
export const MAX_INPUT_LENGTH = 64;

// A message quoting 60 bad characters helps nobody; the first few locate the mistake.
const MAX_LISTED = 5;

/** Nothing left after normalisation. */
export function emptyProblem(): CodeProblem {
  return {
    code: 'empty',
    message: {
      'zh-CN': '未填写企业代码（去掉空格和分隔符后为空）。',
      en: 'No enterprise code given (nothing is left after removing spaces and separators).',
    },
  };
}

/** Raw input longer than {@link MAX_INPUT_LENGTH}. */
export function tooLongProblem(length: number): CodeProblem {
  return {
    code: 'length',
    message: {
      'zh-CN': `输入过长（${length}个字符，上限${MAX_INPUT_LENGTH}），不是企业代码。`,
      en: `The input is too long to be an enterprise code (${length} characters, at most ${MAX_INPUT_LENGTH}).`,
    },
  };
}

/** A normalised length that matches no code kind. */
export function lengthProblem(length: number): CodeProblem {
  return {
    code: 'length',
    message: {
      'zh-CN': `代码为${length}位，无法识别：统一社会信用代码为18位，组织机构代码为9位（如 XXXXXXXX-X），工商注册号为15位。`,
      en: `The code has ${length} character${length === 1 ? '' : 's'}, which matches no known code: a unified social credit code has 18, an organisation code 9 (e.g. XXXXXXXX-X), a business registration number 15.`,
    },
  };
}

/** Characters that the kind's alphabet does not allow. */
export function charsetProblem(kind: CodeKind, offenders: readonly CharAt[]): CodeProblem {
  const zh = listZh(offenders);
  const en = listEn(offenders);
  switch (kind) {
    case 'uscc': {
      // The usual cause is a misread digit: O for 0, I for 1 (Z for 2 and S for 5 happen too).
      const lookalike = offenders.some((o) => o.char === 'O' || o.char === 'I');
      return {
        code: 'charset',
        message: {
          'zh-CN': `统一社会信用代码不使用字母 I、O、Z、S、V，但${zh}。${lookalike ? '请注意字母 O、I 是否为数字 0、1 之误。' : ''}`,
          en: `A unified social credit code never uses the letters I, O, Z, S or V, but it has ${en}.${lookalike ? ' Check whether an O or I should be the digit 0 or 1.' : ''}`,
        },
      };
    }
    case 'registration-number':
      return {
        code: 'charset',
        message: {
          'zh-CN': `工商注册号只由数字组成，但${zh}。`,
          en: `A business registration number consists of digits only, but it has ${en}.`,
        },
      };
    default:
      return {
        code: 'charset',
        message: {
          'zh-CN': `企业代码只由数字和字母组成，但${zh}。`,
          en: `Enterprise codes consist of letters and digits only, but this one has ${en}.`,
        },
      };
  }
}

/** USCC positions 3-8 (the region code) that are not digits. */
export function regionProblem(offenders: readonly CharAt[]): CodeProblem {
  return {
    code: 'region',
    message: {
      'zh-CN': `统一社会信用代码第3至8位是登记管理机关行政区划码，只能是数字，但${listZh(offenders)}。`,
      en: `Positions 3 to 8 of a unified social credit code are the region code and must be digits, but it has ${listEn(offenders)}.`,
    },
  };
}

/** The code's own check character is wrong. */
export function checkProblem(kind: CodeKind, expected: string, found: string): CodeProblem {
  const name = describeCodeKind(kind);
  const bodyLength = kind === 'uscc' ? 17 : kind === 'org-code' ? 8 : 14;
  return {
    code: 'check',
    message: {
      'zh-CN': `${name['zh-CN']}的校验码错误：按前${bodyLength}位计算，第${bodyLength + 1}位应为“${expected}”，实际是${quoteZh(found)}。请逐位核对是否抄错。`,
      en: `Wrong check character in the ${name.en}: from the first ${bodyLength} characters, character ${bodyLength + 1} should be "${expected}" but is ${quoteEn(found)}. Check each character for typos.`,
    },
  };
}

/** The organisation code embedded in a USCC (positions 9-17) fails its own check. */
export function embeddedOrgCheckProblem(embedded: string, expected: string, found: string): CodeProblem {
  return {
    code: 'embedded-org-check',
    message: {
      'zh-CN': `统一社会信用代码第9至17位应是有效的组织机构代码，但“${embedded}”的校验码（第17位）按前8位计算应为“${expected}”，实际是${quoteZh(found)}。`,
      en: `Positions 9 to 17 of a unified social credit code must be a valid organisation code, but for "${embedded}" the check character (position 17) should be "${expected}" but is ${quoteEn(found)}.`,
    },
  };
}

/** The caveat attached to every registration-number verdict. */
export function registrationCheckNote(): CodeNote {
  return {
    code: 'registration-check-unconfirmed',
    message: {
      'zh-CN': '工商注册号的校验位按 ISO 7064 MOD 11,10 计算，此规则尚未与标准原文核实。',
      en: 'The business registration number check digit is tested with ISO 7064 MOD 11,10, a rule not yet confirmed against the standard text.',
    },
  };
}

/** How a character is shown in a message: invisible and non-ASCII ones also by code point. */
export function showChar(char: string): string {
  const cp = char.codePointAt(0) ?? 0;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  // Controls, format characters (U+200B…), lone surrogates and spaces would be invisible in quotes.
  if (/^[\p{C}\p{Z}]$/u.test(char)) return hex;
  if (cp >= 0x21 && cp <= 0x7e) return char;
  return `${char} ${hex}`;
}

function quoteZh(char: string): string {
  return `“${showChar(char)}”`;
}

function quoteEn(char: string): string {
  return `"${showChar(char)}"`;
}

function listZh(offenders: readonly CharAt[]): string {
  const items = offenders.slice(0, MAX_LISTED).map((o) => `第${o.position}位是${quoteZh(o.char)}`);
  return items.join('、') + (offenders.length > MAX_LISTED ? `等${offenders.length}处` : '');
}

function listEn(offenders: readonly CharAt[]): string {
  const items = offenders.slice(0, MAX_LISTED).map((o) => `${quoteEn(o.char)} at position ${o.position}`);
  return items.join(', ') + (offenders.length > MAX_LISTED ? ` (${offenders.length} in all)` : '');
}
