// The recipes' tests share this: a test CA, a software token holding a certificate it issued (real
// signatures), Yizheng on memory stores trusting that CA, and a browser that carries its cookie and
// plays the page's part with @yizheng/core/client.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest'; // the workspace root's test runner, as in every test here
import { createCertificateTrust, createYizheng, type Yizheng } from '@yizheng/core';
import { requestChallenge, signChallenge } from '@yizheng/core/client';
import type { BindingBody, BindingsBody, ErrorBody, PlatformAccount } from '@yizheng/core/http';
import { createSoftwareToken } from '@yizheng/core/software-token';
import { createMemoryStores } from '@yizheng/core/stores';
import { createTestCa, issueCertificate, privateKeyToPem, utf8Extension } from '@yizheng/core/testing';
import { createTrustStore } from '@yizheng/core/trust';

type SoftwareToken = Awaited<ReturnType<typeof createSoftwareToken>>;

/** What a recipe's test starts its server from, and the key its browser signs with. */
export interface RecipeFixture {
  readonly yizheng: Yizheng;
  readonly account: PlatformAccount;
  readonly key: SoftwareToken;
  readonly origin: string;
}

/** The test CA, zhangsan's certificate on a logged-in software token, and Yizheng on memory stores. */
export async function createRecipeFixture(): Promise<RecipeFixture> {
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
  const yizheng = createYizheng({
    stores: createMemoryStores(),
    providers: [],
    trust: createCertificateTrust({ trustStore: createTrustStore(ca.pem), revocation: { policy: 'off' } }),
  });
  return { yizheng, account, key, origin: 'https://bid.example.gov.cn' };
}

/** A running recipe server: its address and how to stop it. */
export interface Served {
  readonly base: string;
  close(): Promise<unknown>;
}

/** Starts the recipe's server before the file's tests and stops it after them; the answer reads its address. */
export function serveDuringTests(start: () => Promise<Served>): () => string {
  let served: Served | undefined;
  beforeAll(async () => {
    served = await start();
  });
  afterAll(() => served?.close());
  return () => {
    if (served === undefined) throw new Error('The recipe server is not started yet.');
    return served.base;
  };
}

/** A Node HTTP server (Express, Koa) once it listens on 127.0.0.1. */
export async function listening(server: Server): Promise<Served> {
  await once(server, 'listening');
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((done, fail) => server.close((error) => (error ? fail(error) : done()))),
  };
}

/** The page's side in a browser on one site: JSON calls that carry its cookie, and signing a challenge. */
export interface RecipeBrowser {
  call<Body = ErrorBody>(method: string, path: string, body?: unknown, raw?: string): Promise<{ status: number; body: Body }>;
  sign(purpose: 'login' | 'bind'): ReturnType<typeof signChallenge>;
}

/** A browser on the server at `base` (e.g. `http://127.0.0.1:PORT`), signing with `key`'s cert-1. */
export function browserAt(base: string, key: SoftwareToken): RecipeBrowser {
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
    async sign(purpose) {
      const challenge = await requestChallenge('/api/challenge', { purpose, fetch: fetchWithCookie });
      return signChallenge(key, 'cert-1', challenge.text);
    },
  };
}

/** The flow every recipe serves: sign in, bind, CA login, list, unbind, and CA login refused with NOT_BOUND. */
export async function expectBindLoginUnbind(page: RecipeBrowser, account: PlatformAccount): Promise<void> {
  expect((await page.call('POST', '/api/account-login')).status).toBe(200);
  const bound = await page.call<BindingBody>('POST', '/api/bindings', await page.sign('bind'));
  expect(bound).toMatchObject({ status: 201, body: { binding: { accountId: account.accountId, enterpriseCode: account.enterpriseCode } } });

  const login = await page.call('POST', '/api/ca-login', await page.sign('login'));
  expect(login).toMatchObject({ status: 200, body: { account: { id: account.accountId }, binding: { id: bound.body.binding.id } } });
  expect((await page.call<BindingsBody>('GET', '/api/bindings')).body.bindings).toHaveLength(1);

  expect(await page.call('DELETE', `/api/bindings/${bound.body.binding.id}`)).toMatchObject({ status: 200, body: { binding: { id: bound.body.binding.id } } });
  const again = await page.call('POST', '/api/ca-login', await page.sign('login'));
  expect(again).toMatchObject({ status: 401, body: { error: { code: 'NOT_BOUND', remedy: { 'zh-CN': expect.any(String) } } } });
}

/** Registers the flow every recipe serves as a test of the file that calls it. */
export function itBindsLogsInAndUnbinds(browser: () => RecipeBrowser, account: PlatformAccount): void {
  it('signs in, binds the certificate, logs in with it, unbinds it, and is then told NOT_BOUND', () => expectBindLoginUnbind(browser(), account));
}

/** What each recipe refuses before Yizheng sees it: a body that is not JSON, answered 400 with a fixed message. */
export async function expectMalformedBodyRefused(page: RecipeBrowser): Promise<void> {
  const broken = await page.call('POST', '/api/ca-login', undefined, '{"format":');
  expect(broken).toEqual({ status: 400, body: { error: { message: { 'zh-CN': '请求格式错误。', en: 'The request is malformed.' } } } });
}
