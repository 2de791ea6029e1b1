import type { ErrorEntry } from './error-class';

/**
 * The errors a login page can meet (key clients, PINs, devices): the only messages the browser
 * entry carries. The server's catalogue includes all of them. Wording follows what users already
 * see from their CA clients (校验失败，还有N次机会, 密码已被锁死).
 */
export const CLIENT_ERROR_CATALOGUE = {
  CLIENT_NOT_RUNNING: {
    zh: '未检测到{client}，请确认已安装并启动。',
    en: '{client} is not running.',
    remedy: {
      zh: '请安装CA机构提供的证书应用环境（证书助手），确认其已启动（桌面右下角有图标）后刷新页面；https 页面可能还需要允许访问本机服务。',
      en: "Install the CA's client software (certificate assistant), make sure it is running, then reload the page; an https page may also need permission to reach local services.",
    },
    // Clients that are a browser extension with a local program (e.g. CFCA CryptoKit).
    reasons: {
      'extension-missing': {
        zh: '未检测到{client}浏览器扩展。',
        en: "{client}'s browser extension was not found.",
        remedy: { zh: '请安装并启用CA机构提供的浏览器扩展后刷新页面。', en: "Install and enable the CA's browser extension, then reload the page." },
      },
      'host-missing': {
        zh: '未检测到{client}本地程序。',
        en: "{client}'s local program was not found.",
        remedy: { zh: '请安装CA机构提供的证书控件后重启浏览器。', en: "Install the CA's client package, then restart the browser." },
      },
      'browser-unsupported': {
        zh: '当前浏览器不支持{client}。',
        en: 'This browser cannot use {client}.',
        remedy: { zh: '请使用Chrome、Edge、Firefox或Safari浏览器。', en: 'Use Chrome, Edge, Firefox or Safari.' },
      },
    },
  },
  CLIENT_PROTOCOL_ERROR: {
    zh: '证书客户端返回了无法识别的数据：{reason}',
    en: 'The key client answered with something unexpected: {reason}',
    remedy: {
      zh: '请升级证书应用环境（证书助手）到最新版本后重试；如仍失败，请联系CA机构客服。',
      en: "Update the CA's client software to its latest version and try again; otherwise contact the CA's support desk.",
    },
  },
  // An error the client reported with a code the driver cannot classify, in the client's words
  // (`vendorText`; `vendorCode` in the details): a typed answer of the client, not a protocol fault.
  CLIENT_REPORTED_ERROR: {
    zh: '证书客户端报错：{vendorText}',
    en: 'The key client reported: {vendorText}',
    remedy: { zh: '请按提示处理后重试，或联系CA机构客服。', en: "Act on it and try again, or contact the CA's support desk." },
  },
  TOKEN_NOT_PRESENT: {
    zh: '未检测到UKey（数字证书介质）。',
    en: 'No USB key was found.',
    remedy: {
      zh: '请插入UKey，等待右下角提示识别成功后重试；如已插入，请拔出后重新插入或更换USB口。',
      en: 'Insert the USB key, wait until it is recognised, and try again; if it is inserted, re-insert it or try another USB port.',
    },
  },
  CERT_NOT_FOUND: {
    zh: 'UKey中找不到所选证书。',
    en: 'The selected certificate is not on the key.',
    remedy: {
      zh: '请刷新证书列表，重新选择证书；如插拔过UKey，请重新选择。',
      en: 'Reload the certificate list and choose again (the key may have been swapped).',
    },
  },
  PIN_INCORRECT: {
    zh: '校验失败，UKey密码错误。{retriesZh}',
    en: 'Verification failed: wrong key PIN. {retriesEn}',
    remedy: {
      zh: '请输入正确的UKey密码（区分大小写）；多次输错会锁死UKey。',
      en: 'Enter the right PIN (case-sensitive); too many wrong PINs lock the key.',
    },
  },
  PIN_LOCKED: {
    zh: '密码已被锁死，UKey暂时无法使用。',
    en: 'The PIN is locked; the key cannot be used.',
    remedy: {
      zh: '请联系颁发证书的CA机构解锁UKey（需携带UKey及相关证明材料）。',
      en: 'Ask the CA that issued the key to unlock it.',
    },
    reasons: {
      // The CA's own words for a locked key (e.g. BJCA's client: 请联系BJCA进行解锁), `ca` naming it.
      'contact-ca': {
        zh: '密码已被锁死，请联系{ca}进行解锁。',
        en: 'The PIN is locked: ask {ca} to unlock the key.',
        remedy: {
          zh: '请联系{ca}进行解锁（需携带UKey及相关证明材料）；解锁前UKey无法登录或签名。',
          en: 'Ask {ca} to unlock the key (bring the key and the documents it asks for); until then it cannot sign in or sign.',
        },
      },
    },
  },
  PIN_FINAL_TRY: {
    zh: 'UKey密码只剩最后1次机会，为防止UKey被锁死，网页不能再提交密码。',
    en: 'The key PIN has one try left: to keep the key from locking, the page may not send a PIN now.',
    remedy: {
      zh: '请在一证桥接程序（yizheng-bridge）窗口中输入UKey密码登录（需启动时允许在窗口中提问），或先用CA机构的证书管理工具核对密码；忘记密码请联系CA机构。',
      en: "Sign in by typing the PIN in the Yizheng bridge (yizheng-bridge) window (prompting must be on), or check the PIN with the CA's key manager first; if you forgot it, contact the CA.",
    },
    reasons: {
      'tries-unknown': {
        zh: 'UKey密码已输错，UKey无法告知还剩几次机会，下一次输错可能锁死UKey，网页不能再提交密码。',
        en: 'A wrong PIN was entered and the key cannot tell how many tries are left: the next wrong PIN may lock it, so the page may not send a PIN now.',
        remedy: {
          zh: '请在一证桥接程序（yizheng-bridge）窗口中或PIN键盘上输入UKey密码（需启动时允许在窗口中提问），或先用CA机构的证书管理工具核对密码；忘记密码请联系CA机构。',
          en: "Type the PIN in the Yizheng bridge (yizheng-bridge) window or on the PIN pad (prompting must be on), or check the PIN with the CA's key manager first; if you forgot it, contact the CA.",
        },
      },
    },
  },
  PIN_LEN_RANGE: {
    zh: '密码长度不正确，应为{min}到{max}位。',
    en: 'The PIN must be {min} to {max} characters long.',
    remedy: {
      zh: '请检查输入的密码位数后重试。',
      en: 'Check the length of the PIN and try again.',
    },
  },
  PIN_MUST_CHANGE: {
    zh: 'UKey仍在使用初始密码，请先修改密码。',
    en: "The key still has its initial PIN: change it first.",
    remedy: {
      zh: '为保证安全，请先修改UKey初始密码（如1234）后再登录或签名。',
      en: 'For your safety, change the initial PIN (such as 1234) before signing in or signing.',
    },
  },
  DEVICE_REMOVED: {
    zh: 'UKey已被拔出。',
    en: 'The USB key was removed.',
    remedy: {
      zh: '请重新插入UKey后重试，操作过程中请勿拔出。',
      en: 'Insert the key again and retry; keep it inserted until the operation finishes.',
    },
  },
  USER_CANCELLED: {
    zh: '操作已取消。',
    en: 'The operation was cancelled.',
    remedy: {
      zh: '如需继续，请重新操作并在弹出的窗口中确认。',
      en: 'Start again and confirm in the window that opens if you want to go on.',
    },
  },
  MECHANISM_UNSUPPORTED: {
    zh: '该UKey不支持所需的签名算法：{mechanism}',
    en: 'The key does not support the required signature algorithm: {mechanism}',
    remedy: {
      zh: '请联系CA机构确认UKey型号和驱动版本，或更换支持该算法的证书。',
      en: 'Ask the CA about the key model and driver version, or use a certificate that supports it.',
    },
  },
  PIN_REJECTED: {
    zh: 'UKey不接受这个新密码：{reason}',
    en: 'The key refused the new PIN: {reason}',
    remedy: {
      zh: '请换一个新密码：不要使用初始密码（如1234）或过于简单的密码，并符合UKey要求的位数和字符。',
      en: 'Choose another PIN: not the initial one (such as 1234) or a trivial one, with the length and characters the key accepts.',
    },
  },
  ORIGIN_NOT_APPROVED: {
    zh: '网站 {origin} 尚未获准使用UKey。',
    en: 'The site {origin} is not allowed to use the key yet.',
    remedy: {
      zh: '请在一证桥接程序（yizheng-bridge）窗口中核对网址，并输入本页面显示的6位确认码；平台可请管理员将其网址加入允许列表。',
      en: "Check the address in the Yizheng bridge (yizheng-bridge) window and type the 6-digit code this page shows; a platform can ask the administrator to add its address to the allow-list.",
    },
  },
  HOST_NOT_ALLOWED: {
    zh: '拒绝了通过非本机地址（{host}）访问证书桥接程序的请求。',
    en: 'A request reached the key bridge through a non-local address ({host}) and was refused.',
    remedy: {
      zh: '请使用 ws://127.0.0.1 或 ws://localhost 访问桥接程序；如非本人操作，可能是恶意网页，请关闭该页面。',
      en: 'Reach the bridge through ws://127.0.0.1 or ws://localhost; if you did not do this, a malicious page may be trying to: close it.',
    },
  },
  BRIDGE_RATE_LIMITED: {
    zh: '操作过于频繁，请{retryAfterSeconds}秒后再试。',
    en: 'Too many requests: try again in {retryAfterSeconds} s.',
    remedy: {
      zh: '请稍候再试；连续输错密码后需等待更久，以免UKey被锁死。',
      en: 'Wait and try again; after wrong PINs the wait grows so that the key is not locked.',
    },
  },
  SIGN_TEXT_REFUSED: {
    zh: '拒绝签名：待签名内容不是本网站的登录挑战（{reason}）。',
    en: 'Refused to sign: the text is not a login challenge of this site ({reason}).',
    remedy: {
      zh: '请刷新页面后重新登录；如反复出现，请联系平台技术支持。',
      en: "Reload the page and sign in again; if it keeps happening, contact the platform's support.",
    },
  },
  TOKEN_LOGIN_REQUIRED: {
    zh: '请先输入UKey密码。',
    en: 'Enter the key PIN first.',
    remedy: {
      zh: '每次签名前都需要输入UKey密码；请重新输入密码后再试。',
      en: 'Each signature needs the PIN: enter it and try again.',
    },
  },
  QR_CODE_EXPIRED: {
    zh: '二维码已失效，未在有效时间内完成扫码确认。',
    en: 'The QR code expired before it was scanned and confirmed.',
    remedy: {
      zh: '请刷新二维码，并在有效时间内使用CA机构的手机App（如汇信CA移动证书）扫码确认。',
      en: "Refresh the QR code, then scan and confirm it in the CA's mobile app (such as Huixin's mobile certificate) before it expires.",
    },
  },
} as const satisfies Record<string, ErrorEntry>;

/** A code a page can meet. */
export type ClientErrorCode = keyof typeof CLIENT_ERROR_CATALOGUE;
