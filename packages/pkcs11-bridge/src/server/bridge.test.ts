/**
 * The loopback bridge's security rules, each with a test, over the fake PKCS#11 module and a real
 * WebSocket server on 127.0.0.1 / ::1.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { verifySignature } from '@yizheng/core/crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createPkcs11Module, type Pkcs11Module } from '../pkcs11/module';
import { CKF_USER_PIN_COUNT_LOW, CKF_USER_PIN_FINAL_TRY, CKF_USER_PIN_TO_BE_CHANGED } from '../pin-state';
import { CKF_PROTECTED_AUTHENTICATION_PATH } from '../pkcs11/constants';
import type { FakePkcs11 } from '../testing/fake-pkcs11';
import { FAKE_PIN, FAKE_SERIAL, fakeTokenSet } from '../testing/fake-tokens';
import { asClient, connect, type Refusal, type TestClient } from '../testing/ws-client';
import type { ApprovalRequest, PinRequest } from './approval';
import { startBridge, type BridgeLimits, type BridgeOptions, type RunningBridge } from './bridge';

const set = fakeTokenSet();
const SITE = 'https://bid.example.gov.cn';
const OTHER = 'https://other.example.com';

const running: { bridge: RunningBridge; module: Pkcs11Module }[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.bridge.close();
    await r.module.close();
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
const loginCalls = (h: Harness): number => h.fake.calls.filter((x) => x === 'C_Login').length;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !done(); i++) await sleep(5);
  if (!done()) throw new Error('timed out waiting');
}

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

  it('takes http only from a loopback host (a local portal or test page), https from anywhere', async () => {
    const h = await harness({ allowedOrigins: [SITE, 'http://localhost:8080'] });
    for (const origin of ['http://bid.example.gov.cn', 'http://127.0.0.2:8080', 'http://localhost.example.com', 'http://192.168.1.10', 'http://[::2]']) {
      expect((await h.refused(origin)).status, origin).toBe(403);
    }
    for (const origin of ['http://localhost:8080', 'http://127.0.0.1:3000', 'http://[::1]:5173', 'http://localhost', OTHER]) {
      const c = await h.client(origin);
      expect((await c.call('hello')).result, origin).toMatchObject({ origin });
      c.close();
    }
    expect(h.bridge.isApproved('http://localhost:8080')).toBe(true);
    await expect(startBridge({ module: createPkcs11Module(set.module()), port: 0, allowedOrigins: ['http://bid.example.gov.cn'] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
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
    expect((await c.call('hello')).result).toEqual({ bridge: 'yizheng-bridge', protocol: 1, origin: OTHER, approved: false, pinEntry: 'page' });
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

  it('caps a ciphertext to decrypt at 1024 bytes, counted after base64 (1368 characters unpadded are 1026 bytes)', async () => {
    const h = await harness();
    const c = await h.client(SITE);
    const decrypt = async (ciphertext: string): Promise<string | undefined> => (await c.call('decrypt', { certId: set.ids.rsa, ciphertext })).error?.code;
    // Within the cap: refused only for want of a login.
    expect(await decrypt(`${'A'.repeat(1364)}AA==`)).toBe('TOKEN_LOGIN_REQUIRED'); // 1024 bytes
    // Over it: refused as malformed, before anything else.
    expect(await decrypt(`${'A'.repeat(1364)}AAA=`)).toBe('CLIENT_PROTOCOL_ERROR'); // 1025 bytes
    expect(await decrypt('A'.repeat(1368))).toBe('CLIENT_PROTOCOL_ERROR'); // 1026 bytes
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
    // B waits until A's login is over: it cannot end it.
    expect((await b.call('login', { certId: set.ids.rsa, pin: FAKE_PIN })).error?.code).toBe('BRIDGE_RATE_LIMITED');
    expect((await a.call('sign', { certId: set.ids.rsa, text: challenge(SITE) })).result).toBeDefined();
    expect((await b.call('login', { certId: set.ids.rsa, pin: FAKE_PIN })).result).toBeNull();
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
    const h = await harness({ fake: { maxTries: 10 }, trustFinalTryFlag: true, pinPrompter: async () => FAKE_PIN });
    const c = await h.client(SITE);
    const wrong = await c.call('login', { certId: set.ids.rsa, pin: '000000' });
    expect(wrong.error).toMatchObject({ code: 'PIN_INCORRECT', details: { source: 'flags', remaining: null, retriesZh: '剩余尝试次数未知。' } });
    expect((await c.call('login', { certId: set.ids.rsa, pin: FAKE_PIN })).error).toMatchObject({ code: 'BRIDGE_RATE_LIMITED', details: { retryAfterSeconds: 3 } });
    expect((await c.call('changePin', { certId: set.ids.rsa, oldPin: '000000', newPin: '80461357' })).error?.code).toBe('BRIDGE_RATE_LIMITED');
    h.clock.t += 3000;
    expect((await c.call('login', { certId: set.ids.rsa, pin: '000001' })).error?.code).toBe('PIN_INCORRECT');
    expect((await c.call('login', { certId: set.ids.rsa, pin: FAKE_PIN })).error).toMatchObject({ details: { retryAfterSeconds: 6 } });
    expect(h.fake.calls.filter((x) => x === 'C_Login')).toHaveLength(2);
    h.clock.t += 6000;
    // Two wrong PINs in a row: the third try is typed in the bridge's window, not taken from the page.
    expect((await c.call('login', { certId: set.ids.rsa, pin: '000002' })).result).toBeNull();
    expect(h.logs.filter((l) => l.includes('pin-asked'))).toHaveLength(1);
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

describe('one PIN operation per token, whichever page asks', () => {
  const SITES = ['https://a.example.com', 'https://b.example.com', 'https://c.example.com'];
  const wrong = (i: number): Record<string, unknown> => ({ certId: set.ids.rsa, pin: `0000${String(i).padStart(2, '0')}` });

  it('lets one of many wrong PINs sent at once reach the token: on one connection, and from every origin', async () => {
    // FINAL_TRY trusted, so that a second wrong PIN from a page may reach the token at all.
    const h = await harness({ allowedOrigins: [SITE, ...SITES], fake: { maxTries: 6 }, trustFinalTryFlag: true });
    const one = await h.client(SITE);
    // Sent together, they arrive in one read: before, all 8 reached C_Login and locked the key.
    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => one.call('login', wrong(i))));
    expect(burst.map((a) => a.error?.code).sort()).toEqual(['BRIDGE_RATE_LIMITED', 'BRIDGE_RATE_LIMITED', 'BRIDGE_RATE_LIMITED', 'BRIDGE_RATE_LIMITED', 'BRIDGE_RATE_LIMITED', 'BRIDGE_RATE_LIMITED', 'BRIDGE_RATE_LIMITED', 'PIN_INCORRECT']);
    expect(loginCalls(h)).toBe(1);
    h.clock.t += 3000;
    const many = await Promise.all([SITE, ...SITES, SITE, SITE, ...SITES].map((o) => h.client(o)));
    const answers = await Promise.all(many.map((c, i) => c.call('login', wrong(i))));
    expect(answers.filter((a) => a.error?.code === 'PIN_INCORRECT')).toHaveLength(1);
    expect(answers.filter((a) => a.error?.code === 'BRIDGE_RATE_LIMITED')).toHaveLength(many.length - 1);
    expect(loginCalls(h)).toBe(2);
  });

  it('never locks the key, however many wrong PINs pages send: after one, a page PIN is refused (PIN_FINAL_TRY)', async () => {
    for (const [trustFinalTryFlag, reached] of [
      [false, 1], // the bridge cannot tell the second try is not the last
      [true, 2], // FINAL_TRY trusted: still never a third page PIN after two wrong ones in a row
    ] as const) {
      const h = await harness({ allowedOrigins: [SITE, ...SITES], fake: { maxTries: 6 }, trustFinalTryFlag });
      const clients = await Promise.all([SITE, ...SITES].map((o) => h.client(o)));
      for (let round = 0; round < 10; round++) {
        await Promise.all(clients.flatMap((c, i) => [c.call('login', wrong(2 * i)), c.call('changePin', { ...wrong(2 * i + 1), oldPin: '000000', newPin: '80461357' })]));
        h.clock.t += 61_000; // past the longest wait
      }
      expect(loginCalls(h) + h.fake.calls.filter((x) => x === 'C_SetPIN').length, `trust ${trustFinalTryFlag}`).toBe(reached);
      expect(h.fake.isLocked(FAKE_SERIAL)).toBe(false);
      expect((await clients[0]?.call('login', { certId: set.ids.rsa, pin: FAKE_PIN }))?.error).toMatchObject({ code: 'PIN_FINAL_TRY', details: { remaining: null, reason: 'tries-unknown' } });
    }
  });

  it("refuses a second PIN operation on the token while one is under way (here: the bridge's window is asking)", async () => {
    let answer: (pin: string | null) => void = () => undefined;
    const asked: PinRequest[] = [];
    const h = await harness({
      allowedOrigins: [SITE, OTHER],
      pinEntry: 'helper',
      pinPrompter: (r) => {
        asked.push(r);
        return new Promise((resolve) => (answer = resolve));
      },
    });
    const a = await h.client(SITE);
    const b = await h.client(OTHER);
    const pending = a.call('login', { certId: set.ids.rsa });
    await until(() => asked.length === 1);
    // Another certificate of the same token, another origin, another connection: still one at a time.
    expect((await b.call('login', { certId: set.ids.ecSigning })).error).toMatchObject({ code: 'BRIDGE_RATE_LIMITED', details: { retryAfterSeconds: 1 } });
    expect((await b.call('changePin', { certId: set.ids.rsa })).error?.code).toBe('BRIDGE_RATE_LIMITED');
    expect((await a.call('login', { certId: set.ids.rsa })).error?.code).toBe('BRIDGE_RATE_LIMITED');
    answer(FAKE_PIN);
    expect((await pending).result).toBeNull();
    expect([loginCalls(h), asked.length]).toEqual([1, 1]);
  });
});

describe('certificate ids: one spelling per token, limits keyed on the token', () => {
  /** Spellings of FAKE0001/01 that decodeURIComponent reads as the same token. */
  const ALIASES = [
    '%46AKE0001/01',
    'F%41KE0001/01',
    'FA%4BE0001/01',
    'FA%4bE0001/01',
    'FAK%450001/01',
    'FAKE%30001/01',
    'FAKE0%3001/01',
    'FAKE00%301/01',
    'FAKE000%31/01',
    '%46%41%4B%45%30%30%30%31/01',
  ];

  it('refuses every other spelling of a certificate id (CERT_NOT_FOUND), before anything reaches the token', async () => {
    const h = await harness({ limits: { messageBurst: 100 } });
    const c = await h.client(SITE);
    for (const certId of [...ALIASES, '%E0%A4%A/01', 'FAKE0001%/01']) {
      for (const method of ['login', 'getPinStatus', 'changePin', 'sign', 'logout']) {
        const answer = await c.call(method, { certId, pin: '000000', oldPin: '000000', newPin: '80461357', text: challenge() });
        expect(answer.error?.code, `${method} ${certId}`).toBe('CERT_NOT_FOUND');
      }
    }
    expect(h.fake.calls).not.toContain('C_Login');
    expect(h.fake.calls).not.toContain('C_SetPIN');
    expect((await c.call('getPinStatus', { certId: set.ids.rsa })).result).toMatchObject({ locked: false });
  });

  it('six wrong PINs at once under six spellings of the serial: one reaches the token, which is not locked', async () => {
    const h = await harness({ fake: { maxTries: 6 } });
    const c = await h.client(SITE);
    for (const [i, certId] of [set.ids.rsa, ...ALIASES.slice(0, 5)].entries()) await c.call('login', { certId, pin: `00000${i}` });
    expect(loginCalls(h)).toBe(1);
    expect(h.fake.isLocked(FAKE_SERIAL)).toBe(false);
    expect(h.fake.triesUsed(FAKE_SERIAL)).toBe(1);
  });

  it('ten logins at once under ten spellings: one reaches the token', async () => {
    const h = await harness({ allowedOrigins: [SITE, OTHER], fake: { maxTries: 10 } });
    const clients = await Promise.all([SITE, OTHER].map((o) => h.client(o)));
    const spellings = [set.ids.rsa, ...ALIASES.slice(0, 9)];
    const answers = await Promise.all(spellings.map((certId, i) => clients[i % 2]?.call('login', { certId, pin: `0000${String(i).padStart(2, '0')}` })));
    expect(loginCalls(h)).toBe(1);
    expect(answers.map((a) => a?.error?.code).filter((code) => code !== 'CERT_NOT_FOUND' && code !== 'BRIDGE_RATE_LIMITED')).toEqual(['PIN_INCORRECT']);
  });

  it("keys the wait and the one-at-a-time lock on the token, whichever certificate of it is named", async () => {
    const h = await harness({ fake: { maxTries: 10 } });
    const c = await h.client(SITE);
    expect((await c.call('login', { certId: set.ids.rsa, pin: '000000' })).error?.code).toBe('PIN_INCORRECT');
    for (const certId of [set.ids.ecSigning, set.ids.sm2, set.ids.ecEncryption]) {
      expect((await c.call('login', { certId, pin: FAKE_PIN })).error?.code, certId).toBe('BRIDGE_RATE_LIMITED');
    }
    expect(loginCalls(h)).toBe(1);
  });
});

