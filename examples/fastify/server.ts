// Recipe: Yizheng CA login and certificate binding in Fastify 5. Each Yizheng route is one call to
// @yizheng/core/http, whose answer (status, headers, JSON body) is sent as it comes.
import { randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Yizheng } from '@yizheng/core';
import { RECOMMENDED_BODY_LIMIT, createHttpHandlers, errorResponse, type HttpResponse, type PlatformAccount } from '@yizheng/core/http';

/** What the app is built from. */
export interface AppOptions {
  readonly yizheng: Yizheng; // configured with the platform's stores, CA providers and trust
  readonly origin: string; // the exact origin of the platform's pages: it goes into every signed text
  readonly account: PlatformAccount; // the demo's one account; a platform looks accounts up in its records
}

/** A session: its id and, once signed in, the account. */
type Session = { readonly id: string; readonly accountId?: string };

/** Builds the Fastify app: account sign-in (demo), challenge, CA login, bind, list, unbind. */
export async function createApp({ yizheng, origin, account }: AppOptions): Promise<FastifyInstance> {
  // Fastify parses JSON and answers 413 over bodyLimit itself.
  const app = Fastify({ bodyLimit: RECOMMENDED_BODY_LIMIT, logger: { level: 'warn' } });
  const yz = createHttpHandlers(yizheng, { origin, onUnexpectedError: (error) => app.log.error(error) });
  await app.register(fastifyCookie);

  // A minimal session: an HttpOnly cookie holding a random id, the data in memory. A real platform
  // uses its own session (@fastify/session, …): Yizheng only needs its id and who is signed in.
  const sessions = new Map<string, Session>();
  const newSession = (reply: FastifyReply, accountId?: string): Session => {
    const session: Session = { id: randomBytes(32).toString('base64url'), ...(accountId !== undefined && { accountId }) };
    sessions.set(session.id, session);
    reply.setCookie('sid', session.id, { httpOnly: true, sameSite: 'strict', path: '/' });
    return session;
  };
  const sessionOf = (req: FastifyRequest, reply: FastifyReply): Session => sessions.get(req.cookies['sid'] ?? '') ?? newSession(reply);
  // Signing in starts a new session, so a session id planted before it is worth nothing after it.
  const signIn = (req: FastifyRequest, reply: FastifyReply, accountId: string): void => {
    sessions.delete(req.cookies['sid'] ?? '');
    newSession(reply, accountId);
  };
  const accountOf = (session: Session): PlatformAccount | undefined => (session.accountId === account.accountId ? account : undefined);
  const send = (reply: FastifyReply, answer: HttpResponse<unknown>): FastifyReply => reply.code(answer.status).headers(answer.headers).send(answer.body);

  // The platform's own account+password sign-in, reduced to signing in the demo account.
  app.post('/api/account-login', async (req, reply) => {
    signIn(req, reply, account.accountId);
    return { account: { id: account.accountId } };
  });
  app.post('/api/challenge', async (req, reply) => send(reply, await yz.challenge({ sessionId: sessionOf(req, reply).id, body: req.body })));
  app.post('/api/ca-login', async (req, reply) => {
    const answer = await yz.login({ sessionId: sessionOf(req, reply).id, body: req.body });
    if (answer.ok) signIn(req, reply, answer.value.account.id);
    return send(reply, answer);
  });
  // Binding for oneself: actor and target are the session's account (none: 401 "sign in first").
  app.post('/api/bindings', async (req, reply) => {
    const session = sessionOf(req, reply);
    return send(reply, await yz.bind({ sessionId: session.id, body: req.body, actor: accountOf(session), target: accountOf(session) }));
  });
  app.get('/api/bindings', async (req, reply) => send(reply, await yz.bindings({ actor: accountOf(sessionOf(req, reply)) })));
  app.delete<{ Params: { id: string } }>('/api/bindings/:id', async (req, reply) => {
    return send(reply, await yz.unbind({ body: { bindingId: req.params.id }, actor: accountOf(sessionOf(req, reply)) }));
  });

  // Malformed JSON (400), a body over the limit (413), anything unexpected (500, logged).
  app.setErrorHandler((error, req, reply) => {
    const answer = errorResponse(error);
    if (answer.unexpected) req.log.error(error);
    return send(reply, answer);
  });
  return app;
}
