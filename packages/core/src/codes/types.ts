/**
 * Result shapes of the enterprise-code checks. They are what the CLI prints as JSON, so every field
 * name and every `code` string here is a published contract: add, never rename.
 */

/** A text in both languages Yizheng speaks. zh-CN is what the supplier reads; en is for logs and docs. */
export interface LocalizedText {
  readonly 'zh-CN': string;
  readonly en: string;
}

/**
 * What a code looks like after normalisation:
 * - `uscc`: 18 ASCII letters/digits (统一社会信用代码, GB 32100-2015),
 * - `org-code`: 9 ASCII letters/digits (组织机构代码, GB 11714-1997),
 * - `registration-number`: 15 ASCII letters/digits (工商注册号, GS 15-2006),
 * - `unknown`: anything else (empty, another length, or a character that is not an ASCII letter or digit).
 *
 * The kind is decided by shape alone, so a mistyped USCC (say with an `I` or a wrong check character)
 * is still a `uscc`, just not a valid one, and the problems can say exactly what is wrong with it.
 */
export type CodeKind = 'uscc' | 'org-code' | 'registration-number' | 'unknown';

/**
 * Stable identifiers of what can be wrong with a code:
 * - `empty`: nothing left after normalisation,
 * - `length`: a length no code has, or an input too long to be any code,
 * - `charset`: a character the code's alphabet does not allow,
 * - `region`: a USCC whose positions 3-8 (administrative region) are not all digits,
 * - `check`: the code's own check character is wrong (the message names expected and found),
 * - `embedded-org-check`: the organisation code inside a USCC (positions 9-17) fails its own check.
 */
export type CodeProblemCode = 'empty' | 'length' | 'charset' | 'region' | 'check' | 'embedded-org-check';

/** One thing wrong with a code, with a message a supplier can act on. */
export interface CodeProblem {
  readonly code: CodeProblemCode;
  readonly message: LocalizedText;
}

/**
 * Stable identifiers of caveats that do not make a code invalid:
 * - `registration-check-unconfirmed`: the 工商注册号 check digit was tested with ISO 7064 MOD 11,10,
 *   a rule we have not confirmed against the official standard text.
 */
export type CodeNoteCode = 'registration-check-unconfirmed';

/** A caveat about how a code was judged. */
export interface CodeNote {
  readonly code: CodeNoteCode;
  readonly message: LocalizedText;
}

/** The verdict on one code, exactly as the CLI prints it. */
export interface CodeValidation {
  readonly kind: CodeKind;
  /** True only when `errors` is empty. */
  readonly valid: boolean;
  /** The code after {@link normalizeEnterpriseCode}; empty when the input was too long to be any code. */
  readonly normalized: string;
  /**
   * Present only when `valid`: for a USCC, the organisation code it embeds (positions 9-17); for an
   * organisation code, itself. Always formatted `XXXXXXXX-X`.
   */
  readonly orgCode?: string;
  readonly errors: readonly CodeProblem[];
  /** Caveats about the verdict; present only when there are any (today: registration numbers). */
  readonly notes?: readonly CodeNote[];
}

/** Stable identifiers of why two codes were judged the same, different or undecidable. */
export type CodeComparisonReasonCode =
  | 'identical'
  | 'uscc-embeds-org-code'
  | 'org-code-not-embedded'
  | 'different-codes'
  | 'incomparable-kinds'
  | 'invalid-code';

/** Why {@link compareEnterpriseCodes} decided what it did. */
export interface CodeComparisonReason {
  readonly code: CodeComparisonReasonCode;
  readonly message: LocalizedText;
}

/** Whether two codes identify the same entity, with both verdicts; `{ result, reason }` is what the CLI prints. */
export interface CodeComparison {
  /** `unknown` means it cannot be decided offline (or one code is invalid), never "probably the same". */
  readonly result: 'same' | 'different' | 'unknown';
  readonly reason: CodeComparisonReason;
  readonly a: CodeValidation;
  readonly b: CodeValidation;
}
