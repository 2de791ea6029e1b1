/**
 * The five calls a platform exposes over HTTP (challenge, CA login, bind, unbind, list bindings), as
 * functions from request data to response data, so any framework sends the answer as it comes.
 */
import type { Actor, TargetAccount } from '../binding/bind';
import type { BindingListEntry } from '../binding/manage';
import { normalizeOrigin, type IssuedChallenge } from '../challenge/challenge';
import { YizhengError, isYizhengError, type MenuNames } from '../errors/index';
import type { Yizheng } from '../instance/create-yizheng';
import type { LoginResult } from '../login/verify-login';
import type { Binding } from '../stores/index';
import { checkId } from '../stores/validate';
import {
  bindingJson,
  errorResponse,
  expiryJson,
  internalErrorResponse,
  signInFirstResponse,
  success,
  type BindingBody,
  type BindingsBody,
  type ChallengeBody,
  type HttpResult,
  type LoginBody,
} from './responses';

/** The operations of {@link HttpHandlers}, as named to {@link HttpHandlerOptions.onUnexpectedError}. */
export type HttpOperation = 'challenge' | 'login' | 'bind' | 'unbind' | 'bindings';

/** The verbs of a {@link Yizheng} instance the handlers call. */
export type HttpYizheng = Pick<Yizheng, 'issueChallenge' | 'verifyLogin' | 'bindCertificate' | 'unbindCertificate' | 'listBindings'> & {
  /** The instance's configuration: its `menus` name the platform's pages in every error answer. */
  readonly config?: { readonly menus?: MenuNames };
};

/** Options of {@link createHttpHandlers}. */
export interface HttpHandlerOptions {
  /**
   * The exact origin the platform's pages are served from, e.g. `https://bid.example.gov.cn` (behind
   * a proxy: the public one). It goes into every signed text; a page on another origin cannot use it.
   */
  readonly origin: string;
  /**
   * Called with every error that is not a {@link YizhengError} (a store that is down, a bug), or is
   * one whose status is 500 (`INTERNAL_ERROR`: a store's inconsistency, a crypto failure), before
   * the handler answers 500 with a body that carries nothing of it: log it here (`console.error`,
   * the framework's logger). To let the framework's own error handling take over instead, throw it
   * again from here: the handler's promise then rejects with what the hook threw.
   */
  readonly onUnexpectedError: (error: unknown, operation: HttpOperation) => void | Promise<void>;
}

/**
 * A platform account with what acting and being bound to need: the {@link Actor} fields and the
 * {@link TargetAccount}'s enterprise code. A signed-in account binding its own certificate is both.
 */
export type PlatformAccount = Actor & TargetAccount;

/** What every handler takes: the session id from the platform's own session, never from the body. */
export interface SessionInput {
  /** The platform's session id (e.g. from its session cookie): the challenge is bound to it. */
  readonly sessionId: string;
}

/** Input of {@link HttpHandlers.challenge}. */
export interface ChallengeInput extends SessionInput {
  /** The parsed JSON body: exactly `{ "purpose": "login" }` or `{ "purpose": "bind" }`. */
  readonly body: unknown;
}

/** Input of {@link HttpHandlers.login}. */
export interface LoginInput extends SessionInput {
  /** The parsed JSON body: the token the page posts (`submitToken` in `@yizheng/core/client`). */
  readonly body: unknown;
}

/** Input of {@link HttpHandlers.bind}. Everything but the token comes from the platform, none of it from the body. */
export interface BindInput extends SessionInput {
  /** The parsed JSON body: the token answering the session's `bind` challenge. */
  readonly body: unknown;
  /** Who is binding: the session's account; none (nobody signed in) is answered 401. A password sign-in is enough. */
  readonly actor: Actor | null | undefined;
  /** For whom, as the platform registered the account: the actor's own account, or (for an administrator) another of its organisation. */
  readonly target: TargetAccount | null | undefined;
  /** The CA's key id (CA锁ID), when the platform reads it from the key client. */
  readonly keyId?: string;
  /** Whether the certificate acts as administrator (an administrator of the organisation may grant it). */
  readonly isAdmin?: boolean;
  /** Permissions granted to the certificate (an administrator of the organisation may grant them). */
  readonly permissions?: readonly string[];
}

