/**
 * What the HTTP helper answers with: the response shape, the JSON views of bindings and expiry, and
 * the mapping of any error to a status and a body that leaks nothing.
 */
import type { LoginWarning } from '../context/context';
import { YizhengError, httpStatusOf, isYizhengError, withMenuNames, type ErrorJson, type MenuNames, type YizhengErrorCode } from '../errors/index';
import type { ExpiryAssessment, ExpiryState } from '../expiry/index';
import type { Binding } from '../stores/index';
import { MAX_TOKEN_BYTES } from '../token/parse';

/**
 * The JSON body limit to configure in the framework, in bytes (192 KiB): the largest token Yizheng
 * accepts (160 KiB) with room to spare. Parsing the body, and refusing a larger one with 413, is the
 * framework's job: Express's `express.json()` defaults to 100 KB, too little for the largest (CMS)
 * tokens; Fastify's `bodyLimit` (1 MiB) and `@koa/bodyparser`'s `jsonLimit` (1 MB) default to more.
 */
export const RECOMMENDED_BODY_LIMIT = MAX_TOKEN_BYTES + 32 * 1024;

/** Headers every answer carries: challenges, logins and bindings are per session and must not be cached. */
const NO_STORE: Readonly<Record<string, string>> = Object.freeze({ 'cache-control': 'no-store' });

/** An HTTP answer as plain data: the platform's framework sends `status`, `headers` and `body` (as JSON). */
export interface HttpResponse<Body> {
  /** The HTTP status. */
  readonly status: number;
  /** Headers to set (lower-case names); `cache-control: no-store` on every answer. */
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body. */
  readonly body: Body;
}

/** A successful call: the body to send, and the value the call returned for the platform's own use. */
export interface HttpSuccess<Body, Value> extends HttpResponse<Body> {
  /** Always true: the call succeeded. */
  readonly ok: true;
  /** What the Yizheng verb returned, e.g. the {@link @yizheng/core!LoginResult | LoginResult} whose account the platform puts in its session. */
  readonly value: Value;
}

/** A failed call: the error's status and body, and the error itself for the platform's logs. */
export interface HttpFailure extends HttpResponse<ErrorBody> {
  /** Always false: the call failed. */
  readonly ok: false;
  /** What was thrown. */
  readonly error: unknown;
  /**
   * True when the error is neither a {@link @yizheng/core!YizhengError | YizhengError} nor a client error of the framework (a
   * store that is down, a bug), or is a Yizheng error whose status is 500 (`INTERNAL_ERROR`, …): the
   * body then says only "internal error", and the error belongs in the platform's logs.
   */
  readonly unexpected: boolean;
}

/** What a handler resolves to: a success or a failure, told apart by `ok`. */
export type HttpResult<Body, Value> = HttpSuccess<Body, Value> | HttpFailure;

/** A message in both languages. */
export interface BilingualText {
  /** Chinese. */
  readonly 'zh-CN': string;
  /** English. */
  readonly en: string;
}

/**
 * The body of an error that is not a {@link @yizheng/core!YizhengError | YizhengError}: a fixed message for its status and
 * nothing of the error itself. It has no `code`, so the page's helpers report it as a plain HTTP
 * failure rather than as a Yizheng error.
 */
export interface GenericErrorJson {
  /** A fixed message for the status, in both languages. */
  readonly message: BilingualText;
}

/**
 * Every error body: `{ error: … }` holding a Yizheng error's `toJSON()` (code, both messages, remedy,
 * details: what `@yizheng/core/client` turns back into an error the page can show), or
 * {@link GenericErrorJson} for anything else.
 */
export interface ErrorBody {
  /** The error. */
  readonly error: ErrorJson<YizhengErrorCode> | GenericErrorJson;
}

/** A certificate's stored facts, dates as ISO 8601 strings. */
export interface CertificateFactsJson {
  /** Serial number, uppercase hex. */
  readonly serialNumber: string;
  /** SHA-256 of the DER, lowercase hex. */
  readonly sha256: string;
  /** Subject distinguished name, as displayed. */
  readonly subjectDn: string;
  /** Issuer distinguished name, as displayed. */
  readonly issuerDn: string;
  /** Start of validity. */
  readonly notBefore: string;
  /** End of validity. */
  readonly notAfter: string;
  /** The CA's key id (CA锁ID) when known. */
  readonly keyId?: string;
}

/**
 * A {@link Binding} as the page receives it: dates as ISO 8601 strings, and without the identity key
 * (the store's lookup key, of no use to a page).
 */
