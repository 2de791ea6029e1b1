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
    en: 'Invalid enterprise code: {reasonEn}',
    remedy: {
      zh: '请核对统一社会信用代码（18位）或组织机构代码（9位，如 XXXXXXXX-X）是否与营业执照一致。',
      en: 'Check the unified social credit code (18 characters) or organisation code (9 characters, e.g. XXXXXXXX-X) against the business licence.',
    },
  },
  ENTERPRISE_CODE_MISMATCH: {
    zh: '企业代码不一致：证书中的{certificateKind}“{certificateCode}”与账号的{accountKind}“{accountCode}”不是同一主体。',
    en: "Enterprise code mismatch: the certificate's {certificateKindEn} \"{certificateCode}\" and the account's {accountKindEn} \"{accountCode}\" do not identify the same entity.",
    remedy: {
      zh: '请核对账号登记的主体代码；如证书中的代码有误，请联系颁发证书的CA机构变更证书信息后重新绑定。',
      en: "Check the code registered for the account; if the certificate's code is wrong, ask the issuing CA to correct the certificate, then bind again.",
    },
  },
  ENTERPRISE_CODE_UNDECIDED: {
    zh: '无法确认企业代码是否一致：证书中的{certificateKind}“{certificateCode}”与账号的{accountKind}“{accountCode}”无法离线比对。',
    en: "Cannot confirm the enterprise code: the certificate's {certificateKindEn} \"{certificateCode}\" and the account's {accountKindEn} \"{accountCode}\" cannot be matched offline.",
    remedy: {
      zh: '请核对营业执照，或联系CA机构将证书中的代码更新为统一社会信用代码。',
      en: 'Check the business licence, or ask the CA to put the unified social credit code in the certificate.',
    },
  },
  INPUT_TOO_LARGE: {
    zh: '输入过大：{what} 超过 {limit} 字节的上限。',
    en: 'Input too large: {what} exceeds the limit of {limit} bytes.',
    remedy: {
      zh: '请确认提交的是单个证书或签名数据，而不是其他文件。',
      en: 'Make sure you are submitting a certificate or signature, not some other file.',
    },
  },
  FILE_UNREADABLE: {
    zh: '无法读取文件 {path}（{reason}）。',
    en: 'Cannot read the file {path} ({reason}).',
    remedy: {
      zh: '请检查文件路径是否正确以及是否有读取权限。',
      en: 'Check that the path is right and the file is readable.',
    },
  },
  INTERNAL_ERROR: {
    zh: 'Yizheng 内部错误：{reason}',
    en: 'Yizheng internal error: {reason}',
    remedy: {
      zh: '这是 Yizheng 的缺陷而不是您的输入问题，请将此信息反馈给平台技术支持。',
      en: 'This is a defect in Yizheng, not a problem with your input: please report it with this message.',
    },
  },
} as const satisfies Record<string, ErrorEntry>;

/** A stable Yizheng error code. */
export type YizhengErrorCode = keyof typeof ERROR_CATALOGUE;

/** All codes, in catalogue order. */
export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as YizhengErrorCode[];
