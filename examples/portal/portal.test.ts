/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP JSON bodies, read loosely in a test */
/**
 * The sample portal over real HTTP, as an attacker would try it: CSRF, password throttling, session
 * flooding, every route under every kind of session, and the flows' answers (coded, bilingual, no
 * record ids). Keys are signed in Node with the demo keys, as the page's software token does.
 */
import { createPrivateKey, randomBytes, sign } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain-JS example modules have no declarations
import { startPortals } from './src/start.mjs';

interface DemoKey { label: string; certificate: string; privateKey: string }
interface Running {
  portals: { origin: string; app: { portalRoutes: string[] } }[];
  demo: { keys: DemoKey[] };
  stop(): Promise<void>;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

function first<T>(list: readonly T[]): T {
  const [item] = list;
  if (item === undefined) throw new Error('empty list');
  return item;
}
const key = (list: readonly DemoKey[], i: number): DemoKey => first(list.slice(i));

async function start(cities: 1 | 2 = 1): Promise<Running> {
  return startPortals({ dataDir: mkdtempSync(join(tmpdir(), 'portal-api-')), port: 0, cities, logLevel: 'silent' });
}

/** A browser tab: its cookie jar, the page's CSRF token, and its Origin. */
function browser(origin: string) {
  const jar = new Map<string, string>();
  let csrf = '';
  const call = async (method: string, path: string, payload?: unknown, extra: { origin?: string | null; type?: string; csrf?: string | null; raw?: string } = {}) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (jar.size > 0) headers['cookie'] = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (method !== 'GET') {
      const o = extra.origin === undefined ? origin : extra.origin;
      if (o !== null) headers['origin'] = o;
      headers['content-type'] = extra.type ?? 'application/json';
      const token = extra.csrf === undefined ? csrf : extra.csrf;
      if (token !== null) headers['x-csrf-token'] = token;
    }
    const res = await fetch(origin + path, { method, headers, ...(method !== 'GET' && { body: extra.raw ?? JSON.stringify(payload ?? {}) }) });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      if (value === '' || attrs.some((a) => /expires=Thu, 01 Jan 1970/i.test(a))) jar.delete(name);
      else jar.set(name, value);
    }
    const text = await res.text();
    let body: Record<string, any> = {};
    try {
      body = JSON.parse(text);
    } catch {
      body = { text };
    }
    if (typeof body['csrf'] === 'string') csrf = body['csrf'];
    return { status: res.status, body, headers: res.headers, text };
  };
  return Object.defineProperties(Object.assign(call, { jar, open: () => call('GET', '/api/session') }), { csrf: { get: () => csrf } }) as typeof call & { jar: Map<string, string>; open: () => ReturnType<typeof call>; readonly csrf: string };
}
type Tab = ReturnType<typeof browser>;

/** What the page does with a key: a challenge, the exact text signed, the token. */
async function signed(tab: Tab, key: DemoKey, purpose: 'login' | 'bind') {
  const { body } = await tab('POST', '/api/challenge', { purpose });
  expect(body['text'], JSON.stringify(body)).toMatch(/^yizheng:1\|/);
  const der = key.certificate.replace(/-----[A-Z ]+-----|\s/g, '');
  const signature = sign('sha256', Buffer.from(body['text'] as string), createPrivateKey(key.privateKey)).toString('base64');
  return { format: 'yizheng:1', certificate: der, signature };
}

async function passwordLogin(tab: Tab, account = '厦门帝网信息科技有限公司', password = '11111111') {
  await tab.open();
  return tab('POST', '/api/login/password', { account, password });
}

async function caLogin(tab: Tab, key: DemoKey) {
  await tab.open();
  return tab('POST', '/api/login/certificate', { token: await signed(tab, key, 'login') });
}

