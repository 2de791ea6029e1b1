/**
 * The page's errors. {@link YizhengError} here carries only the client catalogue (key clients,
 * PINs, devices), so the page bundle stays small; {@link YizhengServerError} carries an error the
 * platform's server answered with (its message and remedy come with it, in both languages).
 */
import { CLIENT_ERROR_CATALOGUE, type ClientErrorCode } from '../errors/catalogue-client';
import type { ClientErrorDetailsMap } from '../errors/details-client';
import { createErrorClass, hasYizhengErrorShape, type ErrorDetails, type ErrorJson, type Locale } from '../errors/error-class';

export type { ClientErrorCode } from '../errors/catalogue-client';
export type { ClientErrorDetailsMap, PinStatusDetails, VendorErrorDetails } from '../errors/details-client';
export type { ErrorDetails, ErrorJson, Locale, YizhengErrorOptions } from '../errors/error-class';

/**
 * The error every token driver and page helper throws: a stable `code` (one of the client codes),
 * a message in the chosen locale (zh-CN by default), `localizedMessage` / `localizedRemedy` for
 * either language, and `details` (for `PIN_INCORRECT`: the {@link PinStatus} fields).
 */
export class YizhengError<C extends ClientErrorCode = ClientErrorCode> extends createErrorClass<ClientErrorDetailsMap>(CLIENT_ERROR_CATALOGUE)<C> {}

/**
 * An error the platform's server answered with: its `YizhengError` JSON (code, both messages,
 * remedy, details), e.g. `NOT_BOUND` (请先绑定) or `ALREADY_BOUND` after a login or bind attempt.
 * Named `YizhengError` like the others, so {@link isYizhengError} accepts it.
 */
export class YizhengServerError extends Error {
  override readonly name = 'YizhengError';
  /** The server's stable code. */
  readonly code: string;
  /** The server's details. */
  readonly details: ErrorDetails;
  /** The locale of `message`. */
  readonly locale: Locale;
  /** The HTTP status it came with. */
  readonly status: number;
  readonly #json: ErrorJson<string>;

  /** Wraps the server's error JSON (as `YizhengError.toJSON()` writes it). */
  constructor(json: ErrorJson<string>, status: number, options: { locale?: Locale } = {}) {
    const locale = options.locale ?? 'zh-CN';
    super(json.message[locale]);
    this.#json = json;
    this.code = json.code;
    this.details = Object.freeze({ ...json.details });
    this.locale = locale;
    this.status = status;
  }

  /** The message in the given locale. */
  localizedMessage(locale: Locale): string {
    return this.#json.message[locale];
  }

  /** What to do next, in the error's locale. */
  get remedy(): string {
    return this.#json.remedy[this.locale];
  }

  /** What to do next, in the given locale. */
  localizedRemedy(locale: Locale): string {
    return this.#json.remedy[locale];
  }

  /** The server's JSON, unchanged. */
  toJSON(): ErrorJson<string> {
    return this.#json;
  }
}

/**
 * True when `value` is a Yizheng error from any entry or bundle copy (the page's, the server's
 * JSON turned into a {@link YizhengServerError}, or the server entry's class), optionally with the
 * given code.
 */
export function isYizhengError(value: unknown, code?: string): value is YizhengError | YizhengServerError {
  return hasYizhengErrorShape(value, code);
}

/** @internal A client error with the given code and details. */
export function clientError<C extends ClientErrorCode>(code: C, details: ClientErrorDetailsMap[C] = {} as ClientErrorDetailsMap[C], cause?: unknown): YizhengError<C> {
  return new YizhengError(code, details, cause === undefined ? {} : { cause });
}

/** @internal A `CLIENT_PROTOCOL_ERROR` naming what was wrong with a key client's answer. */
export function protocolError(reason: string, cause?: unknown): YizhengError {
  return clientError('CLIENT_PROTOCOL_ERROR', { reason }, cause);
}

/** @internal The server error in `body` (`{ code, message, remedy, details }`, or that under `error`), if any. */
export function serverErrorJson(body: unknown): ErrorJson<string> | undefined {
  const candidate = isRecord(body) && isRecord(body['error']) ? body['error'] : body;
  if (!isRecord(candidate) || typeof candidate['code'] !== 'string') return undefined;
  const message = candidate['message'];
  const remedy = candidate['remedy'];
  if (!isLocalized(message) || !isLocalized(remedy)) return undefined;
  const details = isRecord(candidate['details']) ? candidate['details'] : {};
  return { code: candidate['code'], message, remedy, details };
}

function isLocalized(value: unknown): value is { readonly 'zh-CN': string; readonly en: string } {
  return isRecord(value) && typeof value['zh-CN'] === 'string' && typeof value['en'] === 'string';
}

/** @internal A plain (non-array) object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
