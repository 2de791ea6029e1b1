/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP JSON bodies, read loosely in a test */
import { createPrivateKey, sign } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStores } from '@yizheng/core/stores';
// @ts-expect-error plain-JS example modules have no declarations
import { createPortal } from './app.mjs';
// @ts-expect-error plain-JS example modules have no declarations
import { loadDemoKeys } from './demo-data.mjs';

interface DemoKey { label: string; certificate: string; privateKey: string }
let server: Server;
let base: string;
let keys: DemoKey[];

beforeAll(async () => {
  const demo = loadDemoKeys(mkdtempSync(join(tmpdir(), 'portal-'))) as { ca: string; keys: DemoKey[] };
  keys = demo.keys;
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on('request', createPortal({ stores: createMemoryStores(), demo, origin: base }));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A browser: keeps its session cookie. */
function browser() {
  let cookie = '';
  return async (method: string, path: string, payload?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json', ...(cookie && { cookie }) },
      ...(payload !== undefined && { body: JSON.stringify(payload) }),
    });
    cookie = res.headers.get('set-cookie')?.split(';')[0] ?? cookie;
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
}

/** What the page does with a key: get a challenge, sign its exact text, build the token. */
async function signed(call: ReturnType<typeof browser>, key: DemoKey, purpose: 'login' | 'bind') {
  const { body } = await call('POST', '/api/challenge', { purpose });
  const der = key.certificate.replace(/-----[A-Z ]+-----|\s/g, '');
  const signature = sign('sha256', Buffer.from(body['text'] as string), createPrivateKey(key.privateKey)).toString('base64');
  return { format: 'yizheng:1', certificate: der, signature };
}

describe('sample portal', () => {
  it('binds after an account login, then logs in with the certificate', async () => {
    const call = browser();
    expect((await call('POST', '/api/ca-login', { token: await signed(call, keys[0] as DemoKey, 'login') })).body['error'].code).toBe('NOT_BOUND');
    expect((await call('POST', '/api/password-login', { account: 'zhangsan', password: '11111111' })).status).toBe(200);
    const bound = await call('POST', '/api/bindings', { token: await signed(call, keys[0] as DemoKey, 'bind') });
    expect(bound.status).toBe(200);
    expect(bound.body['binding'].accountId).toBe('zhangsan');
    const login = await call('POST', '/api/ca-login', { token: await signed(call, keys[0] as DemoKey, 'login') });
    expect(login.status).toBe(200);
    expect(login.body['session'].account.id).toBe('zhangsan');
    expect(login.body['session'].method).toBe('certificate');
  });

  it('answers with the typed, bilingual error: mismatch, forbidden, already bound', async () => {
    const call = browser();
    await call('POST', '/api/password-login', { account: 'lisi', password: '11111111' });
    const mismatch = await call('POST', '/api/bindings', { token: await signed(call, keys[2] as DemoKey, 'bind') });
    expect(mismatch.status).toBe(409);
    expect(mismatch.body['error'].code).toBe('ENTERPRISE_CODE_MISMATCH');
    expect(mismatch.body['error'].message['zh-CN']).toContain('企业代码不一致');
    const forbidden = await call('POST', '/api/bindings?target=zhangsan', await signed(call, keys[1] as DemoKey, 'bind'));
    expect([forbidden.status, forbidden.body['error'].code]).toEqual([403, 'BIND_FORBIDDEN']);
    const taken = await call('POST', '/api/bindings', { token: await signed(call, keys[0] as DemoKey, 'bind') });
    expect([taken.status, taken.body['error'].code]).toEqual([409, 'ALREADY_BOUND']);
  });

  it('warns at login when the certificate expires soon (seed 001)', async () => {
    const admin = browser();
    await admin('POST', '/api/password-login', { account: 'admin', password: '11111111' });
    expect((await admin('POST', '/api/bindings?target=lisi', await signed(admin, keys[1] as DemoKey, 'bind'))).status).toBe(200);
    const call = browser();
    const login = await call('POST', '/api/ca-login', { token: await signed(call, keys[1] as DemoKey, 'login') });
    expect(login.body['warnings'].map((w: { code: string }) => w.code)).toContain('CERT_EXPIRING');
    const list = await admin('GET', '/api/bindings');
    expect(list.body['bindings'].map((b: { accountId: string }) => b.accountId).sort()).toEqual(['lisi', 'zhangsan']);
  });

  it('serves the page', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('一证');
  });
});
