import { describe, expect, it } from 'vitest';
import { isYizhengError, type YizhengError } from '../errors/index';
import { assertSameEnterprise, explainCodeMismatch } from './index';

const AHCA = { name: { 'zh-CN': 'AHCA（安徽CA）', en: 'AHCA' }, hotline: ['4008804959'] };

function thrown(fn: () => unknown): YizhengError {
  try {
    fn();
  } catch (err) {
    if (isYizhengError(err)) return err;
    throw err;
  }
  throw new Error('did not throw');
}

describe('explainCodeMismatch', () => {
  it('names both codes, their kinds, the verdict and what to do, with the CA hotline', () => {
    const text = explainCodeMismatch({ certificateCode: '91350200556207664B', accountCode: '55138508-2', provider: AHCA });
    expect(text['zh-CN']).toContain('证书中的代码：统一社会信用代码“91350200556207664B”；账号登记的代码：组织机构代码“55138508-2”。');
    expect(text['zh-CN']).toContain('不是同一主体');
    expect(text['zh-CN']).toContain('请联系颁发证书的CA机构（AHCA（安徽CA），客服电话：4008804959）变更证书中的企业代码');
    expect(text['zh-CN']).toContain('更正账号登记的主体代码');
    expect(text.en).toContain('Code in the certificate: unified social credit code "91350200556207664B"');
    expect(text.en).toContain('organisation code "55138508-2"');
    expect(text.en).toContain('contact the CA that issued the certificate (AHCA, hotline 4008804959) to change the code');
  });

  it('lists every hotline and works without a provider or hotline', () => {
    const cfca = { name: { 'zh-CN': 'CFCA', en: 'CFCA' }, hotline: ['025-66085508', '400-880-9888'] };
    const pair = { certificateCode: '55620766-4', accountCode: 'MA0K2KMD-7' };
    expect(explainCodeMismatch({ ...pair, provider: cfca })['zh-CN']).toContain('客服电话：025-66085508、400-880-9888');
    expect(explainCodeMismatch({ ...pair, provider: { name: cfca.name } }).en).toContain('the CA that issued the certificate (CFCA) to');
    expect(explainCodeMismatch(pair)['zh-CN']).toContain('请联系颁发证书的CA机构变更');
  });

  it('says a USCC and its embedded org code are the same entity and nothing needs to change', () => {
    const text = explainCodeMismatch({ certificateCode: '91350200556207664B', accountCode: '556207664' });
    expect(text['zh-CN']).toContain('组织机构代码“55620766-4”，两者是同一主体');
    expect(text['zh-CN']).toContain('无需变更证书或账号');
    expect(text.en).toContain('Neither the certificate nor the account needs to change');
  });

  it('explains an undecidable registration number, on either side', () => {
    const cert = explainCodeMismatch({ certificateCode: '110108000000016', accountCode: '91350200556207664B', provider: AHCA });
    expect(cert['zh-CN']).toContain('证书中的代码：工商注册号“110108000000016”');
    expect(cert['zh-CN']).toContain('将证书中的企业代码更新为统一社会信用代码');
    const account = explainCodeMismatch({ certificateCode: '91350200556207664B', accountCode: '110108000000016' });
    expect(account.en).toContain("ask the platform to change the account's code");
  });

  it('explains an invalid code, on the side that is invalid', () => {
    const text = explainCodeMismatch({ certificateCode: '91350200556207664B', accountCode: '5562O766-4', provider: AHCA });
    // An O is a legal letter in an organisation-code body, so this is a well-shaped code with a wrong check.
    expect(text['zh-CN']).toContain('账号登记的代码：组织机构代码“5562O766-4”');
    expect(text['zh-CN']).toContain('账号登记的代码“5562O766-4”无效：组织机构代码的校验码错误');
    expect(text['zh-CN']).toContain('请对照营业执照更正账号登记的主体代码');
    expect(text['zh-CN']).not.toContain('4008804959');
    const unknown = explainCodeMismatch({ certificateCode: 'N91350200556207664B', accountCode: '55620766-4', provider: AHCA });
    expect(unknown['zh-CN']).toContain('证书中的代码：无法识别的代码“N91350200556207664B”');
    expect(unknown.en).toContain('contact the CA that issued the certificate (AHCA, hotline 4008804959) to check and correct');
  });
});

describe('assertSameEnterprise', () => {
  it('returns the comparison when the codes identify the same entity', () => {
    expect(assertSameEnterprise({ certificateCode: '91350200556207664B', accountCode: '55620766-4' }).result).toBe('same');
  });

  it('throws ENTERPRISE_CODE_MISMATCH with kinds in words and the explanation', () => {
    const err = thrown(() =>
      assertSameEnterprise({ certificateCode: '91350200556207664B', accountCode: '551385082', provider: AHCA }),
    );
    expect(err.code).toBe('ENTERPRISE_CODE_MISMATCH');
    expect(err.message).toBe(
      '企业代码不一致：证书中的统一社会信用代码“91350200556207664B”与账号的组织机构代码“55138508-2”不是同一主体。',
    );
    expect(err.details).toMatchObject({
      certificateCode: '91350200556207664B',
      certificateKind: '统一社会信用代码',
      accountCode: '55138508-2',
      accountKind: '组织机构代码',
      certificateKindEn: 'unified social credit code',
      accountKindEn: 'organisation code',
      reason: 'org-code-not-embedded',
    });
    expect((err.details['explanation'] as { 'zh-CN': string })['zh-CN']).toContain('4008804959');
  });

  it('throws CODE_INVALID naming the invalid side', () => {
    const err = thrown(() => assertSameEnterprise({ certificateCode: '91350200556207664C', accountCode: '55620766-4' }));
    expect(err.code).toBe('CODE_INVALID');
    expect(err.details['side']).toBe('certificate');
    expect(err.message).toMatch(/^企业代码无效：证书中的代码“91350200556207664C”无效/);
    expect(thrown(() => assertSameEnterprise({ certificateCode: '55620766-4', accountCode: '' })).details['side']).toBe('account');
    expect(thrown(() => assertSameEnterprise({ certificateCode: '?', accountCode: '' })).details['side']).toBe('both');
  });

  it('fails closed on an undecidable registration-number pair, with its own code and English kinds', () => {
    const err = thrown(() => assertSameEnterprise({ certificateCode: '110108000000016', accountCode: '55620766-4' }));
    expect(err.code).toBe('ENTERPRISE_CODE_UNDECIDED');
    expect(err.localizedMessage('en')).toBe(
      'Cannot confirm the enterprise code: the certificate\'s business registration number "110108000000016" and the account\'s organisation code "55620766-4" cannot be matched offline.',
    );
  });
});
