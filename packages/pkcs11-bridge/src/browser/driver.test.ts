/**
 * The page driver against a running bridge (over the fake module), driven from Node through `ws` with
 * the page's Origin; and its bundle: no Node imports, small.
 */
import { randomBytes } from 'node:crypto';
import { isYizhengError as isServerYizhengError } from '@yizheng/core';
import { verifySignature } from '@yizheng/core/crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { codeOf } from '../../../core/test-utils/errors';
import { createPkcs11Module, type Pkcs11Module } from '../pkcs11/module';
import type { BridgeOptions, RunningBridge } from '../server/bridge';
import { CKF_PROTECTED_AUTHENTICATION_PATH } from '../pkcs11/constants';
import type { FakePkcs11 } from '../testing/fake-pkcs11';
import { bundleBrowserEntry } from '../testing/bundle';
import { FAKE_PIN, FAKE_SERIAL, fakeTokenSet } from '../testing/fake-tokens';
import { startLoopbackBridge } from '../testing/loopback-bridge';
import { wsBridgeSocket } from '../testing/ws-client';
import { createPkcs11BridgeDriver, YizhengError, type Pkcs11BridgeDriverOptions } from './index';

const set = fakeTokenSet();
const SITE = 'https://bid.example.gov.cn';
const running: { bridge: RunningBridge; module: Pkcs11Module }[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.bridge.close();
    await r.module.close();
  }
});

async function start(
  approve?: (code: string) => boolean | Promise<boolean>,
  extra: { fake?: Parameters<typeof set.module>[0]; bridge?: Partial<BridgeOptions> } = {},
): Promise<{ bridge: RunningBridge; fake: FakePkcs11 }> {
  const fake = set.module(extra.fake);
  const module = createPkcs11Module(fake);
  const bridge = await startLoopbackBridge(module, SITE, { ...(approve ? { approver: async ({ code }) => approve(code) } : {}), ...extra.bridge });
  running.push({ bridge, module });
  return { bridge, fake };
}

function driverFor(bridge: RunningBridge, origin: string, extra: Partial<Pkcs11BridgeDriverOptions> = {}) {
  return createPkcs11BridgeDriver({ url: `ws://127.0.0.1:${bridge.port}/yizheng`, createSocket: wsBridgeSocket(origin), ...extra });
}

const challenge = (origin = SITE): string =>
  `yizheng:1|login|${origin}|${randomBytes(32).toString('base64url')}|${new Date(Date.now() + 300_000).toISOString()}`;

