import type { ErrorEntry } from './error-class';

/**
 * The errors a login page can meet (key clients, PINs, devices): the only messages the browser
 * entry carries. The server's catalogue includes all of them. Wording follows what users already
 * see from their CA clients (DOMAIN.md §8: 校验失败，还有N次机会, 密码已被锁死).
 */
export const CLIENT_ERROR_CATALOGUE = {
  CLIENT_NOT_RUNNING: {
    zh: '未检测到{client}，请确认已安装并启动。',
    en: '{client} is not running.',
    remedy: {
      zh: '请安装CA机构提供的证书应用环境（证书助手），确认其已启动（桌面右下角有图标）后刷新页面；https 页面可能还需要允许访问本机服务。',
      en: "Install the CA's client software (certificate assistant), make sure it is running, then reload the page; an https page may also need permission to reach local services.",
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
} as const satisfies Record<string, ErrorEntry>;

/** A code a page can meet. */
export type ClientErrorCode = keyof typeof CLIENT_ERROR_CATALOGUE;
