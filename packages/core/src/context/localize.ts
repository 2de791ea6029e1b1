import { isYizhengError, type Locale } from '../errors/index';

/**
 * Gives a thrown Yizheng error the instance's language. The error object is kept (same code,
 * details, cause and stack frames): only `message` and `locale` change, and `toJSON()` still carries
 * both languages.
 */
export function localizeError(error: unknown, locale: Locale): unknown {
  if (!isYizhengError(error) || error.locale === locale) return error;
  const before = error.message;
  const message = error.localizedMessage(locale);
  Object.defineProperty(error, 'message', { value: message, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(error, 'locale', { value: locale, writable: false, configurable: true, enumerable: true });
  if (typeof error.stack === 'string') {
    const head = `${error.name}: ${before}`;
    if (error.stack.startsWith(head)) {
      Object.defineProperty(error, 'stack', { value: `${error.name}: ${message}${error.stack.slice(head.length)}`, writable: true, configurable: true });
    }
  }
  return error;
}

/** Runs `fn`, rethrowing Yizheng errors in `locale` (as thrown when `locale` is undefined). */
export async function inLocale<T>(locale: Locale | undefined, fn: () => Promise<T>): Promise<T> {
  if (locale === undefined) return fn();
  try {
    return await fn();
  } catch (error) {
    throw localizeError(error, locale);
  }
}

/** The synchronous form of {@link inLocale}. */
export function inLocaleSync<T>(locale: Locale, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw localizeError(error, locale);
  }
}
