/**
 * Producers of the client error codes the PKCS#11 bridge added, each through a public path (the Node
 * API or the bridge, over the fault-injecting module), for core's "every code is produced" test. Each
 * either throws the error or returns the code it observed on the wire. Test-only.
 */
import { randomBytes } from 'node:crypto';
import { assertSignableChallenge } from '../server/challenge';
import type { RunningBridge } from '../server/bridge';
import { CKF_USER_PIN_FINAL_TRY } from '../pin-state';
import { createPkcs11Module, type Pkcs11Module } from '../pkcs11/module';
import { FAKE_PIN, fakeTokenSet } from './fake-tokens';
import { startLoopbackBridge } from './loopback-bridge';
import { connect, type TestClient } from './ws-client';

const SITE = 'https://bid.example.gov.cn';
const ids = (): ReturnType<typeof fakeTokenSet>['ids'] => fakeTokenSet().ids;

async function withBridge<T>(
  run: (bridge: RunningBridge, client: (origin: string) => Promise<TestClient>, module: Pkcs11Module) => Promise<T>,
  fake: Parameters<ReturnType<typeof fakeTokenSet>['module']>[0] = {},
): Promise<T> {
  const module = createPkcs11Module(fakeTokenSet().module(fake));
  const bridge = await startLoopbackBridge(module, SITE);
  try {
    return await run(
      bridge,
      async (origin) => {
        const c = await connect(bridge.port, { origin });
        if ('status' in c) throw new Error(`refused: ${c.body}`);
        return c;
      },
      module,
    );
  } finally {
    await bridge.close();
    await module.close();
  }
}

/** The producers, by code. */
export const BRIDGE_PRODUCERS = {
  ORIGIN_NOT_APPROVED: () => withBridge(async (_b, client) => (await (await client('https://evil.example.com')).call('listCertificates')).error?.code),
  HOST_NOT_ALLOWED: () =>
    withBridge(async (bridge) => {
      const r = await connect(bridge.port, { origin: SITE, host: `rebound.example.com:${bridge.port}` });
      return 'status' in r ? (JSON.parse(r.body) as { error: { code: string } }).error.code : 'accepted';
    }),
  BRIDGE_RATE_LIMITED: () =>
    withBridge(async (_b, client) => {
      const c = await client(SITE);
      await c.call('login', { certId: ids().rsa, pin: '000000' });
      return (await c.call('login', { certId: ids().rsa, pin: FAKE_PIN })).error?.code;
    }),
  SIGN_TEXT_REFUSED: () => assertSignableChallenge(randomBytes(32).toString('base64'), SITE, Date.now()),
  TOKEN_LOGIN_REQUIRED: () =>
    withBridge(async (_b, client) => {
      const c = await client(SITE);
      const text = `yizheng:1|login|${SITE}|${randomBytes(32).toString('base64url')}|${new Date(Date.now() + 60_000).toISOString()}`;
      return (await c.call('sign', { certId: ids().rsa, text })).error?.code;
    }),
  PIN_REJECTED: () => createPkcs11Module(fakeTokenSet().module()).changePin(ids().rsa, FAKE_PIN, '123456'),
  PIN_FINAL_TRY: () =>
    withBridge(
      async (_b, client) => (await (await client(SITE)).call('login', { certId: ids().rsa, pin: FAKE_PIN })).error?.code,
      { flags: CKF_USER_PIN_FINAL_TRY },
    ),
} as const;