describe('the portal over HTTP', () => {
  let run: Running;
  let origin: string;
  let keys: DemoKey[];
  beforeAll(async () => {
    run = await start();
    origin = first(run.portals).origin;
    keys = run.demo.keys;
  });
  afterAll(() => run?.stop());

  it('serves pages with a CSP, a 404 page and coded JSON errors for unknown API paths', async () => {
    const tab = browser(origin);
    const home = await tab('GET', '/login');
    expect(home.status).toBe(200);
    const csp = home.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self' 'sha256-");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(home.headers.get('x-frame-options')).toBe('DENY');
    const missing = await tab('GET', '/no-such-page');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('text/html');
    const api = await tab('GET', '/api/no-such-thing');
    expect(api.status).toBe(404);
    expect(api.body['error']).toMatchObject({ code: 'PORTAL_NOT_FOUND', message: { 'zh-CN': '页面不存在。', en: 'No such page.' } });
    // No directory traversal into the package folders.
    expect((await tab('GET', '/vendor/core/..%2f..%2fpackage.json')).status).toBe(404);
    expect((await tab('GET', '/assets/../src/app.mjs')).status).toBe(404);
  });

  it('refuses state changes from another origin, without Origin, as text/plain or without the CSRF token', async () => {
    const tab = browser(origin);
    await tab.open();
    const login = { account: '厦门帝网信息科技有限公司', password: '11111111' };
    const attempts = [
      { origin: 'http://evil.example' },
      { origin: null },
      { type: 'text/plain', raw: JSON.stringify(login) },
      { csrf: null },
      { csrf: 'A'.repeat(43) },
    ];
    for (const extra of attempts) {
      const res = await tab('POST', '/api/login/password', login, extra);
      expect(res.status, JSON.stringify(extra)).toBe(403);
      expect(res.body['error']['code']).toBe('PORTAL_REQUEST_REJECTED');
      expect(res.body['error']['message']['zh-CN']).toMatch(/请求来源校验失败/);
    }
    expect((await tab('GET', '/api/session')).body['session']).toBeNull();
    // A token from before the login is dead after it (the pre cookie and token rotate).
    const before = tab.csrf;
    expect((await tab('POST', '/api/login/password', login)).status).toBe(200);
    expect(tab.csrf).not.toBe(before);
    const stale = await tab('POST', '/api/logout', {}, { csrf: before });
    expect(stale.status).toBe(403);
    expect((await tab('GET', '/api/session')).body['session']).not.toBeNull();
  });

  it('creates no session for anonymous requests, so a flood logs nobody out', async () => {
    const user = browser(origin);
    expect((await passwordLogin(user)).status).toBe(200);
    const sid = user.jar.get('yz_fujian_sid');
    expect(sid).toMatch(/^[\w-]{43}$/);
    for (let i = 0; i < 40; i++) {
      await Promise.all(Array.from({ length: 50 }, async () => {
        const res = await fetch(`${origin}/api/session`);
        expect(res.headers.getSetCookie().some((c) => c.startsWith('yz_fujian_sid='))).toBe(false);
      }));
    }
    const me = await user('GET', '/api/session');
    expect(me.body['session']['account']['id']).toBe('dimeng');
  });

  it('gives a new session id at every login and forgets the old one', async () => {
    const tab = browser(origin);
    await passwordLogin(tab);
    const first = tab.jar.get('yz_fujian_sid') ?? '';
    await passwordLogin(tab, 'zhangsan');
    const second = tab.jar.get('yz_fujian_sid') ?? '';
    expect(second).not.toBe(first);
    const replay = await fetch(`${origin}/api/session`, { headers: { cookie: `yz_fujian_sid=${first}` } });
    expect(((await replay.json()) as any).session).toBeNull();
  });

  it('lets a password session bind and nothing else, on every route (authorize decides)', async () => {
    const tab = browser(origin);
    await passwordLogin(tab, 'zhangsan');
    const allowed = new Set(['GET /api/session', 'GET /api/cas', 'GET /api/keys', 'POST /api/logout', 'POST /api/login/password', 'POST /api/login/certificate', 'GET /api/accounts', 'POST /api/certificates/preview', 'POST /api/certificates', 'POST /api/challenge']);
    const routes = first(run.portals).app.portalRoutes.filter((r) => r.includes('/api/'));
    expect(routes.length).toBeGreaterThanOrEqual(15);
    for (const route of routes) {
      if (allowed.has(route)) continue;
      const [method, path] = route.split(' ') as [string, string];
      const res = await tab(method, path.replace(':id', '00000000-0000-4000-8000-000000000000'), {});
      expect(res.status, route).toBe(403);
      expect(res.body['error']['code'], route).toBe('PERMISSION_DENIED');
      expect(res.body['error']['message']['zh-CN'], route).toMatch(/.+/);
    }
    expect((await tab('GET', '/api/accounts')).status).toBe(200);
    expect((await tab('POST', '/api/challenge', { purpose: 'bind' })).status).toBe(200);
    expect((await tab('GET', '/api/session')).body['session']['may']).toMatchObject({ 'bind-certificate': true, 'view-own-certificates': false, 'subject-info': false });
  });

  it('answers SIGN_IN_REQUIRED on every member route without a session', async () => {
    const tab = browser(origin);
    await tab.open();
    const open = new Set(['GET /api/session', 'GET /api/cas', 'GET /api/keys', 'POST /api/logout', 'POST /api/login/password', 'POST /api/login/certificate', 'POST /api/challenge']);
    for (const route of first(run.portals).app.portalRoutes.filter((r) => r.includes('/api/') && !open.has(r))) {
      const [method, path] = route.split(' ') as [string, string];
      const res = await tab(method, path.replace(':id', 'x'), {});
      expect(res.status, route).toBe(401);
      expect(res.body['error']['code'], route).toBe('SIGN_IN_REQUIRED');
    }
    const bindChallenge = await tab('POST', '/api/challenge', { purpose: 'bind' });
    expect(bindChallenge.body['error']['code']).toBe('SIGN_IN_REQUIRED');
  });

  it('binds, says where an already-bound certificate is without record ids, and names this portal\'s menu', async () => {
    const admin = browser(origin);
    await passwordLogin(admin);
    const bound = await admin('POST', '/api/certificates', { token: await signed(admin, key(keys, 0), 'bind'), isAdmin: true });
    expect(bound.status, JSON.stringify(bound.body)).toBe(200);
    expect(bound.body['binding']).toMatchObject({ cn: '张三', isAdmin: true, account: { id: 'dimeng' } });
    const again = await admin('POST', '/api/certificates', { token: await signed(admin, key(keys, 0), 'bind') });
    expect(again.status).toBe(409);
    const error = again.body['error'];
    expect(error['code']).toBe('ALREADY_BOUND');
    expect(`${error.message['zh-CN']}${error.remedy['zh-CN']}${error.message.en}${error.remedy.en}`).not.toMatch(UUID);
    expect(error.remedy['zh-CN']).toContain('关联数字证书');
    expect(error.remedy['zh-CN']).not.toContain('CA绑定与解绑');
    // A key nobody bound: NOT_BOUND, with this portal's menu in the remedy.
    const stranger = browser(origin);
    const notBound = await caLogin(stranger, key(keys, 2));
    expect(notBound.body['error']['code']).toBe('NOT_BOUND');
    expect(notBound.body['error']['remedy']['zh-CN']).toContain('【关联数字证书】');
    expect(notBound.body['error']['remedy']['en']).toContain('Linked certificates');
  });

  it('tells an admin binding for another organisation\'s account that it is another organisation', async () => {
    const beijing = browser(origin);
    await passwordLogin(beijing, '91110108551385082Q');
    const res = await beijing('POST', '/api/certificates', { token: await signed(beijing, key(keys, 2), 'bind'), targetAccountId: 'zhangsan' });
    expect(res.status).toBe(403);
    expect(res.body['error']['code']).toBe('BIND_FORBIDDEN');
    expect(res.body['error']['remedy']['zh-CN']).not.toContain('普通用户');
    const unknown = await beijing('POST', '/api/certificates', { token: await signed(beijing, key(keys, 2), 'bind'), targetAccountId: 'nobody' });
    expect(unknown.body['error']['code']).toBe('PORTAL_ACCOUNT_NOT_FOUND');
  });

  it('applies a permission change and an unbind to live certificate sessions at once', async () => {
    const admin = browser(origin);
    await passwordLogin(admin);
    const lisiBinding = await admin('POST', '/api/certificates', { token: await signed(admin, key(keys, 1), 'bind'), targetAccountId: 'lisi' });
    expect(lisiBinding.status, JSON.stringify(lisiBinding.body)).toBe(200);
    const adminCert = browser(origin);
    expect((await caLogin(adminCert, key(keys, 0))).status).toBe(200);
    const lisi = browser(origin);
    const login = await caLogin(lisi, key(keys, 1));
    expect(login.status).toBe(200);
    // 20 days left: the reminder comes with the login.
    expect(login.body['expiry']['state']).toBe('expiring');
    expect(login.body['expiry']['message']['zh-CN']).toMatch(/到期/);
    // Said once: the reminder, not also a CERT_EXPIRING warning with the same words.
    expect(login.body['warnings'].map((w: { code: string }) => w.code)).not.toContain('CERT_EXPIRING');
    expect((await lisi('GET', '/api/subject')).body['error']['code']).toBe('PERMISSION_DENIED');
    const id = lisiBinding.body['binding']['id'];
    const granted = await adminCert('POST', `/api/certificates/${id}/permissions`, { isAdmin: false, permissions: ['subject-info'] });
    expect(granted.status, JSON.stringify(granted.body)).toBe(200);
    expect((await lisi('GET', '/api/subject')).status).toBe(200);
    // Junk permissions are refused, not stored.
    expect((await adminCert('POST', `/api/certificates/${id}/permissions`, { isAdmin: false, permissions: ['root'] })).body['error']['code']).toBe('PORTAL_BAD_REQUEST');
    const removed = await adminCert('POST', `/api/certificates/${id}/unbind`);
    expect(removed.body).toMatchObject({ signedOut: false, removed: { cn: '李四' } });
    const after = await lisi('GET', '/api/certificates');
    expect(after.status).toBe(401);
    expect(after.body['error']['code']).toBe('PORTAL_SESSION_EXPIRED');
    expect((await lisi('GET', '/api/session')).body['session']).toBeNull();
  });

  it('reports bad JSON and oversized bodies with portal codes', async () => {
    const tab = browser(origin);
    await tab.open();
    const bad = await tab('POST', '/api/login/password', undefined, { raw: '{"account":' });
    expect(bad.status).toBe(400);
    expect(bad.body['error']['code']).toBe('PORTAL_BAD_REQUEST');
    const big = await tab('POST', '/api/login/password', { account: 'x'.repeat(70_000), password: 'y' });
    expect(big.status).toBe(413);
    expect(big.body['error']['code']).toBe('PORTAL_BODY_TOO_LARGE');
  });
});

