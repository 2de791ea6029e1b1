export { ERROR_CATALOGUE, ERROR_CODES, type YizhengErrorCode } from './catalogue';
export { CLIENT_ERROR_CATALOGUE, type ClientErrorCode } from './catalogue-client';
export type { ClientErrorDetailsMap, ErrorDetailsMap, PathFailureDetails, PinStatusDetails, VendorErrorDetails } from './details';
export { ERROR_HTTP_STATUS, httpStatusOf } from './http-status';
export {
  YizhengError,
  isYizhengError,
  type ErrorArgs,
  type ErrorDetails,
  type ErrorEntry,
  type ErrorJson,
  type Locale,
  type YizhengErrorOptions,
} from './yizheng-error';
