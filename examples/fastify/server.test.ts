// The Fastify recipe end to end over real HTTP: the page's part played with @yizheng/core/client and a
// software token holding a certificate of a test CA (real signatures), the server on memory stores.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCertificateTrust, createYizheng } from '@yizheng/core';
import { requestChallenge, signChallenge } from '@yizheng/core/client';
import { createSoftwareToken } from '@yizheng/core/software-token';
import { createMemoryStores } from '@yizheng/core/stores';
import { createTestCa, issueCertificate, privateKeyToPem, utf8Extension } from '@yizheng/core/testing';
import type { BindingBody, BindingsBody, ErrorBody } from '@yizheng/core/http';
import { createTrustStore } from '@yizheng/core/trust';
import { createApp } from './server';

const account = { accountId: 'zhangsan', organizationId: 'org-dimeng', isAdmin: false, enterpriseCode: '91350200556207664B' };
const ca = createTestCa({ subject: 'CN=Recipe Test CA, O=一证测试, C=CN', keyAlgorithm: 'ec' });
const certificate = issueCertificate({
  subject: 'CN=张三, O=厦门帝网信息科技有限公司, C=CN',
  issuer: ca,
  keyAlgorithm: 'ec',
  extensions: [utf8Extension('1.2.156.10260.4.1.4', account.enterpriseCode)],
});
const key = await createSoftwareToken({ certificates: [{ certificate: certificate.pem, privateKey: privateKeyToPem(certificate.key) }] });
await key.login('cert-1', '123456');

let app: Awaited<ReturnType<typeof createApp>>;
let base = '';
beforeAll(async () => {
  const yizheng = createYizheng({
    stores: createMemoryStores(),
    providers: [],
    trust: createCertificateTrust({ trustStore: createTrustStore(ca.pem), revocation: { policy: 'off' } }),
  });
  app = await createApp({ yizheng, origin: 'https://bid.example.gov.cn', account });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => app.close());

/** A browser on one site: fetch with its cookie, and the page's sign-a-challenge step. */
function browser() {
  let cookie = '';
  const fetchWithCookie = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const response = await fetch(new URL(path, base), { ...init, headers: { ...(init.headers as Record<string, string>), cookie } });
    for (const set of response.headers.getSetCookie()) cookie = set.split(';')[0] ?? '';
    return response;
  };
  return {
    async call<Body = ErrorBody>(method: string, path: string, body?: unknown, raw?: string): Promise<{ status: number; body: Body }> {
      const payload = raw ?? (body === undefined ? undefined : JSON.stringify(body));
      const response = await fetchWithCookie(path, { method, ...(payload !== undefined && { body: payload, headers: { 'content-type': 'application/json' } }) });
      return { status: response.status, body: (await response.json()) as Body };
    },
    async sign(purpose: 'login' | 'bind') {
      const challenge = await requestChallenge('/api/challenge', { purpose, fetch: fetchWithCookie });
      return signChallenge(key, 'cert-1', challenge.text);
    },
  };
}

it('signs in, binds the certificate, logs in with it, unbinds it, and is then told NOT_BOUND', async () => {
  const page = browser();
  expect((await page.call('POST', '/api/account-login')).status).toBe(200);
  const bound = await page.call<BindingBody>('POST', '/api/bindings', await page.sign('bind'));
  expect(bound).toMatchObject({ status: 201, body: { binding: { accountId: 'zhangsan', enterpriseCode: account.enterpriseCode } } });

  const login = await page.call('POST', '/api/ca-login', await page.sign('login'));
  expect(login).toMatchObject({ status: 200, body: { account: { id: 'zhangsan' }, binding: { id: bound.body.binding.id } } });
  expect((await page.call<BindingsBody>('GET', '/api/bindings')).body.bindings).toHaveLength(1);

  expect(await page.call('DELETE', `/api/bindings/${bound.body.binding.id}`)).toMatchObject({ status: 200, body: { binding: { id: bound.body.binding.id } } });
  const again = await page.call('POST', '/api/ca-login', await page.sign('login'));
  expect(again).toMatchObject({ status: 401, body: { error: { code: 'NOT_BOUND', remedy: { 'zh-CN': expect.any(String) } } } });
});

it('answers a replayed login token with 401 CHALLENGE_NOT_FOUND, and what Fastify refuses with fixed messages', async () => {
  const page = browser();
  expect((await page.call('POST', '/api/bindings', {})).status).toBe(401);
  await page.call('POST', '/api/account-login');
  expect((await page.call('POST', '/api/bindings', await page.sign('bind'))).status).toBe(201);
  const token = await page.sign('login');
  expect((await page.call('POST', '/api/ca-login', token)).status).toBe(200);
  const replayed = await page.call('POST', '/api/ca-login', token);
  expect(replayed).toMatchObject({ status: 401, body: { error: { code: 'CHALLENGE_NOT_FOUND' } } });
  const broken = await page.call('POST', '/api/ca-login', undefined, '{"format":');
  expect(broken).toEqual({ status: 400, body: { error: { message: { 'zh-CN': '请求格式错误。', en: 'The request is malformed.' } } } });
});