describe('password throttling', () => {
  let run: Running;
  let origin: string;
  beforeAll(async () => {
    run = await start();
    origin = first(run.portals).origin;
  });
  afterAll(() => run?.stop());

  it('locks an account after 5 wrong passwords, the right one included, and says for how long', async () => {
    const tab = browser(origin);
    await tab.open();
    for (let i = 0; i < 5; i++) {
      const res = await tab('POST', '/api/login/password', { account: 'zhangsan', password: 'wrong' });
      expect(res.body['error']['code']).toBe('PORTAL_LOGIN_FAILED');
    }
    // The same account spelled with full-width letters and spaces counts as the same account.
    const locked = await tab('POST', '/api/login/password', { account: ' ｚｈａｎｇｓａｎ ', password: '11111111' });
    expect(locked.status).toBe(429);
    expect(locked.body['error']['code']).toBe('PORTAL_LOGIN_THROTTLED');
    expect(locked.body['error']['message']['zh-CN']).toMatch(/分钟后再试/);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
    // Another account from the same address is not locked by it.
    expect((await tab('POST', '/api/login/password', { account: 'lisi', password: '11111111' })).status).toBe(200);
  });

  it('locks an address after 20 wrong passwords over many accounts', async () => {
    const tab = browser(origin);
    await tab.open();
    let last;
    // 5 failures came from the test before: 15 more make 20.
    for (let i = 0; i < 15; i++) last = await tab('POST', '/api/login/password', { account: `nobody-${i}`, password: 'wrong' });
    expect(last?.body['error']['code']).toBe('PORTAL_LOGIN_FAILED');
    const blocked = await tab('POST', '/api/login/password', { account: '北京示例科技有限公司', password: '11111111' });
    expect(blocked.status).toBe(429);
    expect(blocked.body['error']['code']).toBe('PORTAL_LOGIN_THROTTLED');
  });

  it('limits challenges per address', async () => {
    const tab = browser(origin);
    await tab.open();
    const answers = [];
    for (let i = 0; i < 32; i++) answers.push((await tab('POST', '/api/challenge', { purpose: 'login' })).status);
    expect(answers.filter((s) => s === 200)).toHaveLength(30);
    const last = await tab('POST', '/api/challenge', { purpose: 'login' });
    expect(last.body['error']['code']).toBe('PORTAL_TOO_MANY_REQUESTS');
  });
});

