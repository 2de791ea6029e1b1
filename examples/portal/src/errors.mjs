// The portal's own errors, in the same form as Yizheng's catalogue (a stable code, zh-CN and en
// messages, a remedy, an HTTP status), so the page shows every error the same way and never a stack,
// an English-only line or a record id.
import { httpStatusOf, isYizhengError } from '@yizheng/core';

/** @type {Record<string, { status: number, zh: string, en: string, remedy: { zh: string, en: string } }>} */
export const PORTAL_ERRORS = {
  PORTAL_LOGIN_FAILED: {
    status: 401,
    zh: '账号或密码错误。',
    en: 'Wrong account or password.',
    remedy: {
      zh: '账号为公司名称或企业代码（经办人为用户名）。忘记密码请联系平台客服；连续输错将暂时锁定登录。',
      en: 'The account is the company name or its enterprise code (a staff member uses their user name). If you forgot the password, call the portal help desk; repeated failures lock sign-in for a while.',
    },
  },
  PORTAL_LOGIN_THROTTLED: {
    status: 429,
    zh: '登录失败次数过多，请 {minutes} 分钟后再试。',
    en: 'Too many failed sign-ins: try again in {minutes} minutes.',
    remedy: {
      zh: '为保护账号，连续输错密码后会暂停登录。请核对账号和密码后再试，或使用【CA登录】。',
      en: "To protect the account, sign-in pauses after repeated wrong passwords. Check the account and password, or use 'CA login'.",
    },
  },
  PORTAL_TOO_MANY_REQUESTS: {
    status: 429,
    zh: '操作过于频繁，请 {seconds} 秒后再试。',
    en: 'Too many requests: try again in {seconds} seconds.',
    remedy: { zh: '请稍候再操作，不要反复点击。', en: 'Wait a moment; there is no need to click again.' },
  },
  PORTAL_REQUEST_REJECTED: {
    status: 403,
    zh: '请求来源校验失败，操作未执行。',
    en: "The request did not come from this portal's page; nothing was done.",
    remedy: {
      zh: '请刷新页面后重试。如果刚在其他窗口登录或退出，本页面的登录状态已过期。',
      en: 'Reload the page and try again. If you just signed in or out in another window, this page was out of date.',
    },
  },
  PORTAL_SESSION_EXPIRED: {
    status: 401,
    zh: '登录已超时或已在其他窗口退出。',
    en: 'Your session has ended (timed out, or you signed out in another window).',
    remedy: { zh: '请重新登录。', en: 'Sign in again.' },
  },
  PORTAL_ACCOUNT_NOT_FOUND: {
    status: 404,
    zh: '本单位没有这个账号。',
    en: 'Your organisation has no such account.',
    remedy: { zh: '请从列表中选择本单位的账号。', en: "Choose one of your organisation's accounts from the list." },
  },
  PORTAL_SUBJECT_NOT_REGISTERED: {
    status: 403,
    zh: '{organization}尚未在{province}完成主体信息登记，证书暂不能在{city}使用。',
    en: '{organization} has not completed its subject registration at {provinceEn}, so its certificates cannot be used at {cityEn} yet.',
    remedy: {
      zh: '请先使用CA登录{province}（{provinceUrl}），在【主体信息登记】中完善并提交主体信息，再回到本平台登录。',
      en: "Log in to {provinceEn} ({provinceUrl}) with the certificate, complete and submit 'Subject registration', then come back and log in here.",
    },
  },
  PORTAL_FIELD_INVALID: {
    status: 400,
    zh: '{field}填写有误：{reason}',
    en: '{fieldEn} is not valid: {reasonEn}',
    remedy: { zh: '请按提示修改后重新提交。', en: 'Correct it and submit again.' },
  },
  PORTAL_BAD_REQUEST: {
    status: 400,
    zh: '请求格式错误。',
    en: 'The request is malformed.',
    remedy: { zh: '请刷新页面后重试。', en: 'Reload the page and try again.' },
  },
  PORTAL_BODY_TOO_LARGE: {
    status: 413,
    zh: '提交的内容过大。',
    en: 'The submitted content is too large.',
    remedy: { zh: '请确认提交的是证书和签名，而不是其他文件。', en: 'Make sure you are submitting a certificate and signature, not another file.' },
  },
  PORTAL_NOT_FOUND: {
    status: 404,
    zh: '页面不存在。',
    en: 'No such page.',
    remedy: { zh: '请从首页的菜单进入。', en: 'Start from the menu on the home page.' },
  },
  PORTAL_INTERNAL: {
    status: 500,
    zh: '系统繁忙，请稍后重试。',
    en: 'Something went wrong on our side; try again later.',
    remedy: { zh: '如持续出现，请联系平台客服。', en: 'If it keeps happening, call the portal help desk.' },
  },
};

const fill = (text, details) => text.replace(/\{(\w+)\}/g, (whole, name) => (details[name] === undefined ? whole : String(details[name])));

/** A portal error: the same JSON form as a YizhengError. */
export class PortalError extends Error {
  /** @param {keyof typeof PORTAL_ERRORS} code @param {Record<string, unknown>} [details] */
  constructor(code, details = {}) {
    const entry = PORTAL_ERRORS[code];
    super(fill(entry.en, details));
    this.name = 'PortalError';
    this.code = code;
    this.status = entry.status;
    this.details = details;
  }

  toJSON() {
    const entry = PORTAL_ERRORS[this.code];
    return {
      code: this.code,
      message: { 'zh-CN': fill(entry.zh, this.details), en: fill(entry.en, this.details) },
      remedy: { 'zh-CN': fill(entry.remedy.zh, this.details), en: fill(entry.remedy.en, this.details) },
      details: this.details,
    };
  }
}

/**
 * Turns anything thrown into `{ status, body }`. Yizheng errors go as they are (their 500-class
 * ones, whose details may hold internals, become PORTAL_INTERNAL); Fastify's own 4xx errors get portal
 * codes; anything else is PORTAL_INTERNAL and `unexpected` (the caller logs it).
 */
export function errorAnswer(error) {
  if (error instanceof PortalError) return { status: error.status, body: { error: error.toJSON() } };
  if (isYizhengError(error)) {
    const status = httpStatusOf(error);
    if (status < 500) return { status, body: { error: error.toJSON() } };
    return { status: 500, body: { error: new PortalError('PORTAL_INTERNAL').toJSON() }, unexpected: true };
  }
  const code = /** @type {{ code?: string, statusCode?: number }} */ (error)?.code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return errorAnswer(new PortalError('PORTAL_BODY_TOO_LARGE'));
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') return errorAnswer(new PortalError('PORTAL_REQUEST_REJECTED'));
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error?.statusCode === 400) return errorAnswer(new PortalError('PORTAL_BAD_REQUEST'));
  return { status: 500, body: { error: new PortalError('PORTAL_INTERNAL').toJSON() }, unexpected: true };
}
