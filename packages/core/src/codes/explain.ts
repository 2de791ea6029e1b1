/**
 * What a support desk tells a supplier whose certificate and account codes disagree (企业代码不一致),
 * and the assertion a binding flow calls.
 */
import { YizhengError } from '../errors/index';
import { compareEnterpriseCodes, showCode } from './compare';
import { describeCodeKind } from './kinds';
import type { CodeComparison, CodeValidation, LocalizedText } from './types';

/** The CA that issued the certificate, as the supplier should be told to contact it. */
export interface CertificateAuthorityContact {
  /** e.g. `{ 'zh-CN': '安徽CA（AHCA）', en: 'AHCA' }`. */
  readonly name: LocalizedText;
  /** Support hotlines, e.g. `['4008804959']`; all are listed. */
  readonly hotline?: readonly string[];
}

/** The two codes to reconcile: the one read from the certificate and the one registered for the account. */
export interface EnterpriseCodePair {
  readonly certificateCode: string;
  readonly accountCode: string;
  /** The CA that issued the certificate; without it the text says "the CA that issued the certificate". */
  readonly provider?: CertificateAuthorityContact;
}

/**
 * Explains, in both languages, how the certificate's code relates to the account's: both codes and
 * their kinds in words, whether they identify the same entity (and why), and what to do: ask the
 * issuing CA (with its hotline when given) to change the code in the certificate, or correct the code
 * registered for the account. Works for every outcome, including same and undecidable. Never throws.
 */
export function explainCodeMismatch(pair: EnterpriseCodePair): LocalizedText {
  return explainComparison(compareEnterpriseCodes(pair.certificateCode, pair.accountCode), pair);
}

/**
 * Asserts that the certificate and the account belong to the same enterprise, for a binding or login
 * flow. Returns the comparison only when the result is `same`. A registration number against a USCC
 * or organisation code cannot be decided offline: that is not called a mismatch (which would send the
 * supplier to the CA for nothing) but still fails closed, with its own code `ENTERPRISE_CODE_UNDECIDED`,
 * so no binding rests on a guess.
 *
 * @throws YizhengError `CODE_INVALID` when either code is invalid (`details.side` is `certificate`,
 * `account` or `both`), `ENTERPRISE_CODE_MISMATCH` when they identify different entities,
 * `ENTERPRISE_CODE_UNDECIDED` when they cannot be compared offline. Both carry
 * `details.explanation`, the {@link explainCodeMismatch} text; kinds are in Chinese in
 * `certificateKind`/`accountKind` (used by the zh message) and in English in `*KindEn`.
 */
export function assertSameEnterprise(pair: EnterpriseCodePair): CodeComparison {
  const comparison = compareEnterpriseCodes(pair.certificateCode, pair.accountCode);
  const { a: certificate, b: account } = comparison;
  const certificateCode = showCode(certificate, pair.certificateCode);
  const accountCode = showCode(account, pair.accountCode);
  if (!certificate.valid || !account.valid) {
    const parts = invalidParts(comparison, pair);
    throw new YizhengError('CODE_INVALID', {
      reason: parts.map((p) => p['zh-CN']).join(''),
      reasonEn: parts.map((p) => p.en).join(' '),
      side: !certificate.valid && !account.valid ? 'both' : certificate.valid ? 'account' : 'certificate',
      certificateCode,
      accountCode,
      explanation: explainComparison(comparison, pair),
    });
  }
  if (comparison.result !== 'same') {
    // 'unknown' (a registration number against a USCC) fails closed: binding must not rest on a guess.
    throw new YizhengError(comparison.result === 'different' ? 'ENTERPRISE_CODE_MISMATCH' : 'ENTERPRISE_CODE_UNDECIDED', {
      certificateCode,
      certificateKind: describeCodeKind(certificate.kind)['zh-CN'],
      accountCode,
      accountKind: describeCodeKind(account.kind)['zh-CN'],
      certificateKindEn: describeCodeKind(certificate.kind).en,
      accountKindEn: describeCodeKind(account.kind).en,
      reason: comparison.reason.code,
      explanation: explainComparison(comparison, pair),
    });
  }
  return comparison;
}

function explainComparison(comparison: CodeComparison, pair: EnterpriseCodePair): LocalizedText {
  const { a: certificate, b: account } = comparison;
  const certKind = describeCodeKind(certificate.kind);
  const accKind = describeCodeKind(account.kind);
  const certCode = showCode(certificate, pair.certificateCode);
  const accCode = showCode(account, pair.accountCode);
  const ca = contactCa(pair.provider);
  const header: LocalizedText = {
    'zh-CN': `证书中的代码：${certKind['zh-CN']}“${certCode}”；账号登记的代码：${accKind['zh-CN']}“${accCode}”。`,
    en: `Code in the certificate: ${certKind.en} "${certCode}"; code registered for the account: ${accKind.en} "${accCode}".`,
  };

  let body: LocalizedText[];
  if (!certificate.valid || !account.valid) {
    body = [...invalidParts(comparison, pair), invalidAdvice(certificate, account, ca)];
  } else if (comparison.result === 'same') {
    body = [comparison.reason.message, sameAdvice(certificate, account)];
  } else if (comparison.result === 'different') {
    body = [comparison.reason.message, differentAdvice(ca)];
  } else {
    body = [comparison.reason.message, undecidedAdvice(certificate, ca)];
  }
  return join([header, ...body]);
}

