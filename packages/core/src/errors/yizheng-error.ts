import { ERROR_CATALOGUE, type YizhengErrorCode } from './catalogue';
import type { ErrorDetailsMap } from './details';
import { createErrorClass, hasYizhengErrorShape, type ErrorArgs, type Locale } from './error-class';
import { ERROR_HTTP_STATUS } from './http-status';
import { fillMenuNames, relabelError, resolveMenuNames, type MenuNames } from './menus';

export { type ErrorArgs, type ErrorDetails, type ErrorEntry, type ErrorJson, type Locale, type YizhengErrorOptions } from './error-class';

/** Marks the server's errors, so that every copy of the class (ESM and CJS builds, bundles) knows them. */
const BRAND = Symbol.for('yizheng.error');

const YizhengErrorBase = createErrorClass<ErrorDetailsMap>(ERROR_CATALOGUE);

/**
 * The one error type Yizheng throws. `code` is stable and documented; `details` has the fields of
 * {@link ErrorDetailsMap} for the code; `message` is in the locale chosen at construction (zh-CN by
 * default); `localizedMessage` and `localizedRemedy` give either language on demand, so a server can
 * log in English and answer the page in Chinese; `httpStatus` is the status to answer with.
 *
 * Narrow with `isYizhengError(error, 'CERT_EXPIRED')` to read typed details. `instanceof` also
 * accepts an error of another copy of this package (its ESM and CJS builds in one process).
 */
export class YizhengError<C extends YizhengErrorCode = YizhengErrorCode> extends YizhengErrorBase<C> {
  /**
   * The platform's menu names the remedy uses (`{@link withMenuNames}`, `createYizheng({ menus })`),
   * when it gave any; the defaults (`DEFAULT_MENU_NAMES`) fill the rest.
   */
  declare readonly menus?: MenuNames;

  /** `details` must fit the code's details type; they fill the message's placeholders. */
  constructor(code: C, ...args: ErrorArgs<ErrorDetailsMap[C]>) {
    super(code, ...args);
    const menus = (args[1] as { readonly menus?: MenuNames } | undefined)?.menus;
    // Not enumerable: the menu names are the platform's setting, not a fact about the error.
    if (menus !== undefined) relabelError(this, this.locale, menus);
  }

  /** The message in the given locale. */
  override localizedMessage(locale: Locale): string {
    return fillMenuNames(super.localizedMessage(locale), this.menus, locale);
  }

  /** What to do next, in the given locale, naming the platform's menus. */
  override localizedRemedy(locale: Locale): string {
    return fillMenuNames(super.localizedRemedy(locale), this.menus, locale);
  }

  /** The HTTP status a platform answers this error with (see {@link ERROR_HTTP_STATUS}). */
  get httpStatus(): (typeof ERROR_HTTP_STATUS)[C] {
    return ERROR_HTTP_STATUS[this.code];
  }

  /** True for an error of this class from any copy of the package; a subclass checks as usual. */
  static override [Symbol.hasInstance](value: unknown): value is YizhengError {
    if (this !== YizhengError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { readonly [BRAND]?: unknown })[BRAND] === true;
  }
}
Object.defineProperty(YizhengError.prototype, BRAND, { value: true });

/**
 * True when `value` is a YizhengError (from any bundle copy, server or page), optionally with the
 * given code; with a code, `details` are typed for it.
 */
export function isYizhengError<C extends YizhengErrorCode = YizhengErrorCode>(value: unknown, code?: C): value is YizhengError<C> {
  return hasYizhengErrorShape(value, code);
}

/**
 * Gives a Yizheng error the platform's menu names, for an error caught from elsewhere (a standalone
 * verb called without `context.menus`, a store, another service): its `remedy`,
 * `localizedRemedy(locale)` and `toJSON()` then name the platform's own pages. The error is changed
 * in place and returned; anything that is not a Yizheng error is returned unchanged. Instances made
 * with `createYizheng({ menus })` already throw errors that carry them.
 *
 * @example
 * ```ts
 * import { withMenuNames } from '@yizheng/core/errors';
 *
 * const menus = { bind: { 'zh-CN': '关联数字证书', en: 'Link certificate' }, unbind: { 'zh-CN': 'CA绑定与解绑', en: 'Bind or unbind CA' } };
 * res.status(409).json({ error: withMenuNames(error, menus).toJSON() });
 * ```
 *
 * @throws {YizhengError} `INVALID_ARGUMENT` when `menus` names an unknown menu or locale, or a name is
 *   not a string, is empty, longer than 64 characters, or holds control characters.
 */
export function withMenuNames<E>(error: E, menus: MenuNames): E {
  const resolved = resolveMenuNames(menus, 'menus');
  if (typeof resolved === 'string') throw new YizhengError('INVALID_ARGUMENT', { reason: resolved });
  if (isYizhengError(error)) relabelError(error, error.locale, resolved);
  return error;
}
