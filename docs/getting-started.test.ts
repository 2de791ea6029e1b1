// The code the Getting started pages show (docs/snippets/getting-started/, included into both
// languages) runs: the try-it script logs in, and the Express routes bind and log in a certificate
// through a stand-in for Express's request, response and error-handler contract.
import { describe, expect, it } from 'vitest';
import { signChallenge } from '@yizheng/core/client';
import { createSoftwareToken } from '@yizheng/core/software-token';
import { createTestCa, issueCertificate, privateKeyToPem, utf8Extension } from '@yizheng/core/testing';
import { mountCaLogin } from './snippets/getting-started/routes.mjs';
import { createPlatformYizheng } from './snippets/getting-started/yizheng.mjs';

type Session = Record<string, unknown> & { id: string; regenerate?: (done: (error?: Error) => void) => void };
type Req = { session: Session; body: unknown };
type Answer = { status: number; headers: Record<string, string>; body: unknown };
type Handler = (req: Req, res: Res, next: (error?: unknown) => void) => unknown;
type ErrorHandler = (error: unknown, req: Req, res: Res, next: (error?: unknown) => void) => unknown;

/** The part of Express's response the routes use. */
class Res {
  answer: Answer = { status: 200, headers: {}, body: undefined };
  done!: () => void;
  readonly finished = new Promise<void>((resolve) => (this.done = resolve));
  status(code: number): this {
    this.answer.status = code;
    return this;
  }
  set(headers: Record<string, string>): this {
    Object.assign(this.answer.headers, headers);
    return this;
  }
  json(body: unknown): this {
    this.answer.body = JSON.parse(JSON.stringify(body));
    this.done();
    return this;
  }
}

/** The part of an Express app the routes use: POST routes and one error handler. */
function fakeExpress() {
  const routes = new Map<string, Handler>();
  let onError: ErrorHandler | undefined;
  return {
    /** The session a request ended with (a new one after login). */
    last: undefined as Session | undefined,
    post(path: string, handler: Handler) {
      routes.set(path, handler);
    },
    use(handler: ErrorHandler) {
      onError = handler;
    },
    async request(path: string, session: Session, body: unknown): Promise<Answer> {
      const handler = routes.get(path);
      if (!handler) throw new Error(`no route ${path}`);
      const req: Req = { session, body: JSON.parse(JSON.stringify(body)) as unknown };
      // As express-session does: a new session object with a new id.
      session.regenerate = (done) => {
        req.session = { id: `${session.id}-new` };
        this.last = req.session;
        done();
      };
      const res = new Res();
      await handler(req, res, (error) => {
        if (!onError) throw error;
        void onError(error, req, res, () => undefined);
      });
      await res.finished;
      return res.answer;
    },
  };
}

describe('Getting started', () => {
  it('the try-it script binds a software-token certificate and logs in with it', async () => {
    const { login } = (await import('./snippets/getting-started/try-it.mjs')) as { login: { account: { id: string } } };
    expect(login.account).toEqual({ id: 'zhangsan', organizationId: 'org-1' });
  });

  it('the Express routes answer challenge, bind and login, and send Yizheng errors with their status', async () => {
    const ca = createTestCa({ subject: 'CN=Docs Test CA, C=CN', keyAlgorithm: 'ec' });
    const leaf = issueCertificate({
      subject: 'CN=李四, O=厦门帝网信息科技有限公司, C=CN',
      issuer: ca,
      keyAlgorithm: 'ec',
      extensions: [utf8Extension('1.2.156.10260.4.1.4', '91350200556207664B')],
    });
    const key = await createSoftwareToken({ certificates: [{ certificate: leaf.pem, privateKey: privateKeyToPem(leaf.key) }] });
    await key.login('cert-1', '123456');
    const account = { id: 'lisi', organizationId: 'org-1', isAdmin: false, enterpriseCode: '91350200556207664B' };
    const app = fakeExpress();
    mountCaLogin(app, createPlatformYizheng(ca.pem), { origin: 'http://localhost:3000', findAccount: async (id: unknown) => (id === account.id ? account : undefined) });

    const signed = async (session: Session, purpose: 'login' | 'bind') => {
      const challenge = await app.request('/api/ca/challenge', session, { purpose });
      expect(challenge.status).toBe(200);
      return signChallenge(key, 'cert-1', (challenge.body as { text: string }).text);
    };

    // Not bound yet: 401 with the bilingual error.
    const anonymous = { id: 'session-a' };
    const refused = await app.request('/api/ca/login', anonymous, await signed(anonymous, 'login'));
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: { code: 'NOT_BOUND', message: { 'zh-CN': expect.any(String), en: expect.any(String) } } });

    // Bind after the platform's password login, then log in.
    const passwordSession = { id: 'session-b', accountId: 'lisi' };
    const bound = await app.request('/api/ca/bind', passwordSession, await signed(passwordSession, 'bind'));
    expect(bound).toMatchObject({ status: 201, body: { bindingId: expect.any(String) } });
    const session: Session = { id: 'session-c' };
    const login = await app.request('/api/ca/login', session, await signed(session, 'login'));
    expect(login).toMatchObject({ status: 200, body: { account: { id: 'lisi', organizationId: 'org-1' }, expiry: { state: 'valid' } } });
    expect(app.last).toMatchObject({ id: 'session-c-new', accountId: 'lisi' });

    // Binding it again: 409 ALREADY_BOUND.
    const again = await app.request('/api/ca/bind', passwordSession, await signed(passwordSession, 'bind'));
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'ALREADY_BOUND' } } });
  });
});
