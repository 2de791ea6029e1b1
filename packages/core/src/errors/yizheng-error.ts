import { ERROR_CATALOGUE, type YizhengErrorCode } from './catalogue';
import { createErrorClass, hasYizhengErrorShape } from './error-class';

export { type ErrorDetails, type ErrorEntry, type ErrorJson, type Locale } from './error-class';

/**
 * The one error type Yizheng throws. `code` is stable and documented; `message` is in the locale
 * chosen at construction (zh-CN by default); `localizedMessage` and `localizedRemedy` give either
 * language on demand, so a server can log in English and answer the page in Chinese.
 */
export class YizhengError extends createErrorClass<YizhengErrorCode>(ERROR_CATALOGUE) {}

/** True when `value` is a YizhengError (from any bundle copy, server or page), optionally with the given code. */
export function isYizhengError(value: unknown, code?: YizhengErrorCode): value is YizhengError {
  return hasYizhengErrorShape(value, code);
}
