import { ERROR_CATALOGUE, type YizhengErrorCode } from './catalogue';
import type { ErrorDetailsMap } from './details';
import { createErrorClass, hasYizhengErrorShape } from './error-class';
import { ERROR_HTTP_STATUS } from './http-status';

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
