/**
 * The HTTP status a platform answers each error code with. Server-side only: the page never needs it,
 * so it is a table beside the catalogue rather than a field of each entry (the client catalogue is in
 * the page bundle, which has no bytes to spare).
 *
 * 401 means "the certificate, signature or PIN did not authenticate this request", not "the session is
 * gone": a platform whose pages log the user out on any 401 may want to answer a failed *binding*
 * (made in a password session) with 403 or 422 instead.
 */
import type { YizhengErrorCode } from './catalogue';
import { hasYizhengErrorShape } from './error-class';

/** Each code's HTTP status. */
export const ERROR_HTTP_STATUS = {
  // Bad input: the request itself is wrong.
  INVALID_ARGUMENT: 400,
  CERT_MALFORMED: 400,
  CODE_INVALID: 400,
  SIGNATURE_MALFORMED: 400,
  ENVELOPE_MALFORMED: 400,
  TOKEN_MALFORMED: 400,
  PIN_LEN_RANGE: 400,
  INPUT_TOO_LARGE: 413,

  // The certificate, signature, challenge or PIN does not authenticate.
  SIGNATURE_INVALID: 401,
  CERT_UNTRUSTED: 401,
  CERT_EXPIRED: 401,
  CERT_NOT_YET_VALID: 401,
  CERT_REVOKED: 401,
  // An encryption certificate (or a TLS one) is not a login credential, however genuine.
  CERT_WRONG_PURPOSE: 401,
  CHALLENGE_NOT_FOUND: 401,
  CHALLENGE_EXPIRED: 401,
  NOT_BOUND: 401,
  PIN_INCORRECT: 401,
  TOKEN_LOGIN_REQUIRED: 401,
  SIGN_IN_REQUIRED: 401,

  // Authenticated (or identified) but not allowed.
  BIND_FORBIDDEN: 403,
  PERMISSION_DENIED: 403,
  ORIGIN_NOT_APPROVED: 403,
  HOST_NOT_ALLOWED: 403,
  // The bridge refuses to take the PIN from the page, or to sign text that is not a login challenge.
  PIN_FINAL_TRY: 403,
  SIGN_TEXT_REFUSED: 403,
  // The key refuses to work until its initial PIN is changed (as a password that must be changed).
  PIN_MUST_CHANGE: 403,
  // The holder declined (as OAuth's access_denied).
  USER_CANCELLED: 403,

  // Nothing to act on.
  BINDING_NOT_FOUND: 404,
  TOKEN_NOT_PRESENT: 404,
  CERT_NOT_FOUND: 404,

  // The request conflicts with what is stored or with the state of the key.
  ALREADY_BOUND: 409,
  BINDING_CHANGED: 409,
  ORDER_TRANSITION_INVALID: 409,
  ORDER_CHANGED: 409,
  CERT_SUPERSEDED: 409,
  ENTERPRISE_CODE_MISMATCH: 409,
  ENTERPRISE_CODE_CONFLICT: 409,
  DEVICE_REMOVED: 409,
  // The QR-code session is over; a new one must be started.
  QR_CODE_EXPIRED: 410,
  PIN_LOCKED: 423,
  BRIDGE_RATE_LIMITED: 429,

  // Well-formed, but cannot be decided or done with what was given.
  ENTERPRISE_CODE_UNDECIDED: 422,
  IDENTITY_NOT_FOUND: 422,
  // A genuine certificate from a CA this platform has no provider for: not a failed authentication.
  PROVIDER_UNKNOWN: 422,
  // A new PIN of the right length the key still refuses (too simple, the old one).
  PIN_REJECTED: 422,
  // The key cannot do the algorithm: a limit of the key, not of the server (so not 501).
  MECHANISM_UNSUPPORTED: 422,
  // A well-formed envelope the given certificate and key cannot open.
  ENVELOPE_NOT_FOR_THIS_KEY: 422,
  ENVELOPE_DECRYPT_FAILED: 422,

  // Something the request depends on failed.
  INTERNAL_ERROR: 500,
  // Only the CLI reads files: if relayed, it is the server's own file that could not be read.
  FILE_UNREADABLE: 500,
  // The key client (or the bridge) answered with something unreadable, or with an error it could not classify.
  CLIENT_PROTOCOL_ERROR: 502,
  CLIENT_REPORTED_ERROR: 502,
  REVOCATION_UNAVAILABLE: 503,
  CLIENT_NOT_RUNNING: 503,
} as const satisfies Record<YizhengErrorCode, number>;

/**
 * The HTTP status for an error: its code's status for a Yizheng error (of any entry or bundle copy),
 * 500 for anything else, including a code this version does not know.
 */
export function httpStatusOf(error: unknown): number {
  if (!hasYizhengErrorShape(error)) return 500;
  const code = (error as { readonly code: string }).code;
  return Object.hasOwn(ERROR_HTTP_STATUS, code) ? ERROR_HTTP_STATUS[code as YizhengErrorCode] : 500;
}
