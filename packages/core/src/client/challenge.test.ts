/**
 * The page helpers end to end against a platform server made of core's own server functions
 * (issueChallenge, bindCertificate, verifyLogin) behind node:http, with a software token as the key.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindCertificate } from '../binding/index';
import { isYizhengError as isServerSideError } from '../errors/index';
import { issueChallenge } from '../challenge/challenge';
import { ORIGIN, USCC, fakeClock, issueEnterpriseCertificate, makeCa, makeContext } from '../../test-utils/login-support';
import { verifyLogin } from '../login/verify-login';
import { createSoftwareToken, type SoftwareToken } from '../software-token/index';
import { privateKeyToPem } from '../testing/index';
import { YizhengServerError, isYizhengError, requestChallenge, signChallenge, submitToken } from './index';

let server: Server;
let base = '';
let token: SoftwareToken;

beforeAll(async () => {
  const ca = makeCa('Page CA');
  const leaf = issueEnterpriseCertificate(ca);
  const context = makeContext([ca], fakeClock().now);
  token = await createSoftwareToken({ certificates: [{ certificate: leaf.pem, privateKey: privateKeyToPem(leaf.key) }] });
  const session = { sessionId: 'cookie-session', origin: ORIGIN };
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const json = JSON.parse(body || '{}') as Record<string, unknown>;
      const handle = async (): Promise<unknown> => {
        switch (req.url) {
          case '/challenge':
            return issueChallenge({ ...session, purpose: json['purpose'] === 'bind' ? 'bind' : 'login' }, context);
          case '/bind':
            await bindCertificate(
              { ...session, actor: { accountId: 'a1', organizationId: 'o1', isAdmin: false }, target: { accountId: 'a1', organizationId: 'o1', enterpriseCode: USCC }, token: json },
              context,
            );
            return { ok: true };
          case '/login':
            return { account: (await verifyLogin(json, session, context)).account };
          default:
            return undefined;
        }
      };
      handle().then(
        (answer) => res.writeHead(answer === undefined ? 404 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(answer ?? 'no route')),
        (error: unknown) => {
          if (!isServerSideError(error)) throw error;
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: error.toJSON() }));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('requestChallenge, signChallenge, submitToken', () => {
  it('logs in: NOT_BOUND first (the server\'s message arrives), then bind, then login', async () => {
    const [cert] = await token.listCertificates();
    if (!cert) throw new Error('no certificate');
    await token.login(cert.id, '123456');
    const login = async () => {
      const challenge = await requestChallenge(`${base}/challenge`, { purpose: 'login' });
      expect(challenge.text.startsWith(`yizheng:1|login|${ORIGIN}|`)).toBe(true);
      expect(challenge.expiresAt).toBeInstanceOf(Date);
      return submitToken<{ account: { id: string } }>(`${base}/login`, await signChallenge(token, cert.id, challenge.text));
    };
    const refused = await login().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(YizhengServerError);
    expect((refused as { code?: string }).code).toBe('NOT_BOUND');
    expect(isYizhengError(refused, 'NOT_BOUND')).toBe(true);
    const e = refused as YizhengServerError;
    expect([e.status, e.message.includes('绑定'), e.localizedMessage('en').length > 0, e.remedy.length > 0]).toEqual([400, true, true, true]);
    expect(e.toJSON().code).toBe('NOT_BOUND');

    const bindChallenge = await requestChallenge(`${base}/challenge`, { purpose: 'bind' });
    await submitToken(`${base}/bind`, await signChallenge(token, cert, bindChallenge.text));
    expect((await login()).account.id).toBe('a1');
  });

  it('puts the certificate, signature, format and provider in the token; unknown ids are CERT_NOT_FOUND', async () => {
    await token.login('cert-1', '123456');
    const t = await signChallenge(token, 'cert-1', 'yizheng:1|login|x', { provider: 'bjca' });
    expect(Object.keys(t).sort()).toEqual(['certificate', 'format', 'provider', 'signature', 'signatureFormat']);
    expect([t.format, t.signatureFormat, t.provider]).toEqual(['yizheng:1', 'raw', 'bjca']);
    await expect(signChallenge(token, 'cert-9', 'x')).rejects.toMatchObject({ code: 'CERT_NOT_FOUND' });
  });

  it('fails plainly on integration problems, and with USER_CANCELLED on abort', async () => {
    await expect(requestChallenge(`${base}/nowhere`, { purpose: 'login' })).rejects.toThrow(/HTTP 404/);
    await expect(requestChallenge(`${base}/login`, { purpose: 'login' })).rejects.toBeInstanceOf(YizhengServerError);
    const fetch = async () => new Response(JSON.stringify({ text: 'not a challenge' }));
    await expect(requestChallenge(`${base}/challenge`, { purpose: 'login', fetch })).rejects.toThrow(/challenge text/);
    await expect(requestChallenge(`${base}/challenge`, { purpose: 'login', signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'USER_CANCELLED' });
    await expect(requestChallenge('http://127.0.0.1:1/challenge', { purpose: 'login' })).rejects.toThrow(TypeError);
  });
});