/** Input of {@link HttpHandlers.unbind}. */
export interface UnbindInput {
  /** `{ "bindingId": "…" }`: the parsed JSON body, or built from the route (`DELETE /bindings/:id`). */
  readonly body: unknown;
  /** Who is unbinding: the holder's account, or an administrator of its organisation; none is answered 401. */
  readonly actor: Actor | null | undefined;
}

/** Input of {@link HttpHandlers.bindings}. */
export interface BindingsInput {
  /** Whose bindings: the actor's account's, or, for an administrator, its whole organisation's; none is answered 401. */
  readonly actor: Actor | null | undefined;
}

/**
 * The handlers. Each resolves (never rejects, unless {@link HttpHandlerOptions.onUnexpectedError}
 * throws) to an {@link HttpResult}: send `status`, `headers` and `body`; on success `value` is what
 * the Yizheng verb returned.
 */
export interface HttpHandlers {
  /**
   * Issues a challenge for the session: 200 {@link ChallengeBody}. A wrong body is 400
   * `INVALID_ARGUMENT`. Issuing replaces the session's pending challenge of the same purpose.
   */
  challenge(input: ChallengeInput): Promise<HttpResult<ChallengeBody, IssuedChallenge>>;
  /**
   * Verifies a CA login token: 200 {@link LoginBody}; `value` is the {@link LoginResult}, whose
   * account the platform puts in its session (under a new session id). Failures have their codes'
   * statuses: 400 `TOKEN_MALFORMED`, 401 `NOT_BOUND`, `CHALLENGE_NOT_FOUND` (a replayed token),
   * `SIGNATURE_INVALID`, `CERT_EXPIRED`, …
   */
  login(input: LoginInput): Promise<HttpResult<LoginBody, LoginResult>>;
  /**
   * Binds the certificate that signed the session's `bind` challenge: 201 {@link BindingBody}.
   * Failures: 401 "sign in first" without an actor, 403 `BIND_FORBIDDEN`, 409 `ALREADY_BOUND` or
   * `ENTERPRISE_CODE_MISMATCH`, the token's codes as for login.
   */
  bind(input: BindInput): Promise<HttpResult<BindingBody, Binding>>;
  /**
   * Removes a binding: 200 {@link BindingBody} (the removed binding); 401 "sign in first" without an
   * actor, 400 `INVALID_ARGUMENT` for a wrong body, 404 `BINDING_NOT_FOUND`, 403 `BIND_FORBIDDEN`.
   */
  unbind(input: UnbindInput): Promise<HttpResult<BindingBody, Binding>>;
  /** Lists bindings with their expiry: 200 {@link BindingsBody}; 401 "sign in first" without an actor. */
  bindings(input: BindingsInput): Promise<HttpResult<BindingsBody, BindingListEntry[]>>;
}

function invalidBody(reason: string): YizhengError {
  return new YizhengError('INVALID_ARGUMENT', { reason });
}

/** A plain JSON object with exactly the given keys. */
function exactObject(body: unknown, keys: readonly string[], shape: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidBody(`the body must be ${shape}`);
  const record = body as Record<string, unknown>;
  const present = Object.keys(record);
  if (present.length !== keys.length || !keys.every((k) => Object.hasOwn(record, k))) throw invalidBody(`the body must be ${shape}`);
  return record;
}

/** The platform passed something other than an account: its bug, not the page's (500, reported). */
function checkAccount(value: unknown, what: string, operation: HttpOperation): asserts value is object {
  if (typeof value !== 'object' || value === null) throw new TypeError(`@yizheng/core/http: ${operation} takes the ${what} as an object from the platform's session`);
}

/**
 * Builds the HTTP handlers over a Yizheng instance. Framework-free: request data in (the session id,
 * actor and target from the platform's own session; the parsed JSON body), response data out.
 * Parsing the body and limiting its size are the framework's job (see {@link RECOMMENDED_BODY_LIMIT}).
 *
 * @example
 * ```ts
 * const http = createHttpHandlers(yizheng, { origin: 'https://bid.example.gov.cn', onUnexpectedError: (e) => console.error(e) });
 * app.post('/api/ca-login', async (req, res) => {
 *   const answer = await http.login({ sessionId: req.session.id, body: req.body });
 *   if (answer.ok) req.session.accountId = answer.value.account.id; // and a new session id
 *   res.status(answer.status).set(answer.headers).json(answer.body);
 * });
 * ```
 *
 * @throws {YizhengError} `INVALID_ARGUMENT` when `origin` is not a bare http(s) origin or
 *   `onUnexpectedError` is not a function.
 */