describe('tries the token cannot vouch for (no FINAL_TRY): the bridge counts wrong PINs itself', () => {
  it('a token that only raises COUNT_LOW (as SoftHSM2) or nothing: a patient page never locks it', async () => {
    for (const pinFlags of ['count-low', 'none'] as const) {
      const h = await harness({ fake: { maxTries: 3, pinFlags } });
      const c = await h.client(SITE);
      for (let round = 0; round < 10; round++) {
        await c.call('login', { certId: set.ids.rsa, pin: `00000${round}` });
        h.clock.t += 61_000; // past the longest wait
      }
      expect([loginCalls(h), h.fake.isLocked(FAKE_SERIAL)], pinFlags).toEqual([1, false]);
      // Without the bridge's window (--no-prompt) the page is told to use the window or the CA's tool.
      expect((await c.call('login', { certId: set.ids.rsa, pin: FAKE_PIN })).error, pinFlags).toMatchObject({ code: 'PIN_FINAL_TRY', details: { remaining: null } });
      h.clock.t += 1000;
      expect((await c.call('changePin', { certId: set.ids.rsa, oldPin: FAKE_PIN, newPin: '80461357' })).error?.code, pinFlags).toBe('PIN_FINAL_TRY');
      expect(h.fake.calls).not.toContain('C_SetPIN');
    }
  });

  it("after a wrong PIN asks in the bridge's window, saying the try may be the last; a right PIN there gives the page its PIN back", async () => {
    const asked: PinRequest[] = [];
    let typed: string | null = FAKE_PIN;
    const h = await harness({
      fake: { maxTries: 3, pinFlags: 'count-low' },
      pinPrompter: async (r) => {
        asked.push(r);
        return typed;
      },
    });
    const c = await h.client(SITE);
    expect((await c.call('login', { certId: set.ids.rsa, pin: '000000' })).error?.code).toBe('PIN_INCORRECT');
    expect(asked).toHaveLength(0);
    h.clock.t += 3000;
    typed = '000001';
    expect((await c.call('login', { certId: set.ids.rsa, pin: FAKE_PIN })).error?.code).toBe('PIN_INCORRECT'); // the typed one was used, not the page's
    expect(asked.map((r) => [r.ask, r.finalTry, r.mayBeFinalTry, r.wrongPins])).toEqual([['login', false, true, 1]]);
    h.clock.t += 6000;
    typed = FAKE_PIN;
    expect((await c.call('login', { certId: set.ids.rsa, pin: '000002' })).result).toBeNull();
    expect(asked.map((r) => r.wrongPins)).toEqual([1, 2]);
    expect([loginCalls(h), h.fake.isLocked(FAKE_SERIAL)]).toEqual([3, false]);
    expect((await c.call('sign', { certId: set.ids.rsa, text: challenge() })).result).toBeDefined();
    // Counted back to zero by the right PIN: the page's PIN is used again.
    h.clock.t += 1000;
    expect((await c.call('login', { certId: set.ids.rsa, pin: FAKE_PIN })).result).toBeNull();
    expect(asked).toHaveLength(2);
  });

  it('a COUNT_LOW flag the bridge did not cause (wrong PINs typed elsewhere, how many unknown) keeps the page PIN out', async () => {
    const h = await harness({ fake: { pinFlags: 'count-low', flags: CKF_USER_PIN_COUNT_LOW } });
    const c = await h.client(SITE);
    expect((await c.call('login', { certId: set.ids.rsa, pin: FAKE_PIN })).error).toMatchObject({ code: 'PIN_FINAL_TRY', details: { remaining: null } });
    expect(loginCalls(h)).toBe(0);
  });

  it('trustFinalTryFlag: one more page PIN after a wrong one while the token shows COUNT_LOW, never after two, nor when it shows no flags', async () => {
    const h = await harness({ fake: { maxTries: 3, pinFlags: 'count-low' }, trustFinalTryFlag: true });
    const c = await h.client(SITE);
    for (let round = 0; round < 5; round++) {
      await c.call('login', { certId: set.ids.rsa, pin: `00000${round}` });
      h.clock.t += 61_000;
    }
    expect([loginCalls(h), h.fake.isLocked(FAKE_SERIAL)]).toEqual([2, false]);
    const none = await harness({ fake: { maxTries: 2, pinFlags: 'none' }, trustFinalTryFlag: true });
    const d = await none.client(SITE);
    for (let round = 0; round < 5; round++) {
      await d.call('login', { certId: set.ids.rsa, pin: `00000${round}` });
      none.clock.t += 61_000;
    }
    expect([loginCalls(none), none.fake.isLocked(FAKE_SERIAL)]).toEqual([1, false]);
  });
});

