import { isYizhengError, type Locale, type MenuNames } from '../errors/index';
import { relabelError, resolveMenuNames } from '../errors/menus';

/**
 * Gives a thrown Yizheng error the instance's language and, when given, the platform's menu names
 * (which its `remedy`, `localizedRemedy` and `toJSON()` then use). The error object is kept (same
 * code, details, cause and stack frames): only `message`, `locale` and the menu names change, and
 * `toJSON()` still carries both languages. Menu names that do not check out are ignored (the
 * defaults stay): relocalising must never hide the error being thrown.
 */
export function localizeError(error: unknown, locale: Locale | undefined, menus?: MenuNames): unknown {
  if (!isYizhengError(error)) return error;
  const resolved = menus === undefined ? undefined : resolveMenuNames(menus, 'menus');
  const names = typeof resolved === 'string' ? undefined : resolved;
  if ((locale === undefined || error.locale === locale) && names === undefined) return error;
  relabelError(error, locale ?? error.locale, names);
  return error;
}

/**
 * Runs `fn`, rethrowing Yizheng errors in `locale` (as thrown when `locale` is undefined) and with
 * the platform's `menus` when given.
 */
export async function inLocale<T>(locale: Locale | undefined, fn: () => Promise<T>, menus?: MenuNames): Promise<T> {
  if (locale === undefined && menus === undefined) return fn();
  try {
    return await fn();
  } catch (error) {
    throw localizeError(error, locale, menus);
  }
}

/** The synchronous form of {@link inLocale}. */
export function inLocaleSync<T>(locale: Locale | undefined, fn: () => T, menus?: MenuNames): T {
  try {
    return fn();
  } catch (error) {
    throw localizeError(error, locale, menus);
  }
}