export function createHttpHandlers(yizheng: HttpYizheng, options: HttpHandlerOptions): HttpHandlers {
  if (typeof options !== 'object' || options === null) throw invalidBody('createHttpHandlers takes options { origin, onUnexpectedError }');
  const origin = normalizeOrigin(options.origin);
  const report = options.onUnexpectedError;
  if (typeof report !== 'function') {
    throw new YizhengError('INVALID_ARGUMENT', { reason: 'onUnexpectedError must be a function that logs (or rethrows) errors that are not YizhengErrors' });
  }

  const menus = yizheng.config?.menus;

  async function run<Body, Value>(operation: HttpOperation, call: () => Promise<HttpResult<Body, Value>>): Promise<HttpResult<Body, Value>> {
    try {
      return await call();
    } catch (error) {
      if (isYizhengError(error)) {
        const answer = errorResponse(error, menus === undefined ? {} : { menus });
        if (!answer.unexpected) return answer;
      }
      await report(error, operation);
      return internalErrorResponse(error);
    }
  }

  return Object.freeze({
    challenge: (input) =>
      run('challenge', async () => {
        const { purpose } = exactObject(input.body, ['purpose'], '{ "purpose": "login" | "bind" }');
        if (purpose !== 'login' && purpose !== 'bind') throw invalidBody('purpose must be "login" or "bind"');
        const issued = await yizheng.issueChallenge({ sessionId: input.sessionId, origin, purpose });
        return success(200, { text: issued.text, purpose: issued.purpose, expiresAt: issued.expiresAt.toISOString() }, issued);
      }),

    login: (input) =>
      run('login', async () => {
        const result = await yizheng.verifyLogin(input.body, { sessionId: input.sessionId, origin });
        const body: LoginBody = {
          method: 'certificate',
          account: { id: result.account.id, organizationId: result.account.organizationId },
          binding: bindingJson(result.binding),
          providerId: result.providerId,
          expiry: expiryJson(result.expiry),
          warnings: result.warnings,
        };
        return success(200, body, result);
      }),

    bind: (input) =>
      run('bind', async () => {
        const { actor, target } = input;
        if (actor === undefined || actor === null) return signInFirstResponse(menus);
        checkAccount(actor, 'actor', 'bind');
        checkAccount(target, 'target', 'bind');
        const binding = await yizheng.bindCertificate({
          sessionId: input.sessionId,
          origin,
          token: input.body,
          actor,
          target,
          ...(input.keyId !== undefined && { keyId: input.keyId }),
          ...(input.isAdmin !== undefined && { isAdmin: input.isAdmin }),
          ...(input.permissions !== undefined && { permissions: input.permissions }),
        });
        return success(201, { binding: bindingJson(binding) }, binding);
      }),

    unbind: (input) =>
      run('unbind', async () => {
        const { actor } = input;
        if (actor === undefined || actor === null) return signInFirstResponse(menus);
        checkAccount(actor, 'actor', 'unbind');
        const { bindingId } = exactObject(input.body, ['bindingId'], '{ "bindingId": string }');
        const removed = await yizheng.unbindCertificate({ actor, bindingId: checkId(bindingId, 'bindingId') });
        return success(200, { binding: bindingJson(removed) }, removed);
      }),

    bindings: (input) =>
      run('bindings', async () => {
        const { actor } = input;
        if (actor === undefined || actor === null) return signInFirstResponse(menus);
        checkAccount(actor, 'actor', 'bindings');
        const entries = await yizheng.listBindings(actor.isAdmin ? { organizationId: actor.organizationId } : { accountId: actor.accountId });
        return success(200, { bindings: entries.map((e) => ({ binding: bindingJson(e.binding), expiry: expiryJson(e.expiry) })) }, entries);
      }),
  } satisfies HttpHandlers);
}
