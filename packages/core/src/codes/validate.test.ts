import { describe, expect, it } from 'vitest';
import { isYizhengError } from '../errors/index';
import {
  classifyEnterpriseCode,
  formatOrgCode,
  parseEnterpriseCode,
  validateEnterpriseCode,
  type CodeProblemCode,
  type CodeValidation,
} from './index';
import { makeOrgCode, makeRegistrationNumber, makeUscc, referenceUsccCheck } from './test-fixtures';
import { cpuNowMs } from '../../test-utils/cpu-time';

const problemCodes = (v: CodeValidation): CodeProblemCode[] => v.errors.map((p) => p.code);

describe('validateEnterpriseCode: USCC', () => {
  it.each([
    ['91350200556207664B', '55620766-4'],
    ['91141124MA0K2KMD7C', 'MA0K2KMD-7'],
    ['91110108551385082Q', '55138508-2'],
    ['91350100M000100Y43', 'M000100Y-4'],
  ])('accepts the real code %s from DOMAIN.md §4, embedding %s', (code, orgCode) => {
    expect(validateEnterpriseCode(code)).toEqual({ kind: 'uscc', valid: true, normalized: code, orgCode, errors: [] });
  });

  it('accepts a check character 0 and letter check characters', () => {
    expect(makeUscc('91', '440300', '30104729')).toBe('914403003010472910');
    expect(validateEnterpriseCode('914403003010472910').valid).toBe(true);
    for (const code of ['91440300300000002N', '92440300300000002K', '12440300300000002U', '51440300300000002T']) {
      expect(validateEnterpriseCode(code).valid, code).toBe(true);
    }
  });

  it('accepts codes whose registration authority is N, Y or A (a popular validator rejects them)', () => {
    for (const [prefix, code] of [
      ['N1', 'N1440300301047291J'],
      ['Y1', 'Y1440300301047291A'],
      ['A1', 'A1440300300000002M'],
    ] as const) {
      expect(makeUscc(prefix, '440300', code.slice(8, 16))).toBe(code);
      expect(validateEnterpriseCode(code), code).toMatchObject({ kind: 'uscc', valid: true });
    }
  });

  it('accepts embedded org codes whose check is X or 0', () => {
    expect(validateEnterpriseCode('9144030033874973XY')).toMatchObject({ valid: true, orgCode: '33874973-X' });
    expect(validateEnterpriseCode('91440300310472900L')).toMatchObject({ valid: true, orgCode: '31047290-0' });
  });

  it('accepts lower case, full-width, spaced and hyphenated spellings', () => {
    for (const spelling of ['91350200556207664b', '９１３５０２００５５６２０７６６４Ｂ', '9135 0200 5562 0766 4B', '91350200-55620766-4B']) {
      expect(validateEnterpriseCode(spelling), spelling).toMatchObject({ valid: true, normalized: '91350200556207664B' });
    }
  });

  it('names the expected and the found check character', () => {
    const v = validateEnterpriseCode('91350200556207664C');
    expect(v).toMatchObject({ kind: 'uscc', valid: false, normalized: '91350200556207664C' });
    expect(v.orgCode).toBeUndefined();
    expect(problemCodes(v)).toEqual(['check']);
    expect(v.errors[0]?.message['zh-CN']).toContain('应为“B”，实际是“C”');
    expect(v.errors[0]?.message.en).toContain('should be "B" but is "C"');
  });

  it.each(['I', 'O', 'Z', 'S', 'V'])('keeps an 18-character code with the letter %s a USCC, invalid by charset', (letter) => {
    const code = `91350200556207664${letter}`;
    const v = validateEnterpriseCode(code);
    expect(v.kind).toBe('uscc');
    expect(problemCodes(v)).toEqual(['charset', 'check']);
    expect(v.errors[0]?.message['zh-CN']).toContain(`第18位是“${letter}”`);
    expect(v.errors[0]?.message.en.includes('the digit 0 or 1')).toBe(letter === 'I' || letter === 'O');
    expect(v.errors[1]?.message.en).toContain(`should be "B" but is "${letter}"`);
  });

  it('does not compute a check character when the body holds a forbidden letter', () => {
    const v = validateEnterpriseCode('91350200556I07664B');
    expect(problemCodes(v)).toEqual(['charset', 'embedded-org-check']);
  });

  it('requires digits in positions 3-8 (the region code)', () => {
    const first17 = '91A50200556207664';
    const v = validateEnterpriseCode(first17 + referenceUsccCheck(first17));
    expect(problemCodes(v)).toEqual(['region']);
    expect(v.errors[0]?.message['zh-CN']).toContain('第3位是“A”');
  });

  it('rejects a USCC whose own check passes but whose embedded org code does not', () => {
    // Positions 9-17 "556207665" carry a wrong org check; the USCC check is computed over them anyway.
    const first17 = '91350200556207665';
    const v = validateEnterpriseCode(first17 + referenceUsccCheck(first17));
    expect(problemCodes(v)).toEqual(['embedded-org-check']);
    expect(v.errors[0]?.message['zh-CN']).toContain('“55620766-5”');
    expect(v.errors[0]?.message.en).toContain('should be "4" but is "5"');
  });
});

