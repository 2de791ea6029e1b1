import type { CodeKind, LocalizedText } from './types';

const KIND_NAMES: Readonly<Record<CodeKind, LocalizedText>> = {
  uscc: { 'zh-CN': '统一社会信用代码', en: 'unified social credit code' },
  'org-code': { 'zh-CN': '组织机构代码', en: 'organisation code' },
  'registration-number': { 'zh-CN': '工商注册号', en: 'business registration number' },
  unknown: { 'zh-CN': '无法识别的代码', en: 'unrecognised code' },
};

/** The words support desks use for a code kind, e.g. 统一社会信用代码 / "unified social credit code". */
export function describeCodeKind(kind: CodeKind): LocalizedText {
  return KIND_NAMES[kind];
}