export interface BindingJson {
  /** The binding's id: what unbinding names. */
  readonly id: string;
  /** The scope it is unique in. */
  readonly scope: string;
  /** The CA provider that issued the certificate. */
  readonly providerId: string;
  /** The bound account. */
  readonly accountId: string;
  /** Its organisation. */
  readonly organizationId: string;
  /** The enterprise code checked at binding. */
  readonly enterpriseCode: string;
  /** The entity's name in the certificate. */
  readonly entityName: string;
  /** The certificate as last seen. */
  readonly certificate: CertificateFactsJson;
  /** Whether the certificate acts as the organisation's administrator. */
  readonly isAdmin: boolean;
  /** Permissions granted to the certificate. */
  readonly permissions: readonly string[];
  /** When it was bound. */
  readonly boundAt: string;
  /** The account that bound it. */
  readonly boundBy: string;
  /** Last change. */
  readonly updatedAt: string;
}

/** An {@link ExpiryAssessment} with dates as ISO 8601 strings. */
export interface ExpiryJson {
  /** `valid`, `expiring`, `expired` or `not-yet-valid`. */
  readonly state: ExpiryState;
  /** Whole days left (negative once expired). */
  readonly daysLeft: number;
  /** Start of validity. */
  readonly notBefore: string;
  /** End of validity. */
  readonly notAfter: string;
  /** The reminder tier reached (days), or null. */
  readonly level: number | null;
}

/** The body of a challenge answer: what `requestChallenge` in `@yizheng/core/client` reads. */
export interface ChallengeBody {
  /** The exact text the key signs. */
  readonly text: string;
  /** `login` or `bind`. */
  readonly purpose: 'login' | 'bind';
  /** When the challenge stops being acceptable. */
  readonly expiresAt: string;
}

/** The body of a successful CA login. */
export interface LoginBody {
  /** Always `certificate`. */
  readonly method: 'certificate';
  /** The account the certificate is bound to. */
  readonly account: {
    /** The account's id. */
    readonly id: string;
    /** Its organisation. */
    readonly organizationId: string;
  };
  /** The binding it logged in through. */
  readonly binding: BindingJson;
  /** The provider that issued the certificate. */
  readonly providerId: string;
  /** The certificate's validity now. */
  readonly expiry: ExpiryJson;
  /** What the page should show although login succeeded (an expiring certificate, …). */
  readonly warnings: readonly LoginWarning[];
}

/** The body of a successful binding (201) or unbinding (200): the binding made or removed. */
export interface BindingBody {
  /** The binding. */
  readonly binding: BindingJson;
}

/** The body of a bindings listing. */
export interface BindingsBody {
  /** Each binding with its certificate's validity now. */
  readonly bindings: readonly {
    /** The binding. */
    readonly binding: BindingJson;
    /** Its certificate's validity now. */
    readonly expiry: ExpiryJson;
  }[];
}

const INTERNAL: BilingualText = Object.freeze({ 'zh-CN': '服务器内部错误，请稍后重试。', en: 'Internal server error; try again later.' });

/** Fixed messages for the client errors a framework raises itself (bad JSON, a body too large, …). */
const CLIENT_MESSAGES: Readonly<Record<number, BilingualText>> = {
  400: { 'zh-CN': '请求格式错误。', en: 'The request is malformed.' },
  401: { 'zh-CN': '请先登录。', en: 'Sign in first.' },
  403: { 'zh-CN': '无权执行此操作。', en: 'You may not do this.' },
  404: { 'zh-CN': '请求的资源不存在。', en: 'Not found.' },
  405: { 'zh-CN': '不支持该请求方法。', en: 'Method not allowed.' },
  413: { 'zh-CN': '请求内容过大。', en: 'The request body is too large.' },
  415: { 'zh-CN': '请求内容类型不受支持，请以 JSON 提交。', en: 'Unsupported content type: send JSON.' },
};
const CLIENT_DEFAULT: BilingualText = { 'zh-CN': '请求无法处理。', en: 'The request cannot be processed.' };

/**
 * The 4xx status of an HTTP client error raised by a framework or its body parser (the `http-errors`
 * convention: `status` or `statusCode`, not marked `expose: false`), if `error` is one.
 */
function clientErrorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { readonly status?: unknown; readonly statusCode?: unknown; readonly expose?: unknown };
  const status = e.status ?? e.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 499 || e.expose === false) return undefined;
  return status;
}

/** @internal The answer when nobody is signed in: 401 `SIGN_IN_REQUIRED`. */
export function signInFirstResponse(menus?: MenuNames): HttpFailure {
  return errorResponse(new YizhengError('SIGN_IN_REQUIRED', {}), menus === undefined ? {} : { menus });
}