/** PostgreSQL for the two portals when a server answers (always under CI), as `pnpm demo:cities` runs them. */
async function postgresUrl(): Promise<string | undefined> {
  const file = join(fileURLToPath(new URL('../..', import.meta.url)), '.tools', 'pg', 'url');
  const url = process.env['DATABASE_URL'] || (existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);
  if (url === undefined) return undefined;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return url;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('一证通用: the city platform', () => {
  let run: Running;
  let schema: string | undefined;
  let databaseUrl: string | undefined;
  beforeAll(async () => {
    databaseUrl = await postgresUrl();
    if (databaseUrl === undefined && process.env['CI'] === 'true') throw new Error('CI=true: the two portals run on PostgreSQL: run bash scripts/postgres.sh');
    if (databaseUrl === undefined) console.warn('[portal] no PostgreSQL: the two portals share a SQLite file instead');
    schema = databaseUrl === undefined ? undefined : `portal_${randomBytes(6).toString('hex')}`;
    run = await startPortals({
      dataDir: mkdtempSync(join(tmpdir(), 'portal-cities-')), port: 0, cities: 2, logLevel: 'silent',
      ...(databaseUrl !== undefined && { store: 'postgres', databaseUrl, schema }),
    });
  });
  afterAll(async () => {
    await run?.stop();
    if (schema !== undefined && databaseUrl !== undefined) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  });

  it('logs in with a province binding once the subject is registered, without binding again', async () => {
    const province = first(run.portals);
    const city = first(run.portals.slice(1));
    const keys = run.demo.keys;
    const admin = browser(province.origin);
    await passwordLogin(admin);
    expect((await admin('POST', '/api/certificates', { token: await signed(admin, key(keys, 0), 'bind'), isAdmin: true })).status).toBe(200);

    const atCity = browser(city.origin);
    await atCity.open();
    expect((await atCity('POST', '/api/login/password', { account: 'zhangsan', password: '11111111' })).body['error']['code']).toBe('PORTAL_NOT_FOUND');
    const early = await caLogin(atCity, key(keys, 0));
    expect(early.status).toBe(403);
    expect(early.body['error']['code']).toBe('PORTAL_SUBJECT_NOT_REGISTERED');
    expect(early.body['error']['remedy']['zh-CN']).toContain('主体信息登记');

    const cert = browser(province.origin);
    await caLogin(cert, key(keys, 0));
    const badPhone = await cert('POST', '/api/subject', { legalRepresentative: '陈一', contactName: '张三', contactPhone: 'call me', address: '厦门市思明区' });
    expect(badPhone.body['error']).toMatchObject({ code: 'PORTAL_FIELD_INVALID', message: { 'zh-CN': expect.stringContaining('联系电话') } });
    expect((await cert('POST', '/api/subject', { legalRepresentative: '陈一', contactName: '张三', contactPhone: '0592-1234567', address: '厦门市思明区' })).status).toBe(200);

    const later = await caLogin(atCity, key(keys, 0));
    expect(later.status, JSON.stringify(later.body)).toBe(200);
    expect(later.body['session']['account']['id']).toBe('dimeng');
    // The session cookies of the two portals (same host, other port) do not mix.
    expect(atCity.jar.has('yz_xiamen_sid')).toBe(true);
    expect(atCity.jar.has('yz_fujian_sid')).toBe(false);
  });
});
