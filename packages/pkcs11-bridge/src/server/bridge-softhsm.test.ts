/**
 * The bridge's PIN rules against a real token: SoftHSM2 through pkcs11js (its C_Login calls counted),
 * with the tokens scripts/softhsm.sh prepares. SoftHSM never locks a PIN, so the test counts what
 * reaches the token instead.
 */
import { randomBytes } from 'node:crypto';
import { verifySignature } from '@yizheng/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPkcs11Library, type Pkcs11Api } from '../pkcs11/api';
import { createPkcs11Module, type Pkcs11Module } from '../pkcs11/module';
import { startLoopbackBridge } from '../testing/loopback-bridge';
import { loadSoftHsm } from '../testing/softhsm';
import { asClient, connect } from '../testing/ws-client';
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
  let module: Pkcs11Module;
  let bridge: RunningBridge;

  beforeAll(async () => {
    if (!f) return;
    module = createPkcs11Module(counted(await loadPkcs11Library(f.module), calls));
    bridge = await startLoopbackBridge(module, SITE, { allowedOrigins: [SITE, ...OTHERS], now: () => clock.t });
  });
  afterAll(async () => {
    await bridge?.close();
    module?.close();
  });

  it('lets one of many wrong PINs sent at once reach the token, then a right PIN signs', async () => {
    if (!f) return;
    const cert = (await module.listCertificates()).find((c) => c.token.label === f.tokens.main.label && c.keyId === f.tokens.main.certificates['ec-sign']);
    if (!cert) throw new Error('no P-256 signing certificate on the main token');
    const clients = await Promise.all([SITE, SITE, ...OTHERS].map(async (origin) => asClient(await connect(bridge.port, { origin, address: '127.0.0.1' }))));
    const before = calls.filter((c) => c === 'C_Login').length;
    const answers = await Promise.all(clients.flatMap((c, i) => [0, 1, 2].map((j) => c.call('login', { certId: cert.id, pin: `00000${i}${j}` }))));
    expect(calls.filter((c) => c === 'C_Login').length - before).toBe(1);
    expect(answers.map((a) => a.error?.code).filter((code) => code === 'PIN_INCORRECT')).toHaveLength(1);
    expect(answers.every((a) => a.error?.code === 'PIN_INCORRECT' || a.error?.code === 'BRIDGE_RATE_LIMITED')).toBe(true);
    clock.t += 3000;
    const [first] = clients;
    if (!first) throw new Error('no client');
    expect((await first.call('login', { certId: cert.id, pin: f.userPin })).result).toBeNull();
    const text = `yizheng:1|login|${SITE}|${randomBytes(32).toString('base64url')}|${new Date(Date.now() + 60_000).toISOString()}`;
    const sig = (await first.call('sign', { certId: cert.id, text })).result as { signature: string; format: 'der' };
    expect(verifySignature({ certificate: cert.der, data: text, signature: sig.signature, format: sig.format })).toBe(true);
    for (const c of clients) c.close();
  });
});