describe('createPkcs11BridgeDriver', () => {
  it('lists, logs in and signs a challenge the server verifies', async () => {
    const { bridge } = await start();
    const driver = driverFor(bridge, SITE);
    expect(driver.id).toBe('pkcs11-bridge');
    const certs = await driver.listCertificates();
    expect(certs.map((c) => c.label)).toEqual(['张三 RSA', '李四 签名', '赵六 SM2']);
    const ec = certs[1];
    if (!ec) throw new Error('no certificate');
    expect(ec.encryptionCertificate).toBe(Buffer.from(set.ecEncryption.der).toString('base64'));
    await driver.login(ec.id, FAKE_PIN);
    const text = challenge();
    const sig = await driver.sign(ec.id, text);
    expect(verifySignature({ certificate: ec.certificate, data: text, signature: sig.signature, format: sig.format })).toBe(true);
    expect(await driver.getPinStatus?.(ec.id)).toEqual({ remaining: null, source: 'unknown', finalTry: false, locked: false, mustChange: false });
    await driver.close?.();
  });

  it('asks for approval and hands the page the code to show', async () => {
    let shown = '';
    const { bridge } = await start(async (code) => {
      // The user reads the code on the page, then types it in the bridge's window.
      while (shown === '') await new Promise((r) => setTimeout(r, 5));
      return code === shown;
    });
    const driver = driverFor(bridge, 'https://other.example.com', { onApprovalCode: (code) => (shown = code) });
    expect(await driver.connect()).toMatchObject({ approved: true, origin: 'https://other.example.com' });
    expect(shown).toMatch(/^\d{6}$/);
    expect(await driver.listCertificates()).toHaveLength(3);
  });

  it('rejects with the page YizhengError: codes, details and both languages', async () => {
    const { bridge } = await start(() => false);
    const refused = driverFor(bridge, 'https://other.example.com', { locale: 'en' });
    const err = await refused.listCertificates().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(YizhengError);
    expect(isServerYizhengError(err, 'ORIGIN_NOT_APPROVED')).toBe(true);
    if (!(err instanceof YizhengError)) return;
    expect(err.message).toBe('The site https://other.example.com is not allowed to use the key yet.');
    expect(err.localizedMessage('zh-CN')).toContain('尚未获准');
    const driver = driverFor(bridge, SITE);
    const wrong = await driver.login(set.ids.rsa, '000000').catch((e: unknown) => e);
    expect(wrong instanceof YizhengError && [wrong.code, wrong.details['source'], wrong.message]).toEqual([
      'PIN_INCORRECT',
      'flags',
      '校验失败，UKey密码错误。剩余尝试次数未知。',
    ]);
    expect(await codeOf(driver.sign(set.ids.rsa, 'not a challenge'))).toBe('SIGN_TEXT_REFUSED');
  });

  it("sends no PIN when the bridge asks for it in its own window (pinEntry 'client')", async () => {
    const typed: string[] = [];
    const { bridge } = await start(undefined, { bridge: { pinEntry: 'helper', pinPrompter: async (r) => (typed.push(r.ask), FAKE_PIN) } });
    const driver = driverFor(bridge, SITE);
    expect(driver.pinEntry).toBe('page'); // not known before connecting
    expect(await driver.connect()).toMatchObject({ pinEntry: 'helper' });
    expect(driver.pinEntry).toBe('client');
    await driver.login(set.ids.ecSigning, 'typed in the page anyway'); // dropped: the bridge refuses PINs
    const text = challenge();
    const sig = await driver.sign(set.ids.ecSigning, text);
    expect(verifySignature({ certificate: set.ecSigning.der, data: text, signature: sig.signature, format: sig.format })).toBe(true);
    expect(typed).toEqual(['login']);
  });

  it("logs in on a PIN pad with login(id, '')", async () => {
    const { bridge, fake } = await start(undefined, { fake: { flags: CKF_PROTECTED_AUTHENTICATION_PATH } });
    const driver = driverFor(bridge, SITE);
    const [cert] = await driver.listCertificates();
    expect(cert?.pinPad).toBe(true);
    await driver.login(set.ids.rsa, '');
    expect(fake.isLoggedIn(FAKE_SERIAL)).toBe(true);
  });

  it('says CLIENT_NOT_RUNNING when no bridge answers', async () => {
    const { bridge } = await start();
    const port = bridge.port;
    await bridge.close();
    running.length = 0;
    const driver = createPkcs11BridgeDriver({ url: `ws://127.0.0.1:${port}/yizheng`, createSocket: wsBridgeSocket(SITE) });
    const err = await driver.listCertificates().catch((e: unknown) => e);
    expect(err instanceof YizhengError && [err.code, err.details['client']]).toEqual(['CLIENT_NOT_RUNNING', 'yizheng-bridge']);
  });

  it('cancels a call with an AbortSignal (USER_CANCELLED)', async () => {
    const { bridge } = await start();
    const driver = driverFor(bridge, SITE);
    const controller = new AbortController();
    controller.abort();
    expect(await codeOf(driver.listCertificates({ signal: controller.signal }))).toBe('USER_CANCELLED');
    expect(await driver.listCertificates()).toHaveLength(3);
  });

  it('fails with CLIENT_NOT_RUNNING when the bridge stops, and reconnects when it is back', async () => {
    const first = await start();
    const port = first.bridge.port;
    const driver = driverFor(first.bridge, SITE);
    expect(await driver.listCertificates()).toHaveLength(3);
    await first.bridge.close();
    running.length = 0;
    expect(await codeOf(driver.listCertificates())).toBe('CLIENT_NOT_RUNNING');
    const module = createPkcs11Module(set.module());
    const again = await startLoopbackBridge(module, SITE, { port });
    running.push({ bridge: again, module });
    expect(await driver.listCertificates()).toHaveLength(3);
    expect(FAKE_SERIAL).toBe('FAKE0001');
  });
});

describe('the browser bundle', () => {
  it('has no Node imports and stays small', async () => {
    const code = await bundleBrowserEntry(true);
    expect(code).not.toMatch(/\bnode:|require\(|from"(?:ws|pkcs11js|crypto|fs)"/);
    // Minified, before gzip: the page-side error catalogue (client codes, zh/en) is most of it. The
    // budget that counts, 10 KiB gzipped, is checked for every page entry by core's bundle-size test.
    expect(code.length).toBeLessThan(20 * 1024);
  });
});