describe("a login belongs to its connection: no other page's PIN ends it", () => {
  it('a wrong PIN from another origin neither reaches the token nor ends the login; the holder signs', async () => {
    const h = await harness({ allowedOrigins: [SITE, OTHER] });
    const a = await h.client(SITE);
    const b = await h.client(OTHER);
    expect((await a.call('login', { certId: set.ids.rsa, pin: FAKE_PIN })).result).toBeNull();
    expect((await b.call('login', { certId: set.ids.ecSigning, pin: '000000' })).error).toMatchObject({ code: 'BRIDGE_RATE_LIMITED' });
    expect((await b.call('changePin', { certId: set.ids.rsa, oldPin: '000000', newPin: '80461357' })).error?.code).toBe('BRIDGE_RATE_LIMITED');
    expect(loginCalls(h)).toBe(1);
    expect(h.fake.calls).not.toContain('C_SetPIN');
    const text = challenge();
    const sig = (await a.call('sign', { certId: set.ids.rsa, text })).result as { signature: string };
    expect(verifySignature({ certificate: set.rsa.der, data: text, signature: sig.signature })).toBe(true);
    // Signed: the token is free again.
    expect((await b.call('login', { certId: set.ids.ecSigning, pin: '000000' })).error?.code).toBe('PIN_INCORRECT');
  });

  it('frees the token when the holder logs out, goes away or waits too long', async () => {
    const h = await harness({ allowedOrigins: [SITE, OTHER], limits: { loginTtlMs: 60 } });
    const b = await h.client(OTHER);
    const a = await h.client(SITE);
    await a.call('login', { certId: set.ids.rsa, pin: FAKE_PIN });
    await a.call('logout', { certId: set.ids.rsa });
    expect((await b.call('login', { certId: set.ids.rsa, pin: FAKE_PIN })).result).toBeNull();
    await sleep(100); // B's login expires
    expect(h.fake.isLoggedIn(FAKE_SERIAL)).toBe(false);
    expect((await a.call('login', { certId: set.ids.rsa, pin: FAKE_PIN })).result).toBeNull();
    a.close();
    await a.closed;
    await until(() => !h.fake.isLoggedIn(FAKE_SERIAL));
    expect((await b.call('login', { certId: set.ids.rsa, pin: FAKE_PIN })).result).toBeNull();
    expect((await b.call('sign', { certId: set.ids.rsa, text: challenge(OTHER) })).result).toBeDefined();
  });
});

