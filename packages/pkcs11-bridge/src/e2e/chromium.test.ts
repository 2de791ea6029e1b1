/**
 * End to end in a real browser: Debian's Chromium (driven by playwright-core) opens a login page served
 * on a loopback origin; the page gets challenges from a test server using core's issueChallenge, has
 * the SoftHSM token sign them through the `yizheng-bridge` command (the page's origin is on its
 * allow-list), posts the tokens, and the server's bindCertificate and verifyLogin accept them. A page
 * on an origin nobody approved is refused.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { bindCertificate, createCertificateTrust, createProviderRegistry, issueChallenge, isYizhengError, verifyLogin, type YizhengContext } from '@yizheng/core';
import { createMemoryStores } from '@yizheng/core/stores';
import { createTrustStore } from '@yizheng/core/trust';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBridgeCli, type BridgeCliHandle } from '../cli/run';
import { bundleBrowserEntry } from '../testing/bundle';
import { CHROMIUM_ARGS, findChromium } from '../testing/chromium';
import { loadSoftHsm } from '../testing/softhsm';

const hsm = loadSoftHsm();
const browser = findChromium();
const skip = hsm.skip ?? browser.skip;

const PAGE_SCRIPT = `
import { createPkcs11BridgeDriver } from '/driver.js';
const post = async (path, body) => {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
  return res.json();
};
window.yz = {
  async signIn(bridgeUrl, pin, label, purposes) {
    const driver = createPkcs11BridgeDriver({ url: bridgeUrl, onApprovalCode: (code) => { document.body.dataset.code = code; } });
    try {
      const certs = await driver.listCertificates();
      const cert = certs.find((c) => c.label === label);
      if (!cert) return { error: 'no certificate ' + label, labels: certs.map((c) => c.label) };
      const out = { labels: certs.map((c) => c.label) };
      for (const purpose of purposes) {
        const { text } = await post('/challenge', { purpose });
        await driver.login(cert.id, pin);
        const sig = await driver.sign(cert.id, text);
        out[purpose] = await post('/' + purpose, { format: 'yizheng:1', certificate: cert.certificate, signature: sig.signature, signatureFormat: sig.format });
      }
      return out;
    } catch (e) {
      return { error: e.code ?? String(e), message: e.message };
    } finally {
      await driver.close();
    }
  },
};
document.body.dataset.ready = 'yes';
`;

/** A platform's login server on 127.0.0.1: the page, the driver bundle, challenges, bind and login. */
async function platformServer(driverJs: string, context: YizhengContext & { stores: ReturnType<typeof createMemoryStores> }, uscc: string) {
  let origin = '';
  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const readBody = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    return JSON.parse(text || '{}') as Record<string, unknown>;
  };
  const sessionOf = (req: IncomingMessage): string => /(?:^|;\s*)sid=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1] ?? 'none';
  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        if (req.method === 'GET' && req.url === '/') {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'set-cookie': `sid=${randomBytes(16).toString('hex')}; Path=/; HttpOnly; SameSite=Strict` });
          res.end(`<!doctype html><html><head><meta charset="utf-8"><title>登录</title></head><body><script type="module">${PAGE_SCRIPT}</script></body></html>`);
        } else if (req.method === 'GET' && req.url === '/driver.js') {
          res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
          res.end(driverJs);
        } else if (req.method === 'POST' && req.url === '/challenge') {
          const { purpose } = await readBody(req);
          const c = await issueChallenge({ sessionId: sessionOf(req), origin, purpose: purpose === 'bind' ? 'bind' : 'login' }, context);
          json(res, 200, { text: c.text });
        } else if (req.method === 'POST' && req.url === '/bind') {
          const token = await readBody(req);
          const b = await bindCertificate(
            {
              sessionId: sessionOf(req),
              origin,
              actor: { accountId: 'acct-lisi', organizationId: 'org-1', isAdmin: false },
              target: { accountId: 'acct-lisi', organizationId: 'org-1', enterpriseCode: uscc },
              token,
            },
            context,
          );
          json(res, 200, { bound: b.identityKey, account: b.accountId });
        } else if (req.method === 'POST' && req.url === '/login') {
          const result = await verifyLogin(await readBody(req), { sessionId: sessionOf(req), origin }, context);
          json(res, 200, { account: result.account.id, subject: result.certificate.subject.commonName });
        } else {
          json(res, 404, {});
        }
      } catch (err) {
        json(res, 400, { error: isYizhengError(err) ? err.code : String(err) });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { origin, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe.skipIf(skip !== null)(skip ?? 'Chromium → yizheng-bridge → SoftHSM → core verifyLogin', () => {
  const f = hsm.fixtures;
  let bridge: BridgeCliHandle;
  let bridgeUrl = '';
  let platform: Awaited<ReturnType<typeof platformServer>>;
  let stranger: Awaited<ReturnType<typeof platformServer>>;
  let context: BrowserContext;
  let profile = '';
  const bridgeLog: string[] = [];

  beforeAll(async () => {
    if (!f || !browser.path) return;
    const driverJs = await bundleBrowserEntry();
    const ctx = {
      stores: createMemoryStores(),
      providers: createProviderRegistry([]),
      trust: createCertificateTrust({ trustStore: createTrustStore(readFileSync(f.ca, 'utf8')), revocation: { policy: 'off' } }),
    };
    platform = await platformServer(driverJs, ctx, f.uscc);
    stranger = await platformServer(driverJs, ctx, f.uscc);
    profile = mkdtempSync(join(tmpdir(), 'yizheng-chromium-'));
    const started = await runBridgeCli(['--module', f.module, '--port', '0', '--allow-origin', platform.origin, '--no-prompt'], {
      stdout: (t) => void bridgeLog.push(t),
      stderr: (t) => void bridgeLog.push(t),
      stdin: new PassThrough(),
      env: { XDG_CONFIG_HOME: profile },
    });
    if (typeof started === 'number') throw new Error(`yizheng-bridge exited with ${started}: ${bridgeLog.join('')}`);
    bridge = started;
    bridgeUrl = `ws://127.0.0.1:${bridge.bridge.port}/yizheng`;
    context = await chromium.launchPersistentContext(join(profile, 'user-data'), {
      executablePath: browser.path,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await bridge?.close();
    await platform?.close();
    await stranger?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  const signIn = async (origin: string, label: string, purposes: string[]): Promise<Record<string, unknown>> => {
    const page = await context.newPage();
    try {
      await page.goto(`${origin}/`);
      await page.waitForFunction("document.body.dataset.ready === 'yes'");
      return await page.evaluate(
        async ([url, pin, l, p]) => {
          const w = globalThis as unknown as { yz: { signIn(u: string, pin: string, l: string, p: string[]): Promise<Record<string, unknown>> } };
          return w.yz.signIn(url, pin, l, p);
        },
        [bridgeUrl, f?.userPin ?? '', label, purposes] as [string, string, string, string[]],
      );
    } finally {
      await page.close();
    }
  };

  it('binds and logs in with the P-256 key: the server verifies what the token signed', async () => {
    const result = await signIn(platform.origin, '李四 签名', ['bind', 'login']);
    expect(result).toMatchObject({
      labels: expect.arrayContaining(['张三 RSA', '李四 签名', '赵六 SM2']) as unknown,
      bind: { account: 'acct-lisi' },
      login: { account: 'acct-lisi', subject: '李四' },
    });
    expect(result['labels']).not.toContain('李四 加密');
  }, 60_000);

  it('binds and logs in with the RSA key', async () => {
    expect(await signIn(platform.origin, '张三 RSA', ['bind', 'login'])).toMatchObject({ bind: { account: 'acct-lisi' }, login: { account: 'acct-lisi', subject: '张三' } });
  }, 60_000);

  it('refuses a page on an origin nobody approved', async () => {
    expect(await signIn(stranger.origin, '李四 签名', ['login'])).toMatchObject({ error: 'ORIGIN_NOT_APPROVED' });
    expect(bridgeLog.join('')).not.toContain(f?.userPin ?? 'no pin');
  }, 60_000);
});
