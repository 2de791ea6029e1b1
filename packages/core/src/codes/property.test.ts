/**
 * Property tests: the code functions never throw and are deterministic on any string, and valid codes
 * generated from the standards' arithmetic (test-fixtures.ts, written independently of the
 * implementation) validate, while any single changed character is caught.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyEnterpriseCode, compareEnterpriseCodes, normalizeEnterpriseCode, validateEnterpriseCode } from './index';
import { makeOrgCode, makeRegistrationNumber, makeUscc, ORG_BODY_CHARS, USCC_CHARS } from './test-fixtures';

const RUNS = { numRuns: 500 };
const DIGITS = '0123456789';

const charOf = (alphabet: string): fc.Arbitrary<string> => fc.constantFrom(...alphabet);
const stringOf = (alphabet: string, length: number): fc.Arbitrary<string> =>
  fc.array(charOf(alphabet), { minLength: length, maxLength: length }).map((chars) => chars.join(''));

const usccArb = fc
  .tuple(stringOf(USCC_CHARS, 2), stringOf(DIGITS, 6), stringOf(USCC_CHARS, 8))
  .map(([head, region, body]) => makeUscc(head, region, body));
const orgCodeArb = stringOf(ORG_BODY_CHARS, 8).map(makeOrgCode);
const registrationArb = stringOf(DIGITS, 14).map(makeRegistrationNumber);

// Any UTF-16 unit, lone surrogates included: what a broken form or file can deliver.
const utf16Arb = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)), maxLength: 80 });
// Strings that look like codes: digits, letters, separators, full-width and odd characters.
const codeishArb = fc.string({
  unit: charOf('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz -_.·—－０９ＡＺａｚ\u3000\u00a0\t中?'),
  maxLength: 24,
});
const anyStringArb = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 30 }), utf16Arb, codeishArb);

describe('on any string', () => {
  it('normalize, classify and validate never throw and agree with each other', () => {
    fc.assert(
      fc.property(anyStringArb, (input) => {
        const normalized = normalizeEnterpriseCode(input);
        const v = validateEnterpriseCode(input);
        expect(classifyEnterpriseCode(input)).toBe(v.kind);
        expect(v.valid).toBe(v.errors.length === 0);
        if (input.length <= 64) expect(v.normalized).toBe(normalized);
        expect(v.orgCode !== undefined).toBe(v.valid && (v.kind === 'uscc' || v.kind === 'org-code'));
        if (!v.valid) expect(v.errors.length).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(anyStringArb, anyStringArb, (a, b) => {
        expect(validateEnterpriseCode(a)).toEqual(validateEnterpriseCode(a));
        expect(compareEnterpriseCodes(a, b)).toEqual(compareEnterpriseCodes(a, b));
      }),
      RUNS,
    );
  });

  it('normalizes idempotently', () => {
    fc.assert(
      fc.property(anyStringArb, (input) => {
        const once = normalizeEnterpriseCode(input);
        expect(normalizeEnterpriseCode(once)).toBe(once);
      }),
      RUNS,
    );
  });

  it('compares symmetrically and never calls an invalid code the same', () => {
    fc.assert(
      fc.property(fc.oneof(anyStringArb, usccArb, orgCodeArb), fc.oneof(anyStringArb, usccArb, orgCodeArb), (a, b) => {
        const ab = compareEnterpriseCodes(a, b);
        expect(compareEnterpriseCodes(b, a).result).toBe(ab.result);
        if (!ab.a.valid || !ab.b.valid) expect(ab).toMatchObject({ result: 'unknown', reason: { code: 'invalid-code' } });
      }),
      RUNS,
    );
  });
});

describe('generated valid codes', () => {
  it('validate, in any spelling', () => {
    const spelled = (code: string): fc.Arbitrary<string> =>
      fc.array(fc.constantFrom('plain', 'lower', 'full', 'space', 'dash'), { minLength: code.length, maxLength: code.length }).map((styles) =>
        [...code]
          .map((char, i) => {
            switch (styles[i]) {
              case 'lower':
                return char.toLowerCase();
              case 'full':
                return String.fromCharCode(char.charCodeAt(0) + 0xfee0);
              case 'space':
                return `${char}\u3000`;
              case 'dash':
                return `${char}－`;
              default:
                return char;
            }
          })
          .join(''),
      );
    fc.assert(
      fc.property(fc.oneof(usccArb, orgCodeArb, registrationArb).chain((code) => fc.tuple(fc.constant(code), spelled(code))), ([code, spelling]) => {
        const v = validateEnterpriseCode(spelling);
        expect(v.valid).toBe(true);
        expect(v.normalized).toBe(code);
      }),
      RUNS,
    );
  });

  it('a USCC embeds a valid org code and compares the same with it', () => {
    fc.assert(
      fc.property(usccArb, (uscc) => {
        const v = validateEnterpriseCode(uscc);
        expect(v).toMatchObject({ kind: 'uscc', valid: true, orgCode: `${uscc.slice(8, 16)}-${uscc.slice(16, 17)}` });
        expect(compareEnterpriseCodes(uscc, uscc.slice(8, 17)).result).toBe('same');
      }),
      RUNS,
    );
  });

  it('any single changed character of a USCC is caught', () => {
    fc.assert(
      fc.property(usccArb, fc.nat(17), charOf(ORG_BODY_CHARS), (uscc, at, char) => {
        fc.pre(uscc[at] !== char);
        const changed = uscc.slice(0, at) + char + uscc.slice(at + 1);
        expect(validateEnterpriseCode(changed).valid).toBe(false);
      }),
      RUNS,
    );
  });

  it('any single changed digit of a registration number is caught', () => {
    fc.assert(
      fc.property(registrationArb, fc.nat(14), charOf(DIGITS), (number, at, digit) => {
        fc.pre(number[at] !== digit);
        expect(validateEnterpriseCode(number.slice(0, at) + digit + number.slice(at + 1)).valid).toBe(false);
      }),
      RUNS,
    );
  });

  it('a changed org-code character is caught unless its value moves by a multiple of 11', () => {
    fc.assert(
      fc.property(orgCodeArb, fc.nat(8), charOf(ORG_BODY_CHARS), (code, at, char) => {
        fc.pre(code[at] !== char);
        const changed = code.slice(0, at) + char + code.slice(at + 1);
        const delta = Math.abs(parseInt(char, 36) - parseInt(code.charAt(at), 36));
        if (at === 8 || delta % 11 !== 0) expect(validateEnterpriseCode(changed).valid).toBe(false);
      }),
      RUNS,
    );
  });

  it('documents the GB 11714 blind spot: a body value moved by 11 keeps the check (a USCC still catches it)', () => {
    // "1" (value 1) and "C" (value 12) are the same mod 11.
    const code = makeOrgCode('10007919');
    const swapped = `C${code.slice(1)}`;
    expect(validateEnterpriseCode(swapped).valid).toBe(true);
    const uscc = makeUscc('91', '440300', '10007919');
    expect(validateEnterpriseCode(`${uscc.slice(0, 8)}C${uscc.slice(9)}`).valid).toBe(false);
  });
});
