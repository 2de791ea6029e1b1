/**
 * The bridge's PIN rules against a real token: SoftHSM2 through pkcs11js (its C_Login calls counted),
 * with the tokens scripts/softhsm.sh prepares. SoftHSM never locks a PIN, so the test counts what
 * reaches the token instead. It only raises COUNT_LOW after a wrong PIN (never FINAL_TRY): the bridge
 * cannot tell a next try is not the last, so the PIN is then asked in its window.
 */
import { randomBytes } from 'node:crypto';
import { verifySignature } from '@yizheng/core/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPkcs11Library, type Pkcs11Api } from '../pkcs11/api';
import { createPkcs11Module, type Pkcs11Module } from '../pkcs11/module';
import { startLoopbackBridge } from '../testing/loopback-bridge';
import { loadSoftHsm, withSoftHsmToken } from '../testing/softhsm';
import { asClient, connect } from '../testing/ws-client';
import type { PinRequest } from './approval';
import type { RunningBridge } from './bridge';

const hsm = loadSoftHsm();
const SITE = 'https://bid.example.gov.cn';
const OTHERS = ['https://a.example.com', 'https://b.example.com', 'https://c.example.com'];

/** The library, with every call's name recorded. */
function counted(api: Pkcs11Api, calls: string[]): Pkcs11Api {
  return new Proxy(api, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        calls.push(String(name));
        return Reflect.apply(value, target, args);
      };
    },
  });
}

describe.skipIf(hsm.skip !== null)(hsm.skip ?? 'the bridge on SoftHSM2', () => {
  const f = hsm.fixtures;
  const calls: string[] = [];
  const clock = { t: Date.now() };
  const asked: PinRequest[] = [];
  let typed: string | null = null;
  let module: Pkcs11Module;
  let bridge: RunningBridge;

  beforeAll(async () => {
    if (!f) return;
    module = createPkcs11Module(counted(await loadPkcs11Library(f.module), calls));
    bridge = await startLoopbackBridge(module, SITE, {
      allowedOrigins: [SITE, ...OTHERS],
      now: () => clock.t,
      pinPrompter: async (r) => {
        asked.push(r);
        return typed;
      },
    });
  });
  afterAll(async () => {
    await bridge?.close();
    await module?.close();
  });

  it("lets one of many wrong PINs sent at once reach the token; then asks in its window, not the page, until a right PIN", async () => {
    if (!f) return;
    // The PIN-test token, held alone: another file's wrong PIN would show up as COUNT_LOW here.
    await withSoftHsmToken(f.tokens.pin.label, async () => {
      const cert = (await module.listCertificates()).find((c) => c.token.label === f.tokens.pin.label);
      if (!cert) throw new Error('no certificate on the PIN token');
      const clients = await Promise.all([SITE, SITE, ...OTHERS].map(async (origin) => asClient(await connect(bridge.port, { origin, address: '127.0.0.1' }))));
      const [first] = clients;
      if (!first) throw new Error('no client');
      const logins = (): number => calls.filter((c) => c === 'C_Login').length;
      const before = logins();
      const answers = await Promise.all(clients.flatMap((c, i) => [0, 1, 2].map((j) => c.call('login', { certId: cert.id, pin: `00000${i}${j}` }))));
      expect(logins() - before).toBe(1);
      expect(answers.map((a) => a.error?.code).filter((code) => code === 'PIN_INCORRECT')).toHaveLength(1);
      expect(answers.every((a) => a.error?.code === 'PIN_INCORRECT' || a.error?.code === 'BRIDGE_RATE_LIMITED')).toBe(true);
      expect((await module.getPinStatus(cert.id)).countLow).toBe(true);
      // COUNT_LOW only: the page's right PIN is not used; the window asks, warning the try may be the last.
      clock.t += 3000;
      expect((await first.call('login', { certId: cert.id, pin: f.userPin })).error?.code).toBe('USER_CANCELLED');
      expect(asked.map((r) => [r.origin, r.ask, r.finalTry, r.mayBeFinalTry, r.wrongPins])).toEqual([[SITE, 'login', false, true, 1]]);
      expect(logins() - before).toBe(1);
      clock.t += 1000;
      typed = f.userPin;
      expect((await first.call('login', { certId: cert.id, pin: '000000' })).result).toBeNull();
      const text = `yizheng:1|login|${SITE}|${randomBytes(32).toString('base64url')}|${new Date(Date.now() + 60_000).toISOString()}`;
      const sig = (await first.call('sign', { certId: cert.id, text })).result as { signature: string; format: 'der' };
      expect(verifySignature({ certificate: cert.der, data: text, signature: sig.signature, format: sig.format })).toBe(true);
      // The right PIN cleared COUNT_LOW and the bridge's count: the page's PIN is taken again.
      expect((await module.getPinStatus(cert.id)).countLow).toBe(false);
      clock.t += 1000;
      expect((await first.call('login', { certId: cert.id, pin: f.userPin })).result).toBeNull();
      expect(asked).toHaveLength(2);
      await first.call('logout', { certId: cert.id });
      for (const c of clients) c.close();
    });
  });
});
