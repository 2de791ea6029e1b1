// Recipe: Yizheng CA login and certificate binding in NestJS 11 on Express. Each Yizheng route is one
// call to @yizheng/core/http, whose answer (status, headers, JSON body) is sent as it comes. Needs no
// emitDecoratorMetadata: the controller's dependencies are injected by explicit tokens.
import { randomBytes } from 'node:crypto';
import { Body, Catch, Controller, Delete, Get, HttpCode, Inject, Logger, Module, Param, Post, Req, Res, type ArgumentsHost, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import type { Request, Response } from 'express';
import type { Yizheng } from '@yizheng/core';
import { RECOMMENDED_BODY_LIMIT, createHttpHandlers, errorResponse, type HttpHandlers, type HttpResponse, type PlatformAccount } from '@yizheng/core/http';

/** What the app is built from. */
export interface AppOptions {
  readonly yizheng: Yizheng; // configured with the platform's stores, CA providers and trust
  readonly origin: string; // the exact origin of the platform's pages: it goes into every signed text
  readonly account: PlatformAccount; // the demo's one account; a platform looks accounts up in its records
}

/** A session: its id and, once signed in, the account. */
type Session = { readonly id: string; readonly accountId?: string };

const HTTP = 'YIZHENG_HTTP';
const ACCOUNT = 'DEMO_ACCOUNT';
const logger = new Logger('Yizheng');
const send = (res: Response, answer: HttpResponse<unknown>): unknown => (res.status(answer.status).set(answer.headers), answer.body);

@Controller('api')
class YizhengController {
  constructor(@Inject(HTTP) private readonly yz: HttpHandlers, @Inject(ACCOUNT) private readonly account: PlatformAccount) {}

  // A minimal session: an HttpOnly cookie holding a random id, the data in memory. A real platform
  // uses its own session (express-session, …): Yizheng only needs its id and who is signed in.
  private readonly sessions = new Map<string, Session>();
  private newSession(res: Response, accountId?: string): Session {
    const session: Session = { id: randomBytes(32).toString('base64url'), ...(accountId !== undefined && { accountId }) };
    this.sessions.set(session.id, session);
    res.cookie('sid', session.id, { httpOnly: true, sameSite: 'strict', path: '/' });
    return session;
  }
  private sessionOf = (req: Request, res: Response): Session => this.sessions.get(String(req.cookies['sid'])) ?? this.newSession(res);
  // Signing in starts a new session, so a session id planted before it is worth nothing after it.
  private signIn(req: Request, res: Response, accountId: string): void {
    this.sessions.delete(String(req.cookies['sid']));
    this.newSession(res, accountId);
  }
  private accountOf = (session: Session): PlatformAccount | undefined => (session.accountId === this.account.accountId ? this.account : undefined);

  // The platform's own account+password sign-in, reduced to signing in the demo account.
  @Post('account-login') @HttpCode(200) accountLogin(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    this.signIn(req, res, this.account.accountId);
    return { account: { id: this.account.accountId } };
  }
  @Post('challenge') async challenge(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: unknown) {
    return send(res, await this.yz.challenge({ sessionId: this.sessionOf(req, res).id, body }));
  }
  @Post('ca-login') async login(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: unknown) {
    const answer = await this.yz.login({ sessionId: this.sessionOf(req, res).id, body });
    if (answer.ok) this.signIn(req, res, answer.value.account.id);
    return send(res, answer);
  }
  // Binding for oneself: actor and target are the session's account (none: 401 "sign in first").
  @Post('bindings') async bind(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: unknown) {
    const session = this.sessionOf(req, res);
    return send(res, await this.yz.bind({ sessionId: session.id, body, actor: this.accountOf(session), target: this.accountOf(session) }));
  }
  @Get('bindings') async list(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return send(res, await this.yz.bindings({ actor: this.accountOf(this.sessionOf(req, res)) }));
  }
  @Delete('bindings/:id') async unbind(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('id') id: string) {
    return send(res, await this.yz.unbind({ body: { bindingId: id }, actor: this.accountOf(this.sessionOf(req, res)) }));
  }
}

/** Every error, Nest's own included (malformed JSON, an unknown route), answered through errorResponse. */
@Catch()
class ErrorFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const answer = errorResponse(error);
    if (answer.unexpected) logger.error(error);
    const res = host.switchToHttp().getResponse<Response>();
    res.json(send(res, answer));
  }
}

@Module({ controllers: [YizhengController] })
class RecipeModule {} // eslint-disable-line @typescript-eslint/no-extraneous-class -- a Nest module is an empty decorated class

/** Builds the Nest app: account sign-in (demo), challenge, CA login, bind, list, unbind. */
export async function createApp({ yizheng, origin, account }: AppOptions): Promise<INestApplication> {
  const yz = createHttpHandlers(yizheng, { origin, onUnexpectedError: (error) => logger.error(error) });
  const providers = [{ provide: HTTP, useValue: yz }, { provide: ACCOUNT, useValue: account }];
  const app = await NestFactory.create<NestExpressApplication>({ module: RecipeModule, providers }, { bodyParser: false, abortOnError: false, logger: ['error', 'warn'] });
  return app.use(cookieParser()).useBodyParser('json', { limit: RECOMMENDED_BODY_LIMIT }).useGlobalFilters(new ErrorFilter());
}
