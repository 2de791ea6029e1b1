/**
 * @yizheng/core/http: CA login and binding over HTTP for any framework (Express, Fastify, Koa,
 * NestJS, plain `node:http`). Request data in, response data out, no framework dependency:
 * {@link createHttpHandlers} gives the challenge, login, bind, unbind and list calls, each resolving
 * to a status, headers and a JSON body; {@link errorResponse} maps any error for the platform's own
 * routes. Yizheng errors answer with their code's HTTP status and their bilingual `toJSON()`; any
 * other error answers 500 with a fixed message and nothing of the error.
 *
 * The platform keeps what is its own: the session (its id, who is logged in, a new id after login),
 * the account records the actor and target come from, parsing JSON and limiting the body size
 * ({@link RECOMMENDED_BODY_LIMIT}).
 *
 * @example
 * ```ts
 * import { createHttpHandlers } from '@yizheng/core/http';
 *
 * const http = createHttpHandlers(yizheng, { origin: 'https://bid.example.gov.cn', onUnexpectedError: (e) => console.error(e) });
 * const answer = await http.challenge({ sessionId, body: { purpose: 'login' } });
 * // answer.status 200, answer.body { text, purpose, expiresAt }
 * ```
 *
 * @module
 */
export {
  createHttpHandlers,
  type BindInput,
  type BindingsInput,
  type ChallengeInput,
  type HttpHandlerOptions,
  type HttpHandlers,
  type HttpOperation,
  type HttpYizheng,
  type LoginInput,
  type PlatformAccount,
  type SessionInput,
  type UnbindInput,
} from './handlers';
export {
  RECOMMENDED_BODY_LIMIT,
  errorResponse,
  type BilingualText,
  type BindingBody,
  type BindingJson,
  type BindingsBody,
  type CertificateFactsJson,
  type ChallengeBody,
  type ErrorBody,
  type ErrorResponseOptions,
  type ExpiryJson,
  type GenericErrorJson,
  type HttpFailure,
  type HttpResponse,
  type HttpResult,
  type HttpSuccess,
  type LoginBody,
} from './responses';