describe('validateEnterpriseCode: organisation code', () => {
  it('accepts the org codes embedded in the real USCCs, formatted', () => {
    for (const code of ['55620766-4', 'MA0K2KMD-7', '55138508-2', 'M000100Y-4']) {
      expect(validateEnterpriseCode(code)).toEqual({
        kind: 'org-code',
        valid: true,
        normalized: code.replace('-', ''),
        orgCode: code,
        errors: [],
      });
    }
  });

  it('accepts check characters X and 0', () => {
    expect(makeOrgCode('D2143569')).toBe('D2143569X'); // the GB 11714-1997 example as quoted by third parties
    expect(validateEnterpriseCode('D2143569-X')).toMatchObject({ valid: true, orgCode: 'D2143569-X' });
    expect(validateEnterpriseCode('d2143569-x')).toMatchObject({ valid: true, orgCode: 'D2143569-X' });
    expect(makeOrgCode('10007919')).toBe('100079190');
    expect(validateEnterpriseCode('10007919-0')).toMatchObject({ valid: true, orgCode: '10007919-0' });
  });

  it('accepts the letters a USCC forbids (I, O, Z, S, V) in an organisation-code body', () => {
    const code = makeOrgCode('IOZSV123');
    expect(validateEnterpriseCode(code)).toMatchObject({ kind: 'org-code', valid: true });
  });

  it('rejects a wrong check character, naming expected and found', () => {
    const v = validateEnterpriseCode('55620766-X');
    expect(problemCodes(v)).toEqual(['check']);
    expect(v.errors[0]?.message['zh-CN']).toContain('应为“4”，实际是“X”');
    expect(validateEnterpriseCode('55620766-A').valid).toBe(false);
    expect(validateEnterpriseCode('D2143569-0').valid).toBe(false);
  });
});

describe('validateEnterpriseCode: business registration number (check rule assumed)', () => {
  it('accepts a 15-digit number whose MOD 11,10 check digit is right, with the assumption noted', () => {
    expect(makeRegistrationNumber('11010800000001')).toBe('110108000000016');
    const v = validateEnterpriseCode('110108000000016');
    expect(v).toMatchObject({ kind: 'registration-number', valid: true, normalized: '110108000000016', errors: [] });
    expect(v.orgCode).toBeUndefined();
    expect(v.notes?.map((n) => n.code)).toEqual(['registration-check-unconfirmed']);
  });

  it('rejects a wrong check digit and letters', () => {
    const wrong = validateEnterpriseCode('110108000000017');
    expect(problemCodes(wrong)).toEqual(['check']);
    expect(wrong.errors[0]?.message.en).toContain('should be "6" but is "7"');
    expect(wrong.notes).toHaveLength(1);
    const letters = validateEnterpriseCode('11010800000A016');
    expect(letters.kind).toBe('registration-number');
    expect(problemCodes(letters)).toEqual(['charset']);
  });
});

