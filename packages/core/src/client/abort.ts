/**
 * Bounded waiting: every call to a key client ends, by its answer, its timeout or the page's
 * AbortSignal. An abort is the user's cancel (`USER_CANCELLED`).
 */
import { clientError, type YizhengError } from './errors';

/** @internal The error an aborted call rejects with. */
export function cancelled(signal?: AbortSignal): YizhengError {
  return clientError('USER_CANCELLED', {}, signal?.reason);
}

/**
 * Settles with `promise`, or rejects with `USER_CANCELLED` when `signal` aborts, or with
 * `onTimeout()` after `timeoutMs`, whichever comes first: how a driver bounds each call to its key
 * client. `cleanup` runs once either way (e.g. to forget a pending request).
 */
export function bounded<T>(
  promise: Promise<T>,
  options: {
    readonly signal?: AbortSignal | undefined;
    readonly timeoutMs: number;
    readonly onTimeout: () => Error;
    readonly cleanup?: () => void;
  },
): Promise<T> {
  const { signal, timeoutMs, onTimeout, cleanup } = options;
  if (signal?.aborted) {
    cleanup?.();
    promise.catch(() => undefined);
    return Promise.reject(cancelled(signal));
  }
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const finish = (settle: () => void): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      cleanup?.();
      settle();
    };
    const onAbort = (): void => finish(() => reject(cancelled(signal)));
    const timer = setTimeout(() => finish(() => reject(onTimeout())), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}

/** @internal Waits `ms`, or rejects with `USER_CANCELLED` when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled(signal));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelled(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
