export { ERROR_CATALOGUE, ERROR_CODES, type YizhengErrorCode } from './catalogue';
export { CLIENT_ERROR_CATALOGUE, type ClientErrorCode } from './catalogue-client';
export { YizhengError, isYizhengError, type ErrorDetails, type ErrorEntry, type ErrorJson, type Locale } from './yizheng-error';