describe('validateEnterpriseCode: unknown shapes', () => {
  it('reports an empty input', () => {
    for (const input of ['', '   ', '-\u3000-']) {
      expect(validateEnterpriseCode(input)).toEqual({
        kind: 'unknown',
        valid: false,
        normalized: '',
        errors: [expect.objectContaining({ code: 'empty' })],
      });
    }
  });

  it.each([
    ['55620766', 8],
    ['5562076640', 10],
    ['9135020055620766', 16],
    ['9135020055620766411', 19],
    ['N91350200556207664B', 19],
  ])('reports the length of %s', (input, length) => {
    const v = validateEnterpriseCode(input);
    expect(v.kind).toBe('unknown');
    expect(problemCodes(v)).toEqual(['length']);
    expect(v.errors[0]?.message['zh-CN']).toContain(`代码为${length}位`);
  });

  it('is unknown, not a USCC, when a character is not an ASCII letter or digit', () => {
    const v = validateEnterpriseCode('9135020055620766?B');
    expect(v.kind).toBe('unknown');
    expect(problemCodes(v)).toEqual(['charset']);
    expect(v.errors[0]?.message.en).toContain('"?" at position 17');
    const chinese = validateEnterpriseCode('中国移动');
    expect(problemCodes(chinese)).toEqual(['charset', 'length']);
    expect(chinese.errors[0]?.message['zh-CN']).toContain('“中 U+4E2D”');
  });

  it('shows invisible characters by code point', () => {
    const v = validateEnterpriseCode('\u200b556207664');
    expect(v.errors[0]?.message.en).toContain('"U+200B" at position 1');
  });

  it('rejects inputs over 64 characters unread, and quickly', () => {
    const long = '9'.repeat(1_000_000);
    const started = cpuNowMs();
    const v = validateEnterpriseCode(long);
    expect(cpuNowMs() - started).toBeLessThan(50);
    expect(v).toEqual({ kind: 'unknown', valid: false, normalized: '', errors: [expect.objectContaining({ code: 'length' })] });
    expect(classifyEnterpriseCode(long)).toBe('unknown');
    expect(validateEnterpriseCode(' '.repeat(46) + '91350200556207664B').valid).toBe(true);
    expect(validateEnterpriseCode(' '.repeat(47) + '91350200556207664B').kind).toBe('unknown');
  });

  it('tolerates non-string input from plain JavaScript', () => {
    expect(validateEnterpriseCode(undefined as unknown as string).errors[0]?.code).toBe('empty');
    expect(validateEnterpriseCode(110108000000016 as unknown as string).valid).toBe(true);
  });
});

describe('classifyEnterpriseCode', () => {
  it.each([
    ['91350200556207664B', 'uscc'],
    ['91350200556207664C', 'uscc'],
    ['9135020055620I664B', 'uscc'],
    ['55620766-4', 'org-code'],
    ['55620766-5', 'org-code'],
    ['110108000000016', 'registration-number'],
    ['', 'unknown'],
    ['abc', 'unknown'],
    ['9135020055620766?B', 'unknown'],
  ] as const)('%s → %s', (input, kind) => {
    expect(classifyEnterpriseCode(input)).toBe(kind);
  });
});

describe('parseEnterpriseCode', () => {
  it('returns the verdict of a valid code', () => {
    expect(parseEnterpriseCode('55620766-4')).toMatchObject({ kind: 'org-code', orgCode: '55620766-4' });
  });

  it('throws CODE_INVALID with the reasons in both languages', () => {
    let caught: unknown;
    try {
      parseEnterpriseCode('91350200556207664C');
    } catch (err) {
      caught = err;
    }
    expect(isYizhengError(caught, 'CODE_INVALID')).toBe(true);
    if (!isYizhengError(caught)) return;
    expect(caught.message).toMatch(/^企业代码无效：统一社会信用代码的校验码错误/);
    expect(caught.details).toMatchObject({ problems: ['check'], kind: 'uscc', normalized: '91350200556207664C' });
    expect(caught.details['reasonEn']).toContain('should be "B" but is "C"');
  });
});

describe('formatOrgCode', () => {
  it('formats any spelling as XXXXXXXX-X, without validating the check', () => {
    expect(formatOrgCode('556207664')).toBe('55620766-4');
    expect(formatOrgCode('ｍａ０ｋ２ｋｍｄ－７')).toBe('MA0K2KMD-7');
    expect(formatOrgCode('55620766 5')).toBe('55620766-5');
  });

  it('throws CODE_INVALID for anything that is not 9 letters or digits', () => {
    for (const input of ['', '5562076', '91350200556207664B', '5562076?4']) {
      expect(() => formatOrgCode(input), input).toThrow(expect.objectContaining({ code: 'CODE_INVALID' }));
    }
  });
});
