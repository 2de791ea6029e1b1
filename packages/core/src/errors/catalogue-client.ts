import type { ErrorEntry } from './error-class';

/**
 * The errors a login page can meet (key clients, PINs, devices): the only messages the browser
 * entry carries. The server's catalogue includes all of them.
 */
export const CLIENT_ERROR_CATALOGUE = {} as const satisfies Record<string, ErrorEntry>;

/** A code a page can meet. */
export type ClientErrorCode = keyof typeof CLIENT_ERROR_CATALOGUE;
