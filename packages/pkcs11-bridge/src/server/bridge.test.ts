/**
 * The loopback bridge's security rules, each with a test, over the fake PKCS#11 module and a real
 * WebSocket server on 127.0.0.1 / ::1.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { verifySignature } from '@yizheng/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createPkcs11Module, type Pkcs11Module } from '../pkcs11/module';
import { CKF_USER_PIN_TO_BE_CHANGED } from '../pin-state';
import type { FakePkcs11 } from '../testing/fake-pkcs11';
import { FAKE_PIN, FAKE_SERIAL, fakeTokenSet } from '../testing/fake-tokens';
import { asClient, connect, type Refusal, type TestClient } from '../testing/ws-client';
import type { ApprovalRequest } from './approval';
import { startBridge, type BridgeLimits, type BridgeOptions, type RunningBridge } from './bridge';

const set = fakeTokenSet();
const SITE = 'https://bid.example.gov.cn';
const OTHER = 'https://other.example.com';

const running: { bridge: RunningBridge; module: Pkcs11Module }[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.bridge.close();
    r.module.close();
  }
});

interface Harness {
  bridge: RunningBridge;
  fake: FakePkcs11;
  logs: string[];
  approvals: ApprovalRequest[];
  clock: { t: number };
  client(origin: string | null, extra?: { host?: string; address?: string; path?: string }): Promise<TestClient>;
  refused(origin: string | null, extra?: { host?: string; address?: string; path?: string }): Promise<Refusal>;
}

async function harness(
  options: Partial<Omit<BridgeOptions, 'limits'>> & { limits?: Partial<BridgeLimits>; approve?: (r: ApprovalRequest) => Promise<boolean> | boolean; fake?: Parameters<typeof set.module>[0] } = {},
): Promise<Harness> {
  const fake = set.module(options.fake);
  const module = createPkcs11Module(fake);
  const logs: string[] = [];
  const approvals: ApprovalRequest[] = [];
  const clock = { t: Date.now() };
  const approve = options.approve;
  const bridge = await startBridge({
    module,
    port: 0,
    allowedOrigins: [SITE],
    pollIntervalMs: 0,
    now: () => clock.t,
    logger: {
      info: (e, f) => logs.push(`info ${e} ${JSON.stringify(f ?? {})}`),
      warn: (e, f) => logs.push(`warn ${e} ${JSON.stringify(f ?? {})}`),
    },
    ...(approve && {
      approver: async (r: ApprovalRequest) => {
        approvals.push(r);
        return approve(r);
      },
    }),
    ...options,
  });
  running.push({ bridge, module });
  return {
    bridge,
    fake,
    logs,
    approvals,
    clock,
    client: async (origin, extra = {}) => asClient(await connect(bridge.port, { origin, ...extra })),
    refused: async (origin, extra = {}) => {
      const r = await connect(bridge.port, { origin, ...extra });
      if (!('status' in r)) throw new Error('the connection was accepted');
      return r;
    },
  };
}

function challenge(origin = SITE, expiresInMs = 300_000, purpose = 'login'): string {
  const nonce = randomBytes(32).toString('base64url');
  return `yizheng:1|${purpose}|${origin}|${nonce}|${new Date(Date.now() + expiresInMs).toISOString()}`;
}

const corsHeaders = (headers: Record<string, unknown>): string[] => Object.keys(headers).filter((h) => h.toLowerCase().startsWith('access-control-'));

describe('where connections may come from', () => {
  it('listens on 127.0.0.1 and ::1 only', async () => {
    const h = await harness();
    expect(h.bridge.addresses).toEqual([`127.0.0.1:${h.bridge.port}`, `[::1]:${h.bridge.port}`]);
    const v6 = await h.client(SITE, { address: '::1', host: `[::1]:${h.bridge.port}` });
    expect((await v6.call('hello')).result).toMatchObject({ approved: true, origin: SITE });
    await expect(startBridge({ module: createPkcs11Module(set.module()), port: 0, hosts: ['0.0.0.0' as '::1'] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('refuses a Host header that is not a loopback name with the port (DNS rebinding)', async () => {
    const h = await harness();
    const port = h.bridge.port;
    for (const host of [`evil.example.com:${port}`, `localhost:${port + 1}`, 'localhost', `127.0.0.2:${port}`, `localhost.evil.com:${port}`]) {
      const r = await h.refused(SITE, { host });
      expect([r.status, JSON.parse(r.body).error.code], host).toEqual([403, 'HOST_NOT_ALLOWED']);
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `LOCALHOST:${port}`]) {
      const c = await h.client(SITE, { host });
      expect((await c.call('hello')).result, host).toMatchObject({ bridge: 'yizheng-bridge' });
      c.close();
    }
  });

  it('refuses connections without a proper Origin, and other paths', async () => {
    const h = await harness();
    expect((await h.refused(null)).status).toBe(403);
    expect((await h.refused('null')).status).toBe(403);
    expect((await h.refused('https://bid.example.gov.cn/path')).status).toBe(403);
    expect((await h.refused('chrome-extension://abcdef')).status).toBe(403);
    expect((await h.refused(SITE, { path: '/other' })).status).toBe(404);
  });

  it('sends no CORS header anywhere', async () => {
    const h = await harness();
    const refusal = await h.refused('https://evil.example.com', { host: 'evil.example.com' });
    expect(corsHeaders(refusal.headers)).toEqual([]);
    for (const method of ['GET', 'OPTIONS', 'POST']) {
      const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: h.bridge.port, path: '/yizheng', method, headers: { Origin: SITE, 'Access-Control-Request-Method': 'POST' } },
          (res) => {
            res.resume();
            resolve(res.headers);
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(corsHeaders(headers), method).toEqual([]);
    }
  });
});

describe('approval per origin', () => {
  it('answers only hello before approval', async () => {
    const h = await harness();
    const c = await h.client(OTHER);
    expect((await c.call('hello')).result).toEqual({ bridge: 'yizheng-bridge', protocol: 1, origin: OTHER, approved: false });
    for (const method of ['listCertificates', 'login', 'sign', 'getPinStatus', 'changePin', 'logout']) {
      expect((await c.call(method, { certId: set.ids.rsa, pin: FAKE_PIN })).error, method).toMatchObject({ code: 'ORIGIN_NOT_APPROVED', details: { origin: OTHER } });
    }
    expect(h.fake.calls).not.toContain('C_Login');
    expect((await c.call('requestApproval')).error?.code).toBe('ORIGIN_NOT_APPROVED'); // no approver: prompting is off
  });

  it('approves with the code the page shows, for that origin only', async () => {
    const h = await harness({ approve: (r) => r.origin === OTHER });
    const c = await h.client(OTHER);
    const answer = await c.call('requestApproval');
    expect(answer.result).toEqual({ approved: true });
    expect(c.events).toEqual([{ event: 'approval', code: h.approvals[0]?.code }]);
    expect(h.approvals[0]?.code).toMatch(/^\d{6}$/);
    expect((await c.call('listCertificates')).result).toHaveLength(3);
    const third = await h.client('https://third.example.com');
    expect((await third.call('listCertificates')).error?.code).toBe('ORIGIN_NOT_APPROVED');
    expect(h.bridge.isApproved('https://third.example.com')).toBe(false);
    expect(h.bridge.isApproved('http://other.example.com')).toBe(false);
  });

  it('refuses a wrong code and makes the origin wait before asking again', async () => {
    const h = await harness({ approve: () => false, limits: { approvalRetryMs: 5000 } });
    const c = await h.client(OTHER);
    expect((await c.call('requestApproval')).error?.code).toBe('ORIGIN_NOT_APPROVED');
    expect((await c.call('requestApproval')).error).toMatchObject({ code: 'BRIDGE_RATE_LIMITED', details: { retryAfterSeconds: 5 } });
    h.clock.t += 6000;
    expect((await c.call('requestApproval')).error?.code).toBe('ORIGIN_NOT_APPROVED');
    expect(h.approvals).toHaveLength(2);
  });

  it('refuses when the user does not answer in time', async () => {
    const h = await harness({ approve: () => new Promise<boolean>(() => undefined), limits: { approvalTimeoutMs: 50 } });
    const c = await h.client(OTHER);
    expect((await c.call('requestApproval')).error?.code).toBe('ORIGIN_NOT_APPROVED');
    expect(h.approvals[0]?.signal.aborted).toBe(true);
  });

  it('allows the configured allow-list without asking, and refuses a wildcard entry', async () => {
    const h = await harness({ approve: () => true });
    const c = await h.client(SITE);
    expect((await c.call('requestApproval')).result).toEqual({ approved: true });
    expect(h.approvals).toHaveLength(0);
    await expect(startBridge({ module: createPkcs11Module(set.module()), port: 0, allowedOrigins: ['*'] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('PIN logins', () => {
  it('signs a challenge after a login, verifiably, then needs the PIN again', async () => {
    const h = await harness();
    const c = await h.client(SITE);
    const list = (await c.call('listCertificates')).result as { id: string; certificate: string; encryptionCertificate?: string; keyId: string }[];
    expect(list.map((x) => x.id)).toEqual([set.ids.rsa, set.ids.ecSigning, set.ids.sm2]);
    expect(list[1]?.encryptionCertificate).toBe(Buffer.from(set.ecEncryption.der).toString('base64'));
    expect(list[0]?.keyId).toBe(FAKE_SERIAL);
    expect((await c.call('login', { certId: set.ids.ecSigning, pin: FAKE_PIN })).result).toBeNull();
    const text = challenge();
    const sig = (await c.call('sign', { certId: set.ids.ecSigning, text })).result as { signature: string; format: 'der' };
    expect(sig.format).toBe('der');
    expect(verifySignature({ certificate: set.ecSigning.der, data: text, signature: sig.signature, format: sig.format })).toBe(true);
    expect(h.fake.isLoggedIn(FAKE_SERIAL)).toBe(false);
    expect((await c.call('sign', { certId: set.ids.ecSigning, text: challenge() })).error?.code).toBe('TOKEN_LOGIN_REQUIRED');
  });

  it('never shares a login across origins (nor connections)', async () => {
    const h = await harness({ approve: () => true });
    const a = await h.client(SITE);
    const b = await h.client(OTHER);
    await b.call('requestApproval');
    await a.call('login', { certId: set.ids.rsa, pin: FAKE_PIN });
    expect(h.fake.isLoggedIn(FAKE_SERIAL)).toBe(true);
    // The token is logged in (PKCS#11 login is per token), but not for B.
    expect((await b.call('sign', { certId: set.ids.rsa, text: challenge(OTHER) })).error?.code).toBe('TOKEN_LOGIN_REQUIRED');
    const a2 = await h.client(SITE);
    expect((await a2.call('sign', { certId: set.ids.rsa, text: challenge(SITE) })).error?.code).toBe('TOKEN_LOGIN_REQUIRED');
    // B's own login ends A's.
    await b.call('login', { certId: set.ids.rsa, pin: FAKE_PIN });
    expect((await a.call('sign', { certId: set.ids.rsa, text: challenge(SITE) })).error?.code).toBe('TOKEN_LOGIN_REQUIRED');
    expect((await b.call('sign', { certId: set.ids.rsa, text: challenge(OTHER) })).result).toBeDefined();
  });

  it('logs out when the page goes away', async () => {
    const h = await harness();
    const c = await h.client(SITE);
    await c.call('login', { certId: set.ids.rsa, pin: FAKE_PIN });
    expect(h.fake.isLoggedIn(FAKE_SERIAL)).toBe(true);
    c.close();
    await c.closed;
    await new Promise((r) => setTimeout(r, 50));
    expect(h.fake.isLoggedIn(FAKE_SERIAL)).toBe(false);
  });

  it('ends a login that waits too long for its signature', async () => {
    const h = await harness({ limits: { loginTtlMs: 30 } });
    const c = await h.client(SITE);
    await c.call('login', { certId: set.ids.rsa, pin: FAKE_PIN });
    await new Promise((r) => setTimeout(r, 80));
    expect(h.fake.isLoggedIn(FAKE_SERIAL)).toBe(false);
    expect((await c.call('sign', { certId: set.ids.rsa, text: challenge() })).error?.code).toBe('TOKEN_LOGIN_REQUIRED');
  });

  it('rate-limits PIN attempts: the wait doubles after each wrong PIN, and no try is spent meanwhile', async () => {
    const h = await harness({ fake: { maxTries: 10 } });
    const c = await h.client(SITE);
    const wrong = await c.call('login', { certId: set.ids.rsa, pin: '000000' });
    expect(wrong.error).toMatchObject({ code: 'PIN_INCORRECT', details: { source: 'flags', remaining: null, retriesZh: '剩余尝试次数未知。' } });
    expect((await c.call('login', { certId: set.ids.rsa, pin: FAKE_PIN })).error).toMatchObject({ code: 'BRIDGE_RATE_LIMITED', details: { retryAfterSeconds: 3 } });
    expect((await c.call('changePin', { certId: set.ids.rsa, oldPin: '000000', newPin: '80461357' })).error?.code).toBe('BRIDGE_RATE_LIMITED');
    h.clock.t += 3000;
    await c.call('login', { certId: set.ids.rsa, pin: '000001' });
    expect((await c.call('login', { certId: set.ids.rsa, pin: FAKE_PIN })).error).toMatchObject({ details: { retryAfterSeconds: 6 } });
    expect(h.fake.calls.filter((x) => x === 'C_Login')).toHaveLength(2);
    h.clock.t += 6000;
    expect((await c.call('login', { certId: set.ids.rsa, pin: FAKE_PIN })).result).toBeNull();
  });

  it('reports a default PIN so the page asks to change it, and changes it', async () => {
    const h = await harness({ fake: { pin: '1234', flags: CKF_USER_PIN_TO_BE_CHANGED } });
    const c = await h.client(SITE);
    expect((await c.call('getPinStatus', { certId: set.ids.rsa })).result).toEqual({ remaining: null, source: 'unknown', finalTry: false, locked: false, mustChange: true });
    expect((await c.call('login', { certId: set.ids.rsa, pin: '1234' })).error?.code).toBe('PIN_MUST_CHANGE');
    h.clock.t += 1000;
    expect((await c.call('changePin', { certId: set.ids.rsa, oldPin: '1234', newPin: '80461357' })).result).toBeNull();
    h.clock.t += 1000;
    expect((await c.call('login', { certId: set.ids.rsa, pin: '80461357' })).result).toBeNull();
  });
});

describe('what may be signed', () => {
  it('signs only a current challenge for the connection\'s own origin', async () => {
    const h = await harness();
    const c = await h.client(SITE);
    const refused = async (text: unknown): Promise<unknown> => {
      await c.call('login', { certId: set.ids.rsa, pin: FAKE_PIN });
      h.clock.t += 1000;
      return (await c.call('sign', { certId: set.ids.rsa, text })).error;
    };
    const hash = randomBytes(32).toString('base64');
    expect(await refused(hash)).toMatchObject({ code: 'SIGN_TEXT_REFUSED', details: { reason: 'not a Yizheng challenge' } });
    expect(await refused('请确认转账 100000 元')).toMatchObject({ code: 'SIGN_TEXT_REFUSED' });
    expect(await refused(challenge(OTHER))).toMatchObject({ details: { reason: 'issued for another site' } });
    expect(await refused(challenge(`${SITE}.evil.com`))).toMatchObject({ details: { reason: 'issued for another site' } });
    expect(await refused(challenge(SITE, -1000))).toMatchObject({ details: { reason: 'expired' } });
    expect(await refused(challenge(SITE, 3 * 3600_000))).toMatchObject({ details: { reason: 'expiry too far ahead' } });
    expect(await refused(`${challenge()}\n`)).toMatchObject({ code: 'SIGN_TEXT_REFUSED' });
    expect(await refused(challenge(SITE, 300_000, 'transfer'))).toMatchObject({ code: 'SIGN_TEXT_REFUSED' });
    expect(await refused({ text: challenge() })).toMatchObject({ code: 'SIGN_TEXT_REFUSED' });
    expect(h.fake.calls).not.toContain('C_Sign');
    const bind = challenge(SITE, 300_000, 'bind');
    const ok = (await c.call('sign', { certId: set.ids.rsa, text: bind })).result as { signature: string };
    expect(verifySignature({ certificate: set.rsa.der, data: bind, signature: ok.signature })).toBe(true);
  });
});

describe('limits', () => {
  it('closes a connection that sends a message over the size limit', async () => {
    const h = await harness({ limits: { maxMessageBytes: 1024 } });
    const c = await h.client(SITE);
    c.sendRaw(JSON.stringify({ id: 1, method: 'hello', params: { pad: 'x'.repeat(2000) } }));
    expect(await c.closed).toBe(1009);
  });

  it('answers BRIDGE_RATE_LIMITED beyond the message rate, and closes a flood', async () => {
    const h = await harness({ limits: { messagesPerSecond: 1, messageBurst: 5 } });
    const c = await h.client(SITE);
    const answers = await Promise.all(Array.from({ length: 8 }, () => c.call('hello')));
    expect(answers.filter((a) => a.result).length).toBe(5);
    for (let i = 0; i < 60; i++) c.sendRaw('{"id":1,"method":"hello"}');
    expect(await c.closed).toBe(1008);
  });

  it('limits connections per origin', async () => {
    const h = await harness({ limits: { maxConnectionsPerOrigin: 2 } });
    await h.client(SITE);
    await h.client(SITE);
    expect((await h.refused(SITE)).status).toBe(429);
    (await h.client(OTHER)).close();
  });

  it('answers malformed frames with CLIENT_PROTOCOL_ERROR', async () => {
    const h = await harness();
    const c = await h.client(SITE);
    expect((await c.call('frobnicate')).error?.code).toBe('CLIENT_PROTOCOL_ERROR');
    expect((await c.call('__proto__')).error?.code).toBe('CLIENT_PROTOCOL_ERROR');
    expect((await c.call('login', { certId: 5, pin: FAKE_PIN })).error?.code).toBe('CLIENT_PROTOCOL_ERROR');
    expect((await c.call('login', { certId: set.ids.rsa, pin: 'x'.repeat(100) })).error?.code).toBe('PIN_LEN_RANGE');
  });
});

describe('logs', () => {
  it('never contain a PIN, a challenge or a signature', async () => {
    const h = await harness({ fake: { pin: '1234', flags: CKF_USER_PIN_TO_BE_CHANGED } });
    const c = await h.client(SITE);
    const secrets = ['1234', '80461357', '000000'];
    await c.call('changePin', { certId: set.ids.ecSigning, oldPin: '1234', newPin: '80461357' });
    h.clock.t += 1000;
    await c.call('login', { certId: set.ids.ecSigning, pin: '000000' });
    h.clock.t += 4000;
    await c.call('login', { certId: set.ids.ecSigning, pin: '80461357' });
    const text = challenge();
    const sig = (await c.call('sign', { certId: set.ids.ecSigning, text })).result as { signature: string };
    const nonce = text.split('|')[3] ?? 'missing';
    secrets.push(nonce, sig.signature, sig.signature.slice(0, 16), Buffer.from(set.ecSigning.der).toString('base64').slice(0, 40));
    const all = h.logs.join('\n');
    expect(h.logs.some((l) => l.includes('info signed'))).toBe(true);
    expect(h.logs.some((l) => l.includes('pin-changed'))).toBe(true);
    expect(h.logs.some((l) => l.includes('"code":"PIN_INCORRECT"'))).toBe(true);
    for (const secret of secrets) expect(all.includes(secret), secret).toBe(false);
  });
});

describe('token events', () => {
  it('tells approved pages about removal and ends their logins', async () => {
    const h = await harness({ pollIntervalMs: 20 });
    const c = await h.client(SITE);
    await c.call('login', { certId: set.ids.rsa, pin: FAKE_PIN });
    h.fake.remove(FAKE_SERIAL);
    await new Promise((r) => setTimeout(r, 100));
    expect(c.events).toContainEqual({ event: 'token', type: 'removed', keyId: FAKE_SERIAL });
    h.fake.insert(FAKE_SERIAL);
    await new Promise((r) => setTimeout(r, 100));
    expect(c.events).toContainEqual({ event: 'token', type: 'inserted', keyId: FAKE_SERIAL });
    expect((await c.call('sign', { certId: set.ids.rsa, text: challenge() })).error?.code).toBe('TOKEN_LOGIN_REQUIRED');
  });
});