function invalidParts(comparison: CodeComparison, pair: EnterpriseCodePair): LocalizedText[] {
  const parts: LocalizedText[] = [];
  const describe = (v: CodeValidation, input: string, zhWhere: string, enWhere: string): LocalizedText => ({
    'zh-CN': `${zhWhere}“${showCode(v, input)}”无效：${v.errors.map((p) => p.message['zh-CN']).join('')}`,
    en: `The ${enWhere} "${showCode(v, input)}" is invalid: ${v.errors.map((p) => p.message.en).join(' ')}`,
  });
  if (!comparison.a.valid) parts.push(describe(comparison.a, pair.certificateCode, '证书中的代码', 'code in the certificate'));
  if (!comparison.b.valid) parts.push(describe(comparison.b, pair.accountCode, '账号登记的代码', 'code registered for the account'));
  return parts;
}

function sameAdvice(certificate: CodeValidation, account: CodeValidation): LocalizedText {
  if (certificate.kind === account.kind) {
    return { 'zh-CN': '无需变更证书或账号。', en: 'Neither the certificate nor the account needs to change.' };
  }
  return {
    'zh-CN': '无需变更证书或账号；如平台仍提示“企业代码不一致”，请联系平台，说明两个代码属于同一主体。',
    en: 'Neither the certificate nor the account needs to change; if the platform still reports an enterprise code mismatch, tell the platform that both codes belong to the same entity.',
  };
}

function differentAdvice(ca: LocalizedText): LocalizedText {
  return {
    'zh-CN': `处理办法：请对照营业执照核对哪个代码正确。如证书中的代码有误，请联系${ca['zh-CN']}变更证书中的企业代码，然后重新关联证书；如账号登记的代码有误，请联系平台更正账号登记的主体代码。`,
    en: `What to do: check both codes against the business licence. If the certificate's code is wrong, contact ${ca.en} to change the code in the certificate, then bind it again; if the account's code is wrong, ask the platform to correct the code registered for the account.`,
  };
}

function undecidedAdvice(certificate: CodeValidation, ca: LocalizedText): LocalizedText {
  if (certificate.kind === 'registration-number') {
    return {
      'zh-CN': `处理办法：证书中是旧版营业执照的工商注册号，请联系${ca['zh-CN']}将证书中的企业代码更新为统一社会信用代码，或请平台按登记信息人工核对。`,
      en: `What to do: the certificate carries an old-style business registration number; contact ${ca.en} to update the code in the certificate to the unified social credit code, or ask the platform to check the registration records by hand.`,
    };
  }
  return {
    'zh-CN': '处理办法：账号登记的是旧版营业执照的工商注册号，请联系平台将账号登记的主体代码更正为营业执照上的统一社会信用代码。',
    en: "What to do: the account is registered with an old-style business registration number; ask the platform to change the account's code to the unified social credit code on the business licence.",
  };
}

function invalidAdvice(certificate: CodeValidation, account: CodeValidation, ca: LocalizedText): LocalizedText {
  const zh: string[] = [];
  const en: string[] = [];
  if (!certificate.valid) {
    zh.push(`请联系${ca['zh-CN']}核实并变更证书中的企业代码`);
    en.push(`contact ${ca.en} to check and correct the code in the certificate`);
  }
  if (!account.valid) {
    zh.push('请对照营业执照更正账号登记的主体代码');
    en.push("correct the account's registered code against the business licence");
  }
  return { 'zh-CN': `处理办法：${zh.join('；')}。`, en: `What to do: ${en.join('; ')}.` };
}

function contactCa(provider: CertificateAuthorityContact | undefined): LocalizedText {
  if (!provider) return { 'zh-CN': '颁发证书的CA机构', en: 'the CA that issued the certificate' };
  const hotlines = (provider.hotline ?? []).filter((h) => h.trim() !== '');
  if (hotlines.length === 0) {
    return {
      'zh-CN': `颁发证书的CA机构（${provider.name['zh-CN']}）`,
      en: `the CA that issued the certificate (${provider.name.en})`,
    };
  }
  return {
    'zh-CN': `颁发证书的CA机构（${provider.name['zh-CN']}，客服电话：${hotlines.join('、')}）`,
    en: `the CA that issued the certificate (${provider.name.en}, hotline ${hotlines.join(', ')})`,
  };
}

function join(parts: readonly LocalizedText[]): LocalizedText {
  return { 'zh-CN': parts.map((p) => p['zh-CN']).join(''), en: parts.map((p) => p.en).join(' ') };
}
