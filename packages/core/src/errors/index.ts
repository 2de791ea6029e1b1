export { ERROR_CATALOGUE, ERROR_CODES, type YizhengErrorCode } from './catalogue';
export { CLIENT_ERROR_CATALOGUE, type ClientErrorCode } from './catalogue-client';
export type { ClientErrorDetailsMap, ErrorDetailsMap, PathFailureDetails, PinStatusDetails, VendorErrorDetails } from './details';
export { ERROR_HTTP_STATUS, httpStatusOf } from './http-status';
export { DEFAULT_MENU_NAMES, MAX_MENU_NAME_LENGTH, type MenuKey, type MenuName, type MenuNames, type ResolvedMenuNames } from './menus';
export {
  YizhengError,
  isYizhengError,
  withMenuNames,
  type ErrorArgs,
  type ErrorDetails,
  type ErrorEntry,
  type ErrorJson,
  type Locale,
  type YizhengErrorOptions,
} from './yizheng-error';
