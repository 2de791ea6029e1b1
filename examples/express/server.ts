// Recipe: Yizheng CA login and certificate binding in Express 5. Each Yizheng route is one call to
// @yizheng/core/http, whose answer (status, headers, JSON body) is sent as it comes.
import { randomBytes } from 'node:crypto';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
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

/** Builds the Express app: account sign-in (demo), challenge, CA login, bind, list, unbind. */
export function createApp({ yizheng, origin, account }: AppOptions): express.Express {
  const yz = createHttpHandlers(yizheng, { origin, onUnexpectedError: (error) => console.error(error) });

  // A minimal session: an HttpOnly cookie holding a random id, the data in memory. A real platform
  // uses its own session (express-session, …): Yizheng only needs its id and who is signed in.
  const sessions = new Map<string, Session>();
  const newSession = (res: Response, accountId?: string): Session => {
    const session: Session = { id: randomBytes(32).toString('base64url'), ...(accountId !== undefined && { accountId }) };
    sessions.set(session.id, session);
    res.cookie('sid', session.id, { httpOnly: true, sameSite: 'strict', path: '/' });
    return session;
  };
  const sessionOf = (req: Request, res: Response): Session => sessions.get(String(req.cookies['sid'])) ?? newSession(res);
  // Signing in starts a new session, so a session id planted before it is worth nothing after it.
  const signIn = (req: Request, res: Response, accountId: string): void => {
    sessions.delete(String(req.cookies['sid']));
    newSession(res, accountId);
  };
  const accountOf = (session: Session): PlatformAccount | undefined => (session.accountId === account.accountId ? account : undefined);
  const send = (res: Response, answer: HttpResponse<unknown>): void => void res.status(answer.status).set(answer.headers).json(answer.body);

  const app = express();
  app.use(express.json({ limit: RECOMMENDED_BODY_LIMIT }), cookieParser());

  // The platform's own account+password sign-in, reduced to signing in the demo account.
  app.post('/api/account-login', (req, res) => {
    signIn(req, res, account.accountId);
    res.json({ account: { id: account.accountId } });
  });
  app.post('/api/challenge', async (req, res) => send(res, await yz.challenge({ sessionId: sessionOf(req, res).id, body: req.body })));
  app.post('/api/ca-login', async (req, res) => {
    const answer = await yz.login({ sessionId: sessionOf(req, res).id, body: req.body });
    if (answer.ok) signIn(req, res, answer.value.account.id);
    send(res, answer);
  });
  // Binding for oneself: actor and target are the session's account (none: 401 "sign in first").
  app.post('/api/bindings', async (req, res) => {
    const session = sessionOf(req, res);
    send(res, await yz.bind({ sessionId: session.id, body: req.body, actor: accountOf(session), target: accountOf(session) }));
  });
  app.get('/api/bindings', async (req, res) => send(res, await yz.bindings({ actor: accountOf(sessionOf(req, res)) })));
  app.delete('/api/bindings/:id', async (req, res) => {
    send(res, await yz.unbind({ body: { bindingId: req.params.id }, actor: accountOf(sessionOf(req, res)) }));
  });

  // Malformed JSON (400), a body over the limit (413), anything unexpected (500, logged).
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const answer = errorResponse(error);
    if (answer.unexpected) console.error(error);
    send(res, answer);
  });
  return app;
}