/** @internal A success answer. */
export function success<Body, Value>(status: number, body: Body, value: Value): HttpSuccess<Body, Value> {
  return { ok: true, status, headers: NO_STORE, body, value };
}

/** @internal The answer for an error that is not a Yizheng error, whatever its properties say: 500. */
export function internalErrorResponse(error: unknown): HttpFailure {
  return { ok: false, status: 500, headers: NO_STORE, body: { error: { message: INTERNAL } }, error, unexpected: true };
}

/** Options of {@link errorResponse}. */
export interface ErrorResponseOptions {
  /**
   * The platform's menu names for the remedy in the body (as `createYizheng`'s `menus`; pass
   * `yizheng.config.menus`). Without them an error keeps the names it carries: an instance's
   * errors carry the instance's, others the defaults.
   */
  readonly menus?: MenuNames;
}

/**
 * Maps any error to an HTTP answer, for the platform's own routes and its framework's error handler:
 *
 * - a {@link @yizheng/core!YizhengError | YizhengError} (of any copy of the package): its code's status (`httpStatusOf`: 400 for
 *   malformed input, 401 when the certificate or signature does not authenticate, 403, 404, 409,
 *   …) and `{ error: error.toJSON() }`; but one whose status is 500 (`INTERNAL_ERROR`,
 *   `FILE_UNREADABLE`, a code this version does not know) is answered as anything else below;
 * - a client error: an object with `status` or `statusCode` from 400 to 499 (as `http-errors`,
 *   Express's and Koa's body parsers, and Fastify raise them; `errorResponse({ status: 401 })` for
 *   the platform's own "sign in first"), not marked `expose: false`: that status and a fixed message
 *   for it, nothing of the error's own;
 * - anything else: 500 and a fixed "internal error" message, with `unexpected: true`; log the error
 *   itself, the answer carries nothing of it.
 *
 * With `options.menus` (`yizheng.config.menus`) a Yizheng error's remedy names the platform's menus
 * (see `withMenuNames` in `@yizheng/core/errors`), also for an error from outside the instance.
 *
 * @example
 * ```ts
 * app.use((err, req, res, next) => {
 *   const answer = errorResponse(err, { menus: yizheng.config.menus });
 *   if (answer.unexpected) console.error(err);
 *   res.status(answer.status).set(answer.headers).json(answer.body);
 * });
 * ```
 */
export function errorResponse(error: unknown, options: ErrorResponseOptions = {}): HttpFailure {
  if (isYizhengError(error)) {
    const status = httpStatusOf(error);
    // A 500 (INTERNAL_ERROR, FILE_UNREADABLE, a code this version does not know) is the server's
    // fault: its details (an exception's message, a database column, a file path) stay in the logs.
    if (status === 500 || typeof error.toJSON !== 'function') return internalErrorResponse(error);
    if (options.menus !== undefined) withMenuNames(error, options.menus);
    return { ok: false, status, headers: NO_STORE, body: { error: error.toJSON() }, error, unexpected: false };
  }
  const status = clientErrorStatus(error);
  if (status === undefined) return internalErrorResponse(error);
  return { ok: false, status, headers: NO_STORE, body: { error: { message: CLIENT_MESSAGES[status] ?? CLIENT_DEFAULT } }, error, unexpected: false };
}

/** @internal A binding as JSON. */
export function bindingJson(binding: Binding): BindingJson {
  const c = binding.certificate;
  return {
    id: binding.id,
    scope: binding.scope,
    providerId: binding.providerId,
    accountId: binding.accountId,
    organizationId: binding.organizationId,
    enterpriseCode: binding.enterpriseCode,
    entityName: binding.entityName,
    certificate: {
      serialNumber: c.serialNumber,
      sha256: c.sha256,
      subjectDn: c.subjectDn,
      issuerDn: c.issuerDn,
      notBefore: c.notBefore.toISOString(),
      notAfter: c.notAfter.toISOString(),
      ...(c.keyId !== undefined && { keyId: c.keyId }),
    },
    isAdmin: binding.isAdmin,
    permissions: [...binding.permissions],
    boundAt: binding.boundAt.toISOString(),
    boundBy: binding.boundBy,
    updatedAt: binding.updatedAt.toISOString(),
  };
}

/** @internal An expiry assessment as JSON. */
export function expiryJson(expiry: ExpiryAssessment): ExpiryJson {
  return {
    state: expiry.state,
    daysLeft: expiry.daysLeft,
    notBefore: expiry.notBefore.toISOString(),
    notAfter: expiry.notAfter.toISOString(),
    level: expiry.level,
  };
}
