/**
 * Every error a Yizheng user can meet, by stable code. The code is the contract: it never changes
 * meaning once published. Messages take `{name}` placeholders filled from the error's details.
 * Chinese wording follows what platform support desks already tell users (DOMAIN.md §8).
 */
export interface ErrorEntry {
  /** zh-CN message template. */
  readonly zh: string;
  /** English message template. */
  readonly en: string;
  /** What the user or the integrating developer should do next, in both languages. */
  readonly remedy: { readonly zh: string; readonly en: string };
}

export const ERROR_CATALOGUE = {
  INVALID_ARGUMENT: {
    zh: '参数无效：{reason}',
    en: 'Invalid argument: {reason}',
    remedy: {
      zh: '检查调用参数是否符合文档说明。',
      en: 'Check the call against the documented parameters.',
    },
  },
  CERT_MALFORMED: {
    zh: '证书格式错误，无法解析：{reason}',
    en: 'The certificate is malformed and cannot be parsed: {reason}',
    remedy: {
      zh: '请重新从证书介质（UKey）读取签名证书，确认提交的是 PEM、DER 或 Base64 编码的 X.509 证书。',
      en: 'Read the signing certificate from the key again and submit it as an X.509 certificate in PEM, DER or base64.',
    },
  },
  CODE_INVALID: {
    zh: '企业代码无效：{reason}',
    en: 'Invalid enterprise code: {reason}',
    remedy: {
      zh: '请核对统一社会信用代码（18位）或组织机构代码（9位，如 XXXXXXXX-X）是否与营业执照一致。',
      en: 'Check the unified social credit code (18 characters) or organisation code (9 characters, e.g. XXXXXXXX-X) against the business licence.',
    },
  },
  ENTERPRISE_CODE_MISMATCH: {
    zh: '企业代码不一致：证书中的{certificateKind}“{certificateCode}”与账号的{accountKind}“{accountCode}”不是同一主体。',
    en: "Enterprise code mismatch: the certificate's {certificateKind} \"{certificateCode}\" and the account's {accountKind} \"{accountCode}\" do not identify the same entity.",
    remedy: {
      zh: '请核对账号登记的主体代码；如证书中的代码有误，请联系颁发证书的CA机构变更证书信息后重新绑定。',
      en: "Check the code registered for the account; if the certificate's code is wrong, ask the issuing CA to correct the certificate, then bind again.",
    },
  },
} as const satisfies Record<string, ErrorEntry>;

/** A stable Yizheng error code. */
export type YizhengErrorCode = keyof typeof ERROR_CATALOGUE;

/** All codes, in catalogue order. */
export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as YizhengErrorCode[];
