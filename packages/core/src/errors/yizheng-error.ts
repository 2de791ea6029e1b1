import { ERROR_CATALOGUE, type YizhengErrorCode } from './catalogue';

/** Locales Yizheng speaks. zh-CN is the default: the people at the keyboard are Chinese suppliers. */
export type Locale = 'zh-CN' | 'en';

export type ErrorDetails = Readonly<Record<string, unknown>>;

const PLACEHOLDER = /\{(\w+)\}/g;

function fill(template: string, details: ErrorDetails): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = details[name];
    if (value === undefined || value === null) return whole;
    return value instanceof Date ? value.toISOString() : String(value);
  });
}

/**
 * The one error type Yizheng throws. `code` is stable and documented; `message` is in the locale
 * chosen at construction (zh-CN by default); `localizedMessage` and `localizedRemedy` give either
 * language on demand, so a server can log in English and answer the page in Chinese.
 */
export class YizhengError extends Error {
  override readonly name = 'YizhengError';
  readonly code: YizhengErrorCode;
  readonly details: ErrorDetails;
  readonly locale: Locale;

  constructor(
    code: YizhengErrorCode,
    details: ErrorDetails = {},
    options: { locale?: Locale; cause?: unknown } = {},
  ) {
    const locale = options.locale ?? 'zh-CN';
    super(fill(locale === 'en' ? ERROR_CATALOGUE[code].en : ERROR_CATALOGUE[code].zh, details), {
      cause: options.cause,
    });
    this.code = code;
    this.details = Object.freeze({ ...details });
    this.locale = locale;
  }

  /** The message in the given locale. */
  localizedMessage(locale: Locale): string {
    const entry = ERROR_CATALOGUE[this.code];
    return fill(locale === 'en' ? entry.en : entry.zh, this.details);
  }

  /** What to do next, in the error's locale. */
  get remedy(): string {
    return this.localizedRemedy(this.locale);
  }

  /** What to do next, in the given locale. */
  localizedRemedy(locale: Locale): string {
    const entry = ERROR_CATALOGUE[this.code];
    return fill(locale === 'en' ? entry.remedy.en : entry.remedy.zh, this.details);
  }

  /** A plain object safe to send to a page or a log: code, both messages, remedy, details. */
  toJSON(): {
    code: YizhengErrorCode;
    message: { 'zh-CN': string; en: string };
    remedy: { 'zh-CN': string; en: string };
    details: ErrorDetails;
  } {
    return {
      code: this.code,
      message: { 'zh-CN': this.localizedMessage('zh-CN'), en: this.localizedMessage('en') },
      remedy: { 'zh-CN': this.localizedRemedy('zh-CN'), en: this.localizedRemedy('en') },
      details: this.details,
    };
  }
}

/** True when `value` is a YizhengError, optionally with the given code. Works across bundle copies. */
export function isYizhengError(value: unknown, code?: YizhengErrorCode): value is YizhengError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { name?: unknown; code?: unknown };
  if (!(value instanceof YizhengError) && v.name !== 'YizhengError') return false;
  return code === undefined || v.code === code;
}
