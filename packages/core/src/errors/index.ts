export { ERROR_CATALOGUE, ERROR_CODES, type ErrorEntry, type YizhengErrorCode } from './catalogue';
export { YizhengError, isYizhengError, type ErrorDetails, type Locale } from './yizheng-error';
