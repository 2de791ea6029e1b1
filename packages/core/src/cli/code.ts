/** `yizheng code <value>` and `yizheng code compare <a> <b>`. */
import { compareEnterpriseCodes, describeCodeKind, validateEnterpriseCode, type CodeValidation } from '../codes/index';
import type { Locale } from '../errors/index';
import { table } from './format';

const WORDS = {
  'zh-CN': { kind: '类型', valid: '校验', yes: '通过', no: '未通过', normalized: '规范化', orgCode: '组织机构代码', problems: '问题', result: '结论', reason: '依据', same: '同一主体', different: '不同主体', unknown: '无法判断' },
  en: { kind: 'Kind', valid: 'Check', yes: 'passed', no: 'failed', normalized: 'Normalised', orgCode: 'Organisation code', problems: 'Problems', result: 'Result', reason: 'Why', same: 'same entity', different: 'different entities', unknown: 'cannot tell' },
} as const;

function describeValidation(v: CodeValidation, locale: Locale): string {
  const w = WORDS[locale];
  const rows: [string, string][] = [
    [w.kind, describeCodeKind(v.kind)[locale]],
    [w.valid, v.valid ? w.yes : w.no],
    [w.normalized, v.normalized],
  ];
  if (v.orgCode !== undefined) rows.push([w.orgCode, v.orgCode]);
  if (v.errors.length > 0) rows.push([w.problems, v.errors.map((p) => p.message[locale]).join('\n')]);
  return table(rows);
}

/** Validates one code; exit 0 when valid, 1 when not. */
export function runCode(value: string, options: { json: boolean; locale: Locale }): { output: string; ok: boolean } {
  const v = validateEnterpriseCode(value);
  return { output: options.json ? JSON.stringify(v, null, 2) : describeValidation(v, options.locale), ok: v.valid };
}

/** Compares two codes; exit 1 only when an input is not a valid code. */
export function runCompare(a: string, b: string, options: { json: boolean; locale: Locale }): { output: string; ok: boolean } {
  const c = compareEnterpriseCodes(a, b);
  const ok = c.a.valid && c.b.valid;
  if (options.json) return { output: JSON.stringify({ result: c.result, reason: c.reason, a: c.a, b: c.b }, null, 2), ok };
  const w = WORDS[options.locale];
  return { output: table([[w.result, w[c.result]], [w.reason, c.reason.message[options.locale]]]), ok };
}