describe("the key's last PIN try", () => {
  it("is never spent on a PIN from the page: PIN_FINAL_TRY when nobody can be asked in the bridge's window", async () => {
    const h = await harness({ fake: { maxTries: 2 } });
    const c = await h.client(SITE);
    expect((await c.call('login', { certId: set.ids.rsa, pin: '000000' })).error).toMatchObject({ code: 'PIN_INCORRECT', details: { finalTry: true, remaining: 1 } });
    h.clock.t += 3000;
    expect((await c.call('getPinStatus', { certId: set.ids.rsa })).result).toMatchObject({ finalTry: true, remaining: 1 });
    expect((await c.call('login', { certId: set.ids.rsa, pin: FAKE_PIN })).error?.code).toBe('PIN_FINAL_TRY');
    h.clock.t += 1000;
    expect((await c.call('changePin', { certId: set.ids.rsa, oldPin: FAKE_PIN, newPin: '80461357' })).error?.code).toBe('PIN_FINAL_TRY');
    expect(loginCalls(h)).toBe(1);
    expect(h.fake.calls).not.toContain('C_SetPIN');
  });

  it("is spent only on a PIN the user types in the bridge's window, which names the site", async () => {
    const asked: PinRequest[] = [];
    let typed: string | null = null;
    const h = await harness({
      fake: { flags: CKF_USER_PIN_FINAL_TRY },
      pinPrompter: async (r) => {
        asked.push(r);
        return typed;
      },
    });
    const c = await h.client(SITE);
    expect((await c.call('login', { certId: set.ids.rsa, pin: FAKE_PIN })).error?.code).toBe('USER_CANCELLED'); // the user pressed Enter
    expect(loginCalls(h)).toBe(0);
    h.clock.t += 1000;
    typed = FAKE_PIN;
    expect((await c.call('login', { certId: set.ids.rsa, pin: '000000' })).result).toBeNull(); // the page's PIN is not used
    expect(asked.map((r) => [r.origin, r.certificate, r.token, r.ask, r.finalTry])).toEqual([
      [SITE, '张三 RSA', FAKE_SERIAL, 'login', true],
      [SITE, '张三 RSA', FAKE_SERIAL, 'login', true],
    ]);
    expect(h.fake.flagsOf(FAKE_SERIAL) & CKF_USER_PIN_FINAL_TRY).toBe(0); // a right PIN gives the tries back
    const text = challenge();
    const sig = (await c.call('sign', { certId: set.ids.rsa, text })).result as { signature: string };
    expect(verifySignature({ certificate: set.rsa.der, data: text, signature: sig.signature })).toBe(true);
    expect(h.logs.join('\n')).not.toContain(FAKE_PIN);
  });

  it('may be spent on a PIN pad, also when the page sent a PIN it may not spend', async () => {
    let pad = 0;
    const h = await harness({ fake: { flags: CKF_PROTECTED_AUTHENTICATION_PATH | CKF_USER_PIN_FINAL_TRY, pinPad: () => (pad++, 'ok') } });
    const c = await h.client(SITE);
    expect((await c.call('login', { certId: set.ids.rsa, pin: '000000' })).result).toBeNull(); // the pad, not the page's PIN
    h.fake.setFlags(FAKE_SERIAL, h.fake.flagsOf(FAKE_SERIAL) | CKF_USER_PIN_FINAL_TRY);
    h.clock.t += 1000;
    expect((await c.call('login', { certId: set.ids.rsa })).result).toBeNull();
    expect([loginCalls(h), pad]).toEqual([2, 2]);
  });
});

