/**
 * Decides whether two enterprise codes identify the same entity, offline (an account registered with an organisation code and a certificate carrying the USCC of the
 * same entity are the same subject).
 */
import { hyphenateOrgCode, quoteInput } from './format';
import { describeCodeKind } from './kinds';
import type { CodeComparison, CodeComparisonReason, CodeValidation, LocalizedText } from './types';
import { validateEnterpriseCode } from './validate';

/**
 * Compares two enterprise codes:
 * - both valid and equal after normalisation → `same` (`identical`);
 * - a USCC and an organisation code → `same` when the USCC embeds it (`uscc-embeds-org-code`),
 *   otherwise `different` (`org-code-not-embedded`);
 * - two different USCCs, organisation codes or registration numbers → `different` (`different-codes`);
 * - a registration number against a USCC or organisation code → `unknown` (`incomparable-kinds`):
 *   neither can be derived from the other, only the registry knows;
 * - either code invalid → `unknown` (`invalid-code`), naming the invalid side(s).
 *
 * Symmetric in its verdict; never throws.
 */
export function compareEnterpriseCodes(a: string, b: string): CodeComparison {
  const va = validateEnterpriseCode(a);
  const vb = validateEnterpriseCode(b);
  const decide = (result: CodeComparison['result'], reason: CodeComparisonReason): CodeComparison => ({
    result,
    reason,
    a: va,
    b: vb,
  });

  if (!va.valid || !vb.valid) return decide('unknown', invalidReason(va, a, vb, b));
  if (va.normalized === vb.normalized) return decide('same', identicalReason(va));

  const uscc = va.kind === 'uscc' ? va : vb.kind === 'uscc' ? vb : undefined;
  const org = va.kind === 'org-code' ? va : vb.kind === 'org-code' ? vb : undefined;
  if (uscc && org) {
    return uscc.orgCode === org.orgCode
      ? decide('same', embedsReason(uscc, org))
      : decide('different', notEmbeddedReason(uscc, org));
  }
  if (va.kind === vb.kind) return decide('different', differentReason(va, vb));
  return decide('unknown', incomparableReason(va, vb));
}

/**
 * How a code appears in messages: normalised, organisation codes as `XXXXXXXX-X` (valid or not), and
 * the raw input (trimmed, shortened) when nothing survived normalisation.
 */
export function showCode(validation: CodeValidation, input: string): string {
  if (validation.kind === 'org-code') return hyphenateOrgCode(validation.normalized);
  return validation.normalized !== '' ? validation.normalized : quoteInput(input);
}

function identicalReason(v: CodeValidation): CodeComparisonReason {
  const code = showCode(v, v.normalized);
  const kind = describeCodeKind(v.kind);
  return reason('identical', {
    'zh-CN': `两个${kind['zh-CN']}相同（“${code}”），是同一主体。`,
    en: `Both are the same ${kind.en} ("${code}"): the same entity.`,
  });
}

function embedsReason(uscc: CodeValidation, org: CodeValidation): CodeComparisonReason {
  return reason('uscc-embeds-org-code', {
    'zh-CN': `统一社会信用代码“${uscc.normalized}”的第9至17位就是组织机构代码“${org.orgCode}”，两者是同一主体。`,
    en: `The unified social credit code "${uscc.normalized}" embeds the organisation code "${org.orgCode}" (characters 9 to 17): they identify the same entity.`,
  });
}

function notEmbeddedReason(uscc: CodeValidation, org: CodeValidation): CodeComparisonReason {
  return reason('org-code-not-embedded', {
    'zh-CN': `统一社会信用代码“${uscc.normalized}”内含的组织机构代码是“${uscc.orgCode}”，与组织机构代码“${org.orgCode}”不同，不是同一主体。`,
    en: `The unified social credit code "${uscc.normalized}" embeds the organisation code "${uscc.orgCode}", not "${org.orgCode}": they are different entities.`,
  });
}

function differentReason(a: CodeValidation, b: CodeValidation): CodeComparisonReason {
  const kind = describeCodeKind(a.kind);
  return reason('different-codes', {
    'zh-CN': `两个${kind['zh-CN']}“${showCode(a, a.normalized)}”与“${showCode(b, b.normalized)}”不同，不是同一主体。`,
    en: `The ${kind.en}s "${showCode(a, a.normalized)}" and "${showCode(b, b.normalized)}" differ: they are different entities.`,
  });
}

function incomparableReason(a: CodeValidation, b: CodeValidation): CodeComparisonReason {
  const [registration, other] = a.kind === 'registration-number' ? [a, b] : [b, a];
  const kind = describeCodeKind(other.kind);
  const otherCode = showCode(other, other.normalized);
  return reason('incomparable-kinds', {
    'zh-CN': `工商注册号“${registration.normalized}”与${kind['zh-CN']}“${otherCode}”之间不能互相推算，无法离线判断是否为同一主体；请以营业执照或国家企业信用信息公示系统的登记信息为准。`,
    en: `A business registration number ("${registration.normalized}") and ${other.kind === 'org-code' ? 'an' : 'a'} ${kind.en} ("${otherCode}") cannot be derived from each other, so whether they identify the same entity cannot be decided offline; check the business licence or the National Enterprise Credit Information Publicity System.`,
  });
}

function invalidReason(a: CodeValidation, aInput: string, b: CodeValidation, bInput: string): CodeComparisonReason {
  const sides: LocalizedText[] = [];
  if (!a.valid) sides.push(describeInvalid('a', a, aInput));
  if (!b.valid) sides.push(describeInvalid('b', b, bInput));
  return reason('invalid-code', {
    'zh-CN': `${sides.map((s) => s['zh-CN']).join('')}无法判断是否为同一主体。`,
    en: `${sides.map((s) => s.en).join(' ')} Whether they identify the same entity cannot be decided.`,
  });
}

function describeInvalid(side: 'a' | 'b', v: CodeValidation, input: string): LocalizedText {
  const kind = describeCodeKind(v.kind);
  const code = showCode(v, input);
  return {
    'zh-CN': `代码 ${side}（${kind['zh-CN']}“${code}”）无效：${v.errors.map((p) => p.message['zh-CN']).join('')}`,
    en: `Code ${side} (${kind.en} "${code}") is invalid: ${v.errors.map((p) => p.message.en).join(' ')}`,
  };
}

function reason(code: CodeComparisonReason['code'], message: LocalizedText): CodeComparisonReason {
  return { code, message };
}
