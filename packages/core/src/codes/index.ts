/**
 * @yizheng/core/codes: enterprise codes (GB 32100-2015, GB 11714-1997). Normalise, classify,
 * validate, compare and explain the unified social credit code (USCC), the organisation code and the
 * business registration number.
 *
 * @module
 */
export { normalizeEnterpriseCode } from './normalize';
export { classifyEnterpriseCode, parseEnterpriseCode, validateEnterpriseCode } from './validate';
export { formatOrgCode } from './format';
export { compareEnterpriseCodes } from './compare';
export {
  assertSameEnterprise,
  explainCodeMismatch,
  type CertificateAuthorityContact,
  type EnterpriseCodePair,
} from './explain';
export { describeCodeKind } from './kinds';
export type {
  CodeComparison,
  CodeComparisonReason,
  CodeComparisonReasonCode,
  CodeKind,
  CodeNote,
  CodeNoteCode,
  CodeProblem,
  CodeProblemCode,
  CodeValidation,
  LocalizedText,
} from './types';
