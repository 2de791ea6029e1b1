import { describe, expect, it } from 'vitest';
import { compareEnterpriseCodes } from './index';

describe('compareEnterpriseCodes', () => {
  it('finds equal codes the same whatever their spelling', () => {
    const c = compareEnterpriseCodes('91350200556207664B', '９１３５ ０２００ ５５６２ ０７６６ ４ｂ');
    expect(c).toMatchObject({ result: 'same', reason: { code: 'identical' } });
    expect(compareEnterpriseCodes('55620766-4', '556207664').result).toBe('same');
    expect(compareEnterpriseCodes('110108000000016', '110108000000016').result).toBe('same');
  });

  it('finds a USCC and the org code it embeds the same, in either order (seed 000 FAQ 6)', () => {
    for (const [a, b] of [
      ['91350200556207664B', '55620766-4'],
      ['55620766-4', '91350200556207664B'],
      ['91141124ma0k2kmd7c', 'MA0K2KMD-7'],
    ] as const) {
      const c = compareEnterpriseCodes(a, b);
      expect(c.result, `${a} ${b}`).toBe('same');
      expect(c.reason.code).toBe('uscc-embeds-org-code');
    }
    expect(compareEnterpriseCodes('91350200556207664B', '55620766-4').reason.message['zh-CN']).toBe(
      '统一社会信用代码“91350200556207664B”的第9至17位就是组织机构代码“55620766-4”，两者是同一主体。',
    );
  });

  it('finds a USCC and an org code it does not embed different, naming the embedded one', () => {
    const c = compareEnterpriseCodes('91350200556207664B', '55138508-2');
    expect(c).toMatchObject({ result: 'different', reason: { code: 'org-code-not-embedded' } });
    expect(c.reason.message.en).toContain('embeds the organisation code "55620766-4", not "55138508-2"');
  });

  it('finds two different codes of one kind different', () => {
    expect(compareEnterpriseCodes('91350200556207664B', '91110108551385082Q')).toMatchObject({
      result: 'different',
      reason: { code: 'different-codes' },
    });
    expect(compareEnterpriseCodes('55620766-4', 'MA0K2KMD-7')).toMatchObject({ result: 'different' });
    expect(compareEnterpriseCodes('110108000000016', '110108000000024').result).toBe('different');
  });

  it('cannot decide a registration number against a USCC or org code offline', () => {
    for (const [a, b] of [
      ['110108000000016', '91350200556207664B'],
      ['55620766-4', '110108000000016'],
    ] as const) {
      const c = compareEnterpriseCodes(a, b);
      expect(c).toMatchObject({ result: 'unknown', reason: { code: 'incomparable-kinds' } });
      expect(c.reason.message['zh-CN']).toContain('无法离线判断');
      expect(c.reason.message.en).toContain('cannot be decided offline');
      expect(c.reason.message.en).toMatch(/and an organisation code|and a unified social credit code/);
    }
  });

  it('cannot decide when a code is invalid, and says which', () => {
    const a = compareEnterpriseCodes('91350200556207664C', '55620766-4');
    expect(a).toMatchObject({ result: 'unknown', reason: { code: 'invalid-code' }, a: { valid: false }, b: { valid: true } });
    expect(a.reason.message['zh-CN']).toMatch(/^代码 a（统一社会信用代码“91350200556207664C”）无效/);
    expect(a.reason.message['zh-CN']).not.toContain('代码 b');
    const b = compareEnterpriseCodes('55620766-4', 'abc');
    expect(b.reason.message.en).toMatch(/^Code b \(unrecognised code "ABC"\) is invalid/);
    const both = compareEnterpriseCodes('', 'x'.repeat(100));
    expect(both.reason.message.en).toContain('Code a');
    expect(both.reason.message.en).toContain('Code b');
    // An identical but invalid pair is still not "same": nothing was established.
    expect(compareEnterpriseCodes('55620766-5', '55620766-5').result).toBe('unknown');
  });

  it('serialises to the JSON the CLI prints', () => {
    const json = JSON.parse(JSON.stringify(compareEnterpriseCodes('91350200556207664B', '55620766-4'))) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['result', 'reason', 'a', 'b']);
    expect(Object.keys(json['reason'] as object)).toEqual(['code', 'message']);
  });
});