describe("pinEntry 'helper': PINs are typed in the bridge's window", () => {
  it('refuses PINs from the page and asks in its window instead', async () => {
    const asked: PinRequest[] = [];
    const h = await harness({
      pinEntry: 'helper',
      pinPrompter: async (r) => {
        asked.push(r);
        return FAKE_PIN;
      },
    });
    const c = await h.client(SITE);
    expect((await c.call('hello')).result).toMatchObject({ pinEntry: 'helper' });
    expect((await c.call('login', { certId: set.ids.ecSigning, pin: FAKE_PIN })).error?.code).toBe('CLIENT_PROTOCOL_ERROR');
    expect([asked.length, loginCalls(h)]).toEqual([0, 0]);
    expect((await c.call('login', { certId: set.ids.ecSigning })).result).toBeNull();
    expect(asked[0]).toMatchObject({ origin: SITE, certificate: '李四 签名', token: FAKE_SERIAL, ask: 'login', finalTry: false });
    const text = challenge();
    const sig = (await c.call('sign', { certId: set.ids.ecSigning, text })).result as { signature: string };
    expect(verifySignature({ certificate: set.ecSigning.der, data: text, signature: sig.signature })).toBe(true);
  });

  it('changes the PIN with the three answers typed in its window', async () => {
    const asked: string[] = [];
    let answers = ['1234', '80461357', '80461357'];
    const h = await harness({
      pinEntry: 'helper',
      fake: { pin: '1234', flags: CKF_USER_PIN_TO_BE_CHANGED },
      pinPrompter: async (r) => {
        asked.push(r.ask);
        return answers.shift() ?? null;
      },
    });
    const c = await h.client(SITE);
    expect((await c.call('changePin', { certId: set.ids.rsa, oldPin: '1234', newPin: '80461357' })).error?.code).toBe('CLIENT_PROTOCOL_ERROR');
    expect((await c.call('changePin', { certId: set.ids.rsa })).result).toBeNull();
    expect(asked).toEqual(['old-pin', 'new-pin', 'repeat-new-pin']);
    expect(h.fake.pinOf(FAKE_SERIAL)).toBe('80461357');
    h.clock.t += 1000;
    answers = ['80461357', '13572468', '13572460'];
    expect((await c.call('changePin', { certId: set.ids.rsa })).error).toMatchObject({ code: 'PIN_REJECTED', details: { reason: 'the two new PINs differ' } });
    expect(h.fake.pinOf(FAKE_SERIAL)).toBe('80461357');
  });

  it('needs a prompter, and stops asking when the page goes away', async () => {
    await expect(startBridge({ module: createPkcs11Module(set.module()), port: 0, pinEntry: 'helper' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const signals: AbortSignal[] = [];
    const h = await harness({
      pinEntry: 'helper',
      pinPrompter: (r) => {
        signals.push(r.signal);
        return new Promise<string | null>(() => undefined);
      },
    });
    const c = await h.client(SITE);
    void c.call('login', { certId: set.ids.rsa });
    await until(() => signals.length === 1);
    c.close();
    await until(() => signals[0]?.aborted === true);
    h.clock.t += 1000;
    const d = await h.client(SITE);
    void d.call('login', { certId: set.ids.rsa });
    await until(() => signals.length === 2); // the token is free again
    expect(loginCalls(h)).toBe(0);
  });
});

describe('a key with a PIN pad', () => {
  it('logs in without a PIN from the page (the user types it on the reader), and the list says so', async () => {
    let pad: 'ok' | 'cancel' = 'cancel';
    const h = await harness({ fake: { flags: CKF_PROTECTED_AUTHENTICATION_PATH, pinPad: () => pad } });
    const c = await h.client(SITE);
    const list = (await c.call('listCertificates')).result as { pinPad?: boolean }[];
    expect(list.map((x) => x.pinPad)).toEqual([true, true, true]);
    expect((await c.call('login', { certId: set.ids.rsa })).error?.code).toBe('USER_CANCELLED');
    h.clock.t += 1000;
    pad = 'ok';
    expect((await c.call('login', { certId: set.ids.rsa, pin: null })).result).toBeNull();
    const text = challenge();
    const sig = (await c.call('sign', { certId: set.ids.rsa, text })).result as { signature: string };
    expect(verifySignature({ certificate: set.rsa.der, data: text, signature: sig.signature })).toBe(true);
  });

  it('is needed for a login without a PIN', async () => {
    const h = await harness();
    const c = await h.client(SITE);
    const list = (await c.call('listCertificates')).result as { pinPad?: boolean }[];
    expect(list.map((x) => x.pinPad)).toEqual([undefined, undefined, undefined]);
    expect((await c.call('login', { certId: set.ids.rsa })).error?.code).toBe('PIN_LEN_RANGE');
    expect(loginCalls(h)).toBe(0);
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

  it("closes a connection whose origin is not approved in time, unless it awaits the user's answer", async () => {
    let decide: (ok: boolean) => void = () => undefined;
    const h = await harness({ limits: { unapprovedIdleMs: 50 }, approve: () => new Promise<boolean>((resolve) => (decide = resolve)) });
    const idle = await h.client(OTHER);
    const allowed = await h.client(SITE);
    expect(await idle.closed).toBe(1008);
    expect(h.logs.some((l) => l.includes('not approved in time'))).toBe(true);
    const asking = await h.client('https://third.example.com');
    const answer = asking.call('requestApproval');
    await sleep(120);
    expect(asking.ws.readyState).toBe(asking.ws.OPEN);
    decide(true);
    expect((await answer).result).toEqual({ approved: true });
    await sleep(20);
    expect((await asking.call('listCertificates')).result).toHaveLength(3);
    expect((await allowed.call('hello')).result).toMatchObject({ approved: true });
    const refused = await h.client('https://fourth.example.com');
    const refusal = refused.call('requestApproval');
    await sleep(120);
    decide(false);
    expect((await refusal).error?.code).toBe('ORIGIN_NOT_APPROVED'); // answered, then closed
    expect(await refused.closed).toBe(1008);
  });

  it('keeps places for approved origins: unapproved ones cannot take them all', async () => {
    const h = await harness({ limits: { maxConnections: 5, maxUnapprovedConnections: 2 } });
    await h.client(OTHER);
    await h.client('https://third.example.com');
    expect((await h.refused('https://fourth.example.com')).status).toBe(429);
    expect((await h.refused(OTHER)).status).toBe(429);
    for (let i = 0; i < 3; i++) await h.client(SITE);
    expect((await h.refused(SITE)).status).toBe(429); // all 5 in use
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
    const h = await harness({ fake: { pin: '1234', flags: CKF_USER_PIN_TO_BE_CHANGED }, pinPrompter: async () => '80461357' });
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
