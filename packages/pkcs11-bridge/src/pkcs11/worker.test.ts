/**
 * PKCS#11 calls in a worker thread. The fake module is loaded inside the worker, where its PIN pad
 * blocks the thread (Atomics.wait) as a vendor library's C_Login does while the user types on the
 * reader: the event loop, and so the bridge, must keep answering meanwhile.
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isYizhengError } from '@yizheng/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkerFake } from '../testing/bundle';
import { startLoopbackBridge } from '../testing/loopback-bridge';
import { pinPadKeys, type WorkerFakeToken } from '../testing/worker-fake';
import { asClient, connect } from '../testing/ws-client';
import { CKF_PROTECTED_AUTHENTICATION_PATH } from './constants';
import { openPkcs11Module, openWorkerPkcs11Module, type Pkcs11Module } from './module';

const SITE = 'https://bid.example.gov.cn';
const OTHER = 'https://other.example.com';
const PAD: WorkerFakeToken = { label: 'Pad UKey', serial: 'PAD0001', pin: '246810', flags: CKF_PROTECTED_AUTHENTICATION_PATH };
const PLAIN: WorkerFakeToken = { label: 'Plain UKey', serial: 'PLAIN001', pin: '246810', maxTries: 6 };

let url = '';
beforeAll(async () => {
  url = await bundleWorkerFake();
}, 30_000);
afterAll(() => {
  if (url) rmSync(dirname(fileURLToPath(url)), { recursive: true, force: true });
});

async function open(): Promise<{ module: Pkcs11Module; pad: ReturnType<typeof pinPadKeys> }> {
  const shared = new SharedArrayBuffer(8);
  const module = await openWorkerPkcs11Module({ kind: 'script', url, options: { tokens: [PAD, PLAIN], pad: shared } });
  return { module, pad: pinPadKeys(shared) };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !done(); i++) await sleep(5);
  if (!done()) throw new Error('timed out waiting');
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'no error';
  } catch (err) {
    return isYizhengError(err) ? err.code : String(err);
  }
}

describe('the PKCS#11 worker thread', () => {
  it('keeps the bridge answering while a PIN pad waits for the user', async () => {
    const { module, pad } = await open();
    const bridge = await startLoopbackBridge(module, SITE, { allowedOrigins: [SITE, OTHER] });
    try {
      const a = asClient(await connect(bridge.port, { origin: SITE }));
      const b = asClient(await connect(bridge.port, { origin: OTHER }));
      const login = a.call('login', { certId: 'PAD0001/01' });
      await until(() => pad.waiting()); // the worker's thread is inside C_Login, blocked on the pad
      const started = performance.now();
      await sleep(20); // timers run
      expect((await b.call('hello')).result).toMatchObject({ approved: true });
      // One PIN operation per token: refused at once, not after the pad.
      expect((await b.call('login', { certId: 'PAD0001/01' })).error?.code).toBe('BRIDGE_RATE_LIMITED');
      expect((await b.call('sign', { certId: 'PAD0001/01', text: 'not a challenge' })).error?.code).toBe('SIGN_TEXT_REFUSED');
      expect(performance.now() - started).toBeLessThan(2000);
      expect(pad.waiting()).toBe(true);
      pad.press('ok');
      expect((await login).result).toBeNull();
      await a.call('logout', { certId: 'PAD0001/01' });
      // Cancel on the pad crosses the thread as USER_CANCELLED.
      const cancelled = b.call('login', { certId: 'PAD0001/01' });
      await until(() => pad.waiting());
      pad.press('cancel');
      expect((await cancelled).error?.code).toBe('USER_CANCELLED');
      a.close();
      b.close();
    } finally {
      await bridge.close();
      await module.close();
    }
  });

  it('carries handles, flags and CKR codes across the thread, one operation at a time', async () => {
    const { module } = await open();
    try {
      expect((await module.listSlots()).map((s) => [s.token?.serial, s.token?.protectedAuthenticationPath])).toEqual([
        ['PAD0001', true],
        ['PLAIN001', false],
      ]);
      // Asked together, answered in order, each whole.
      const [wrong, status] = await Promise.all([module.login('PLAIN001/01', '000000').catch((e: unknown) => e), module.getPinStatus('PLAIN001/01')]);
      expect(isYizhengError(wrong, 'PIN_INCORRECT') && wrong.details).toMatchObject({ source: 'flags', remaining: null });
      expect(status).toMatchObject({ countLow: true, locked: false });
      const login = await module.login('PLAIN001/01', '246810');
      expect([login.active, (await module.getPinStatus('PLAIN001/01')).countLow]).toEqual([true, false]);
      await login.logout();
      expect(login.active).toBe(false);
      expect(await codeOf(module.tokenOf('%50LAIN001/01'))).toBe('CERT_NOT_FOUND');
    } finally {
      await module.close();
    }
    expect(await codeOf(module.listSlots())).toBe('CLIENT_NOT_RUNNING');
  });

  it('answers CLIENT_NOT_RUNNING when the library does not load', async () => {
    expect(await codeOf(openWorkerPkcs11Module({ kind: 'script', url: 'file:///nonexistent/yizheng-fake.mjs' }))).toBe('CLIENT_NOT_RUNNING');
    expect(await codeOf(openPkcs11Module({ path: '/nonexistent/libvendor-pkcs11.so' }))).toBe('CLIENT_NOT_RUNNING');
  });
});
