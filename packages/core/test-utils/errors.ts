/**
 * Catching the YizhengError a test expects: a test failure when the call succeeds or fails with
 * anything else (which is rethrown, so its own message shows).
 */
import { isYizhengError, type YizhengError, type YizhengErrorCode } from '../src/errors/index';

/** The YizhengError `promise` rejects with. */
export async function failure(promise: Promise<unknown>): Promise<YizhengError> {
  try {
    await promise;
  } catch (err) {
    if (isYizhengError(err)) return err;
    throw err;
  }
  throw new Error('expected a YizhengError');
}

/** The `reason` detail of the YizhengError with `code` that `fn` throws. */
export function reasonOf(fn: () => unknown, code: YizhengErrorCode = 'INVALID_ARGUMENT'): string {
  try {
    fn();
  } catch (err) {
    if (isYizhengError(err, code)) return String(err.details['reason']);
    throw err;
  }
  throw new Error(`expected ${code}`);
}

/** The code of the YizhengError `promise` rejects with, or `no error` when it resolves. */
export async function codeOf(promise: Promise<unknown>): Promise<YizhengErrorCode | 'no error'> {
  try {
    await promise;
    return 'no error';
  } catch (err) {
    if (isYizhengError(err)) return err.code;
    throw err;
  }
}
