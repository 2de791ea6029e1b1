import { CLIENT_ERROR_CATALOGUE } from './catalogue-client';
import type { ErrorEntry } from './error-class';

/**
 * Every error a Yizheng user can meet, by stable code. The code is the contract: it never changes
 * meaning once published. Messages take `{name}` placeholders filled from the error's details;
 * remedies name the platform's pages by `{menu:bind}` and `{menu:unbind}`, filled with the platform's
 * menu names (`createYizheng({ menus })`) or the neutral defaults (证书绑定 / Certificate binding).
 * Chinese wording follows what platform support desks already tell users.
 */
export const ERROR_CATALOGUE = {
  ...CLIENT_ERROR_CATALOGUE,
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
  },  ENTERPRISE_CODE_CONFLICT: {
    zh: '证书中的主体代码互相矛盾（{codes}，分别位于 {sources}），无法确认证书属于哪个主体。',
    en: 'The codes in the certificate contradict each other ({codes}, found in {sources}); it cannot be told which entity it belongs to.',
    remedy: {
      zh: '请联系颁发证书的CA机构（{caName}，客服电话 {hotline}）核对并更正证书中的主体信息后重新使用。',
      en: 'Contact the issuing CA ({caNameEn}, hotline {hotline}) to check and correct the subject data in the certificate, then try again.',
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
  SIGNATURE_MALFORMED: {
    zh: '签名格式错误，无法验证：{reason}',
    en: 'The signature is malformed and cannot be verified: {reason}',
    remedy: {
      zh: '请确认客户端提交的是完整的签名值（DER、r‖s 或 PKCS#7/CMS 签名数据），签名算法与所选证书的密钥一致；如格式无法自动识别，请指定签名格式。',
      en: 'Check that the client submitted the complete signature (DER, r‖s or PKCS#7/CMS signed data) made with the algorithm of the selected certificate; if the format cannot be detected, pass it explicitly.',
    },
  },
  ENVELOPE_MALFORMED: {
    zh: '数字信封格式错误，无法解密：{reason}',
    en: 'The digital envelope is malformed and cannot be opened: {reason}',
    remedy: {
      zh: '请确认提交的是完整的数字信封（CMS/PKCS#7 EnvelopedData 或 GM/T 0010 数字信封的 DER 编码），在传输或存储中未被截断或改动。',
      en: 'Check that the complete digital envelope (the DER of a CMS / PKCS#7 EnvelopedData or GM/T 0010 envelope) was submitted, not truncated or altered in transit or storage.',
    },
  },
  ENVELOPE_NOT_FOR_THIS_KEY: {
    zh: '该数字信封不是加密给此证书的（证书序列号 {serialNumber}，信封中有 {recipients} 个接收者）。',
    en: 'The digital envelope is not addressed to this certificate (serial {serialNumber}; the envelope has {recipients} recipient(s)).',
    remedy: {
      zh: '请使用投标时所用的加密证书（UKey中的加密证书，不是签名证书）及其私钥解密；如证书已更新，请使用原加密证书解密。',
      en: 'Open it with the encryption certificate (not the signing certificate) it was sealed to, and its private key; if the certificate was renewed since, use the original one.',
    },
  },
  ENVELOPE_DECRYPT_FAILED: {
    zh: '数字信封解密失败：{reason}',
    en: 'The digital envelope could not be decrypted: {reason}',
    remedy: {
      zh: '私钥与证书不匹配，或信封内容已被改动：请确认使用该加密证书对应的私钥，并核对信封是否完整。',
      en: 'The private key does not match the certificate, or the envelope was altered: use the private key of this encryption certificate and check the envelope is intact.',
    },
  },
  SIGNATURE_INVALID: {
    zh: '签名验证失败：{reason}',
    en: 'Signature verification failed: {reason}',
    remedy: {
      zh: '签名与原文或证书不匹配：请确认使用所选证书（签名证书）对服务器下发的原文签名，然后重新登录。',
      en: "The signature does not match the data or the certificate: sign the exact data the server issued with the selected (signing) certificate's key, then try again.",
    },
  },
  CERT_UNTRUSTED: {
    zh: '证书不受信任：{reason}（证书：{subject}）',
    en: 'The certificate is not trusted: {reasonEn} (certificate: {subject})',
    remedy: {
      zh: '请确认证书由平台支持的CA机构颁发，且服务器已配置该CA的根证书和中级证书；如仍无法使用，请联系颁发证书的CA机构。',
      en: 'Check that the certificate comes from a CA the platform accepts and that the server has that CA\'s root and intermediate certificates configured; otherwise contact the issuing CA.',
    },
  },
  CERT_EXPIRED: {
    zh: '证书已过期：{subject} 的有效期已于 {notAfter} 结束。',
    en: 'The certificate has expired: {subject} was valid until {notAfter}.',
    remedy: {
      zh: '请联系颁发证书的CA机构办理证书延期（已过期的证书可办理修复），完成后重新登录。',
      en: 'Ask the issuing CA to extend (or, once expired, repair) the certificate, then log in again.',
    },
  },
  CERT_NOT_YET_VALID: {
    zh: '证书未生效：{subject} 的有效期从 {notBefore} 开始。',
    en: 'The certificate is not yet valid: {subject} is valid from {notBefore}.',
    remedy: {
      zh: '请检查电脑和服务器的系统时间；证书刚办理延期或更新时，新证书可能要到生效时间后（通常一个工作日内）才能使用。',
      en: 'Check the computer\'s and the server\'s clocks; just after an extension or renewal the new certificate may only become usable at its start time (usually within a working day).',
    },
    reasons: {
      'renewed-not-yet-valid': {
        zh: "延期或修复后的证书可能在约一个工作日内显示'证书未生效'（{subject} 的有效期从 {notBefore} 开始），请稍后再试。",
        en: "After an extension or repair the certificate may show 'not yet valid' for about a working day ({subject} is valid from {notBefore}); please try again later.",
        remedy: {
          zh: '该证书是已绑定证书延期或修复后的新证书，尚未到生效时间。请稍后再试，或联系CA机构确认生效时间；在此之前可使用账号密码登录。',
          en: 'This is the extended or repaired successor of the bound certificate and its validity has not started yet. Try again later, or ask the CA when it takes effect; until then, sign in with the account and password.',
        },
      },
    },
  },
  CERT_REVOKED: {
    zh: '证书已作废：{subject}（作废时间：{revocationTime}，原因：{revocationReason}）。',
    en: 'The certificate has been revoked: {subject} (revoked at {revocationTime}, reason: {revocationReasonEn}).',
    remedy: {
      zh: '该证书已被CA机构作废或冻结，不能再用于登录和签名。请联系颁发证书的CA机构了解原因，必要时解冻或重新办理证书。',
      en: 'The CA has revoked or frozen this certificate: it can no longer be used to log in or sign. Contact the issuing CA; unfreeze it or get a new certificate if needed.',
    },
  },
  REVOCATION_UNAVAILABLE: {
    zh: '无法确认证书是否已作废：{reason}（证书：{subject}）',
    en: 'Cannot confirm whether the certificate has been revoked: {reasonEn} (certificate: {subject})',
    remedy: {
      zh: 'CA机构的证书状态服务（OCSP/CRL）暂时无法使用，请稍后重试；如持续出现，请平台管理员检查服务器能否访问该服务。',
      en: "The CA's certificate status service (OCSP/CRL) is unavailable: try again later; if it persists, the platform administrator should check that the server can reach it.",
    },
  },
  ALREADY_BOUND: {
    zh: '该证书已被绑定：它已绑定到账号 {accountId}。',
    en: 'This certificate is already bound to account {accountId}.',
    remedy: {
      zh: '一张证书只能绑定一个账号。请先用该账号（或其机构管理员）登录，在【{menu:unbind}】中解除绑定，再重新绑定。',
      en: "A certificate can be bound to one account only: sign in as that account (or its organisation's administrator), unbind it under '{menu:unbind}', then bind again.",
    },
    reasons: {
      'other-scope': {
        zh: '该证书已被绑定：它已在 {scope} 绑定到账号 {accountId}。',
        en: 'This certificate is already bound to account {accountId} in {scope}.',
        remedy: {
          zh: '一张证书只能绑定一个账号（各地区平台通用）。请先用该账号（或其机构管理员）登录 {scope} 的平台解除绑定，再重新绑定。',
          en: "A certificate can be bound to one account only, across the regions that share bindings: sign in to the platform of {scope} as that account (or its organisation's administrator) and unbind it there, then bind again.",
        },
      },
    },
  },
  BINDING_CHANGED: {
    zh: '绑定信息已被修改：绑定记录 {bindingId} 的证书序列号现为 {actualSerial}，不是预期的 {expectedSerial}。',
    en: 'The binding has changed: binding {bindingId} now holds certificate serial {actualSerial}, not {expectedSerial}.',
    remedy: {
      zh: '该绑定刚被其他操作更新（如另一次登录或证书更新），请刷新后重试。',
      en: 'Another operation (another login, a renewal) updated the binding meanwhile: reload it and try again.',
    },
  },
  ORDER_TRANSITION_INVALID: {
    zh: '订单当前状态为“{stateLabel}”，不能执行该操作（{event}）。',
    en: 'The order is "{stateLabelEn}": {event} is not possible in that state.',
    remedy: {
      zh: '请刷新订单列表，按订单当前状态办理（如已续费未延期的订单请办理延期）。',
      en: 'Reload the order list and continue from the order\'s current state (e.g. extend an order that is paid but not yet extended).',
    },
  },
  ORDER_CHANGED: {
    zh: '订单状态已变化：订单 {orderId} 现为“{actualState}”，不是预期的“{expectedState}”。',
    en: 'The order has changed: order {orderId} is now {actualState}, not {expectedState}.',
    remedy: {
      zh: '该订单刚被其他操作更新（如另一处付款或延期），请刷新后重试。',
      en: 'Another operation (a payment, an extension) updated the order meanwhile: reload it and try again.',
    },
  },
  TOKEN_MALFORMED: {
    zh: '登录数据格式错误：{reason}',
    en: 'The login token is malformed: {reason}',
    remedy: {
      zh: '请刷新页面后重新进行CA登录；如仍失败，请更新证书助手（客户端）后再试。',
      en: 'Reload the page and sign in with the certificate again; if it keeps failing, update the CA client.',
    },
  },
  CHALLENGE_NOT_FOUND: {
    zh: '登录请求已失效或不存在，请重新操作。',
    en: 'There is no pending sign-in request for this session; start again.',
    remedy: {
      zh: '请刷新页面，重新获取随机数后再签名（每个随机数只能使用一次）。',
      en: 'Reload the page to get a new challenge, then sign again (each challenge can be used once).',
    },
  },
  CHALLENGE_EXPIRED: {
    zh: '登录请求已超时（{expiresAt} 过期），请重新操作。',
    en: 'The sign-in request expired at {expiresAt}; start again.',
    remedy: {
      zh: '请刷新页面后在5分钟内完成插入UKey、输入密码和签名。',
      en: 'Reload the page and finish inserting the key, entering the PIN and signing within 5 minutes.',
    },
  },
  PROVIDER_UNKNOWN: {
    zh: '不支持该CA机构的证书：{provider}',
    en: 'Certificates of this CA are not accepted here: {provider}',
    remedy: {
      zh: '请使用本平台支持的CA机构颁发的数字证书，或联系平台确认支持的CA列表。',
      en: "Use a certificate from a CA this platform accepts, or ask the platform for its list of CAs.",
    },
  },
  CERT_WRONG_PURPOSE: {
    zh: '该证书不是签名证书（用途：{purpose}），不能用于登录或绑定。',
    en: 'This is not a signing certificate (purpose: {purpose}); it cannot be used to sign in or bind.',
    remedy: {
      zh: '请选择UKey中的签名证书（不是加密证书）后重试。',
      en: 'Choose the signing certificate on the key (not the encryption certificate) and try again.',
    },
    reasons: {
      'extended-key-usage': {
        zh: '该证书的扩展密钥用法（{extKeyUsage}）不包含客户端身份认证，不能用于登录或绑定。',
        en: "This certificate's extended key usage ({extKeyUsage}) does not allow client authentication; it cannot be used to sign in or bind.",
        remedy: {
          zh: '请选择UKey中用于身份认证的签名证书；如证书用途有误，请联系颁发证书的CA机构。',
          en: 'Choose the signing certificate on the key that is meant for authentication; if its usage is wrong, contact the issuing CA.',
        },
      },
      'encryption-certificate-mismatch': {
        zh: '随签名证书提交的加密证书（序列号：{serialNumber}）与签名证书不属于同一UKey的同一持有人，或不是有效的加密证书（{mismatch}）。',
        en: 'The encryption certificate sent with the signing certificate (serial {serialNumber}) does not belong to the same holder on the same key, or is not a valid encryption certificate ({mismatch}).',
        remedy: {
          zh: '请使用同一UKey中的签名证书和加密证书（双证书）重试；如UKey中的加密证书有误或已过期，请联系颁发证书的CA机构。',
          en: 'Try again with the signing and the encryption certificate of the same key (dual certificates); if the encryption certificate on the key is wrong or expired, contact the issuing CA.',
        },
      },
    },
  },
  IDENTITY_NOT_FOUND: {
    zh: '证书中未找到主体身份信息（统一社会信用代码、组织机构代码等）。',
    en: 'The certificate carries no subject identity (unified social credit code, organisation code, ...).',
    remedy: {
      zh: '请联系颁发证书的CA机构，确认证书中包含单位的统一社会信用代码。',
      en: "Ask the issuing CA to confirm that the certificate carries the organisation's unified social credit code.",
    },
  },
  CERT_SUPERSEDED: {
    zh: '账号绑定的是同一持有人较新的证书（序列号 {boundSerialNumber}），这张证书（序列号 {serialNumber}）不能再用于登录。',
    en: 'The account is bound to a newer certificate of the same holder (serial {boundSerialNumber}); this one (serial {serialNumber}) can no longer log in.',
    remedy: {
      zh: '请使用更新（延期）后的证书登录；如确需改用这张证书，请先在【{menu:unbind}】中解除绑定，再在【{menu:bind}】中重新绑定。',
      en: "Log in with the renewed certificate; to use this one instead, unbind under '{menu:unbind}' and bind it again under '{menu:bind}'.",
    },
  },
  NOT_BOUND: {
    zh: '该证书尚未绑定账号，请先绑定。',
    en: 'This certificate is not bound to an account yet; bind it first.',
    remedy: {
      zh: '请先使用账号密码登录，在【{menu:bind}】中绑定该证书后再使用CA登录。',
      en: "Sign in with the account and password, bind this certificate under '{menu:bind}', then use certificate login.",
    },
    reasons: {
      'renewed-with-new-key': {
        zh: '证书已更换，请使用账号密码登录后重新关联。',
        en: 'The certificate has been replaced; sign in with the account and password and bind it again.',
        remedy: {
          zh: '这张证书与已绑定的证书属于同一单位、同一CA，但不是同一持有人的同一密钥（如换发了新密钥或是另一位员工的证书）。请使用账号密码登录，在【{menu:bind}】中绑定这张证书。',
          en: "This certificate is from the same company and CA as a bound one, but not the same holder's key (a re-keyed certificate, or a colleague's). Sign in with the account and password and bind this certificate under '{menu:bind}'.",
        },
      },
    },
  },
  BIND_FORBIDDEN: {
    zh: '无权为该账号管理证书绑定。',
    en: "You may not manage this account's certificate bindings.",
    remedy: {
      zh: '普通用户只能管理本人账号的证书绑定，机构管理员只能管理本单位账号的证书绑定；如需办理，请联系该账号所在单位的机构管理员。',
      en: "Employees manage only their own account's certificate bindings, and administrators only those of their own organisation's accounts: ask the administrator of the account's organisation.",
    },
    reasons: {
      'not-admin': {
        zh: '普通用户只能为本人账号绑定或解绑证书。',
        en: 'Employees can only bind or unbind certificates for their own account.',
        remedy: {
          zh: '为他人账号绑定或解绑证书，请联系本单位的机构管理员。',
          en: "Ask your organisation's administrator to bind or unbind certificates for other accounts.",
        },
      },
      'other-organization': {
        zh: '管理员只能管理本单位账号的证书绑定；该账号属于其他单位。',
        en: "Administrators can only manage the certificate bindings of their own organisation's accounts; this account belongs to another organisation.",
        remedy: {
          zh: '请核对所选账号是否属于本单位；其他单位的账号请由该单位的机构管理员办理。',
          en: "Check that the account belongs to your organisation; another organisation's accounts are managed by that organisation's administrator.",
        },
      },
      'admin-only': {
        zh: '只有本单位的机构管理员可以设置证书的管理员身份和权限。',
        en: "Only the organisation's administrator can make a certificate an administrator or grant it permissions.",
        remedy: {
          zh: '请不带管理员身份和权限重新绑定，或联系本单位的机构管理员设置。',
          en: "Bind again without the administrator flag and permissions, or ask your organisation's administrator to set them.",
        },
      },
    },
  },
  BINDING_NOT_FOUND: {
    zh: '绑定记录不存在（可能已被解绑）。',
    en: 'No such binding (it may have been removed).',
    remedy: {
      zh: '请刷新绑定列表后重试。',
      en: 'Reload the binding list and try again.',
    },
  },
  SIGN_IN_REQUIRED: {
    zh: '请先登录。',
    en: 'Sign in first.',
    remedy: {
      zh: '请先使用账号密码或CA证书登录平台，再进行此操作。',
      en: 'Sign in to the platform with your account and password or your CA certificate, then try again.',
    },
  },
  PERMISSION_DENIED: {
    zh: '当前登录方式无权执行此操作（{permission}）。',
    en: 'This session may not do that ({permission}).',
    remedy: {
      zh: '账号密码登录只能绑定证书；请使用已绑定的证书进行CA登录，或请机构管理员为该证书分配权限。',
      en: 'A password session can only bind certificates: sign in with a bound certificate, or ask the administrator to grant this permission.',
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
