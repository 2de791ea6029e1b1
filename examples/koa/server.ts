// Recipe: Yizheng CA login and certificate binding in Koa 3 with @koa/router. Each Yizheng route is one
// call to @yizheng/core/http, whose answer (status, headers, JSON body) is sent as it comes.
import { randomBytes } from 'node:crypto';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa, { type Context } from 'koa';
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

/** Builds the Koa app: account sign-in (demo), challenge, CA login, bind, list, unbind. */
export function createApp({ yizheng, origin, account }: AppOptions): Koa {
  const app = new Koa();
  const yz = createHttpHandlers(yizheng, { origin, onUnexpectedError: (error) => void app.emit('error', error) });

  // A minimal session: an HttpOnly cookie holding a random id, the data in memory. A real platform
  // uses its own session (koa-session with a store, …): Yizheng only needs its id and who is signed in.
  const sessions = new Map<string, Session>();
  const newSession = (ctx: Context, accountId?: string): Session => {
    const session: Session = { id: randomBytes(32).toString('base64url'), ...(accountId !== undefined && { accountId }) };
    sessions.set(session.id, session);
    ctx.cookies.set('sid', session.id, { httpOnly: true, sameSite: 'strict', path: '/' });
    return session;
  };
  const sessionOf = (ctx: Context): Session => sessions.get(ctx.cookies.get('sid') ?? '') ?? newSession(ctx);
  // Signing in starts a new session, so a session id planted before it is worth nothing after it.
  const signIn = (ctx: Context, accountId: string): void => {
    sessions.delete(ctx.cookies.get('sid') ?? '');
    newSession(ctx, accountId);
  };
  const accountOf = (session: Session): PlatformAccount | undefined => (session.accountId === account.accountId ? account : undefined);
  const send = (ctx: Context, answer: HttpResponse<unknown>): void => {
    ctx.status = answer.status;
    ctx.set(answer.headers);
    ctx.body = answer.body;
  };

  const router = new Router({ prefix: '/api' });
  // The platform's own account+password sign-in, reduced to signing in the demo account.
  router.post('/account-login', (ctx) => {
    signIn(ctx, account.accountId);
    ctx.body = { account: { id: account.accountId } };
  });
  router.post('/challenge', async (ctx) => send(ctx, await yz.challenge({ sessionId: sessionOf(ctx).id, body: ctx.request.body })));
  router.post('/ca-login', async (ctx) => {
    const answer = await yz.login({ sessionId: sessionOf(ctx).id, body: ctx.request.body });
    if (answer.ok) signIn(ctx, answer.value.account.id);
    send(ctx, answer);
  });
  // Binding for oneself: actor and target are the session's account (none: 401 "sign in first").
  router.post('/bindings', async (ctx) => {
    const session = sessionOf(ctx);
    send(ctx, await yz.bind({ sessionId: session.id, body: ctx.request.body, actor: accountOf(session), target: accountOf(session) }));
  });
  router.get('/bindings', async (ctx) => send(ctx, await yz.bindings({ actor: accountOf(sessionOf(ctx)) })));
  router.delete('/bindings/:id', async (ctx) => send(ctx, await yz.unbind({ body: { bindingId: ctx.params['id'] }, actor: accountOf(sessionOf(ctx)) })));

  // Malformed JSON (400), a body over the limit (413), anything unexpected (500, to Koa's 'error' event).
  app.use((ctx, next) =>
    next().catch((error: unknown) => {
      const answer = errorResponse(error);
      if (answer.unexpected) ctx.app.emit('error', error, ctx);
      send(ctx, answer);
    }),
  );
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: RECOMMENDED_BODY_LIMIT })).use(router.routes()).use(router.allowedMethods());
  return app;
}
