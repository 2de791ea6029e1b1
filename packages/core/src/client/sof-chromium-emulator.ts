/**
 * Test support (not exported): the SOF fault cases for a driver running in a real browser page (the
 * shared Chromium harness, `test-utils/driver-chromium.ts`), its key client emulated in Node over a
 * software token and served on a loopback port (`serveSofEmulator`): list and sign, right PIN, wrong
 * PIN with the tries left, locked, unknown certificate, the user's cancel, a client that is not
 * running, the key pulled out mid-call, malformed and missing replies, the page's abort.
 */
import { expect } from 'vitest';
import type { DriverPage, PageDriver } from '../../test-utils/driver-chromium';
import { verifySignature } from '../crypto/index';
import { createSofBackend, createSofWireEmulator, createSoftwareToken, type SofWireEmulator, type SofWireShape, type SoftwareToken } from '../software-token/index';
import { createTestCa, issueCertificatePair, privateKeyToPem } from '../testing/index';
import { serveSofEmulator } from './sof-server-emulator';

/** What {@link sofPageChecks} needs. */
export interface SofPageHarness {
  /** The open page (created in the suite's `beforeAll`). */
  page(): DriverPage;
  /** The wire the driver is given: an `http://` or a `ws://` URL. */
  readonly wire: 'http' | 'ws';
  /** The emulated client's shape; default `json` (the default protocol). */
  readonly shape?: SofWireShape;
  /** The provider id the driver puts on certificates. */
  readonly provider: string;
  /** The client name expected in `CLIENT_NOT_RUNNING`. */
  readonly client: string;
  /** More factory options (structured-cloneable). */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** One named case. */
export interface SofPageCheck {
  readonly name: string;
  run(): Promise<void>;
}

const PIN = '123456';
const WRONG = '654321';
const TEXT = 'yizheng:1|login|https://bid.example.gov.cn|bm9uY2U|2026-06-01T08:05:00.000Z';
const ca = createTestCa({ subject: 'CN=SOF Browser Test SM2 CA', keyAlgorithm: 'sm2' });
const pair = issueCertificatePair({ subject: 'CN=赵六, O=示例招标代理有限公司, C=CN', issuer: ca });
const certificates = [{ certificate: pair.signing.pem, privateKey: privateKeyToPem(pair.signing.key), encryptionCertificate: pair.encryption.pem }];

interface Rig {
  readonly driver: PageDriver;
  readonly token: SoftwareToken;
  readonly emulator: SofWireEmulator;
  /** Asked before each signature (false: the user cancels in the client's dialog). */
  hook: (() => boolean) | undefined;
}

/** The cases (see the module comment); run each as a test. */
export function sofPageChecks(h: SofPageHarness): readonly SofPageCheck[] {
  async function withRig(body: (rig: Rig) => Promise<void>): Promise<void> {
    const rig = { hook: undefined } as { hook: (() => boolean) | undefined } & Partial<Rig>;
    const token = await createSoftwareToken({ certificates, maxTries: 3, pinLength: { min: 6, max: 16 }, signatureFormat: 'der', confirm: () => rig.hook?.() ?? true });
    const emulator = createSofWireEmulator(createSofBackend(token), h.shape ?? 'json');
    const served = await serveSofEmulator(emulator, h.wire);
    const driver = await h.page().driver({ url: served.url, pinLength: { min: 6, max: 16 }, timeoutMs: 1500, interactiveTimeoutMs: 1500, ...h.options });
    try {
      await body(Object.assign(rig, { driver, token, emulator }));
    } finally {
      await driver.close();
      await served.stop();
    }
  }

  return [
    {
      name: 'lists the certificate, logs in with the right PIN and signs; the signature verifies',
      run: () =>
        withRig(async ({ driver, token }) => {
          const [held] = await token.listCertificates();
          const [listed] = await driver.listCertificates();
          expect(listed).toMatchObject({ id: 'cert-1', label: '赵六', certificate: held?.certificate, encryptionCertificate: held?.encryptionCertificate, provider: h.provider });
          await driver.login('cert-1', PIN);
          const signature = await driver.sign('cert-1', TEXT);
          expect(verifySignature({ certificate: held?.certificate ?? '', data: TEXT, signature: signature.signature, format: signature.format as 'auto' })).toBe(true);
        }),
    },
    {
      name: 'a wrong PIN is PIN_INCORRECT with the tries left (校验失败，还有N次机会); the right one still works',
      run: () =>
        withRig(async ({ driver }) => {
          const error = await driver.login('cert-1', WRONG).then(() => undefined, (e: unknown) => e);
          expect(error).toMatchObject({ isYizhengError: true, code: 'PIN_INCORRECT', details: { remaining: 2, source: 'exact', retriesZh: '还有2次机会。' } });
          expect((error as { message: string }).message).toContain('还有2次机会');
          await driver.login('cert-1', PIN);
        }),
    },
    {
      name: 'the third wrong PIN locks: PIN_LOCKED, also for the right PIN afterwards',
      run: () =>
        withRig(async ({ driver }) => {
          await expect(driver.login('cert-1', WRONG)).rejects.toMatchObject({ code: 'PIN_INCORRECT' });
          await expect(driver.login('cert-1', WRONG)).rejects.toMatchObject({ code: 'PIN_INCORRECT', details: { finalTry: true } });
          await expect(driver.login('cert-1', WRONG)).rejects.toMatchObject({ code: 'PIN_LOCKED' });
          await expect(driver.login('cert-1', PIN)).rejects.toMatchObject({ code: 'PIN_LOCKED' });
        }),
    },
    {
      name: 'an unknown certificate is CERT_NOT_FOUND; no key at all, TOKEN_NOT_PRESENT',
      run: () =>
        withRig(async ({ driver, token }) => {
          await expect(driver.login('no-such-certificate', PIN)).rejects.toMatchObject({ code: 'CERT_NOT_FOUND' });
          token.remove();
          expect(await driver.listCertificates()).toEqual([]);
          await expect(driver.login('cert-1', PIN)).rejects.toMatchObject({ code: 'TOKEN_NOT_PRESENT' });
        }),
    },
    {
      name: "the user cancelling the client's dialog is USER_CANCELLED, with the client's text",
      run: () =>
        withRig(async (rig) => {
          await rig.driver.login('cert-1', PIN);
          rig.hook = () => false;
          await expect(rig.driver.sign('cert-1', TEXT)).rejects.toMatchObject({ code: 'USER_CANCELLED', details: { vendorText: '用户取消操作' } });
        }),
    },
    {
      name: 'the key pulled out while signing is DEVICE_REMOVED',
      run: () =>
        withRig(async (rig) => {
          await rig.driver.login('cert-1', PIN);
          rig.hook = () => (rig.token.remove(), true);
          await expect(rig.driver.sign('cert-1', TEXT)).rejects.toMatchObject({ code: 'DEVICE_REMOVED' });
        }),
    },
    {
      name: 'a client that is not running is CLIENT_NOT_RUNNING, naming the client',
      run: async () => {
        const driver = await h.page().driver({ url: `${h.wire}://127.0.0.1:1/sof`, timeoutMs: 3000, ...h.options });
        await expect(driver.listCertificates()).rejects.toMatchObject({ code: 'CLIENT_NOT_RUNNING', details: { client: h.client } });
        await driver.close();
      },
    },
    {
      name: 'malformed replies (not JSON, fields missing) and no reply are CLIENT_PROTOCOL_ERROR; the driver recovers',
      run: () =>
        withRig(async ({ driver, emulator }) => {
          for (const fault of ['not-json', 'missing-fields', 'silent'] as const) {
            emulator.tamperNext(fault);
            await expect(driver.login('cert-1', PIN)).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR' });
          }
          await driver.login('cert-1', PIN);
        }),
    },
    {
      name: "the page's abort while the client is silent is USER_CANCELLED",
      run: () =>
        withRig(async ({ driver, emulator }) => {
          emulator.tamperNext('silent');
          const pending = driver.begin('login', ['cert-1', PIN]);
          await new Promise((r) => setTimeout(r, 100));
          await pending.abort();
          expect(await pending.settled).toMatchObject({ ok: false, error: { code: 'USER_CANCELLED' } });
          await driver.login('cert-1', PIN);
        }),
    },
  ];
}
