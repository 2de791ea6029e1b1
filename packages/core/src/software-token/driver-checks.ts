/**
 * The checks every token driver whose page enters the PIN passes against an emulator of its key
 * client backed by a software token: real certificates and signatures, a wrong PIN with the tries
 * left, a locked PIN, no key, a key pulled out while signing, the user cancelling, an abort, a client
 * that is not running, and malformed or missing replies, each with its client code. Framework-free:
 * run each check as a test (`for (const c of tokenDriverChecks(harness)) it(c.name, c.run)`).
 */
import { pinFailureText } from '../client/pin';
import type { TokenDriver, TokenSignature } from '../client/token-driver';
import { createSoftwareToken, type SoftwareToken, type SoftwareTokenCertificate } from './software-token';
import type { SoftwareSignatureFormat } from './keys';

/** A reply fault an emulated client can be told to commit once. */
export type ClientFault = 'not-json' | 'missing-fields' | 'wrong-id' | 'silent';

/** A driver connected to an emulated client over a software token. */
export interface TokenDriverRig {
  /** The driver under test. */
  readonly driver: TokenDriver;
  /** Makes the client's next reply faulty; returns false when the fault cannot happen on this wire (e.g. a wrong id over HTTP). */
  tamper(fault: ClientFault): boolean;
  /** Stops the emulated client. */
  stop(): Promise<void>;
}

/** What {@link tokenDriverChecks} needs from a driver's test. */
export interface TokenDriverHarness {
  /** The certificates the emulated key holds (the first one is used). */
  readonly certificates: readonly SoftwareTokenCertificate[];
  /** How the emulated client encodes signatures; default `der`. */
  readonly signatureFormat?: SoftwareSignatureFormat | undefined;
  /** Starts an emulated client over `token` and a driver for it; its per-call timeout should be short (the `silent` check waits for it). */
  start(token: SoftwareToken): Promise<TokenDriverRig>;
  /** A driver for a client that is not running (e.g. a closed loopback port). */
  notRunning(): TokenDriver;
  /** Verifies a signature (pass the server's `verifySignature`). */
  verify(input: { readonly certificate: string; readonly text: string; readonly signature: TokenSignature }): boolean;
  /** The provider id the driver puts on certificates, when it does. */
  readonly provider?: string | undefined;
}

/** One named check. */
export interface TokenDriverCheck {
  /** What it checks. */
  readonly name: string;
  /** Runs it; rejects with an Error saying what differed. */
  run(): Promise<void>;
}

const PIN = '123456';
const WRONG_PIN = '654321';
const TEXT = 'yizheng:1|login|https://bid.example.gov.cn|bm9uY2U|2026-06-01T08:05:00.000Z';

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? code : `non-Yizheng error: ${String(error)}`;
  }
}

async function expectCode(promise: Promise<unknown>, code: string, what: string): Promise<void> {
  const got = await codeOf(promise);
  check(got === code, `${what}: expected ${code}, got ${got}`);
}

/** The checks (see the module comment). */
export function tokenDriverChecks(harness: TokenDriverHarness): readonly TokenDriverCheck[] {
  let hook: (() => boolean) | undefined;

  async function withRig(body: (rig: TokenDriverRig, token: SoftwareToken, certId: string) => Promise<void>): Promise<void> {
    hook = undefined;
    const token = await createSoftwareToken({
      certificates: harness.certificates,
      maxTries: 3,
      pinLength: { min: 6, max: 16 },
      signatureFormat: harness.signatureFormat ?? 'der',
      confirm: () => hook?.() ?? true,
    });
    const rig = await harness.start(token);
    try {
      const [first] = await rig.driver.listCertificates();
      if (!first) throw new Error('the driver lists no certificate');
      await body(rig, token, first.id);
    } finally {
      await rig.driver.close?.();
      await rig.stop();
    }
  }

  const checks: TokenDriverCheck[] = [
    {
      name: 'lists the certificates, logs in and signs; the signature verifies',
      run: () =>
        withRig(async ({ driver }, token, certId) => {
          const [listed] = await driver.listCertificates();
          const [held] = await token.listCertificates();
          check(listed?.certificate === held?.certificate, 'the listed certificate is not the key\'s (base64 DER)');
          check(listed?.label === held?.label, `label ${String(listed?.label)} is not the CN`);
          if (harness.provider !== undefined) check(listed?.provider === harness.provider, `provider ${String(listed?.provider)}`);
          await driver.login(certId, PIN);
          const signature = await driver.sign(certId, TEXT);
          check(harness.verify({ certificate: held?.certificate ?? '', text: TEXT, signature }), 'the signature does not verify');
        }),
    },
    {
      name: 'a wrong PIN is PIN_INCORRECT with the tries left (校验失败，还有N次机会); the right one still works',
      run: () =>
        withRig(async ({ driver }, _token, certId) => {
          let error: unknown;
          await driver.login(certId, WRONG_PIN).catch((e: unknown) => void (error = e));
          const e = error as { code?: string; details?: { remaining?: unknown; source?: unknown } } | undefined;
          check(e?.code === 'PIN_INCORRECT', `expected PIN_INCORRECT, got ${String(e?.code)}`);
          check(e?.details?.remaining === 2 && e.details.source === 'exact', `tries left ${String(e?.details?.remaining)}`);
          check(pinFailureText({ remaining: 2, source: 'exact', finalTry: false, locked: false, mustChange: false }) === '校验失败，还有2次机会', 'wording');
          await driver.login(certId, PIN);
        }),
    },
    {
      name: 'the last wrong PIN locks: PIN_LOCKED, also for the right PIN afterwards',
      run: () =>
        withRig(async ({ driver }, _token, certId) => {
          await expectCode(driver.login(certId, WRONG_PIN), 'PIN_INCORRECT', 'first wrong PIN');
          await expectCode(driver.login(certId, WRONG_PIN), 'PIN_INCORRECT', 'second wrong PIN');
          await expectCode(driver.login(certId, WRONG_PIN), 'PIN_LOCKED', 'third wrong PIN');
          await expectCode(driver.login(certId, PIN), 'PIN_LOCKED', 'right PIN on a locked key');
        }),
    },
    {
      name: 'a PIN of the wrong length is PIN_LEN_RANGE and costs no try',
      run: () =>
        withRig(async ({ driver }, token, certId) => {
          await expectCode(driver.login(certId, '12'), 'PIN_LEN_RANGE', 'two-digit PIN');
          check((await token.getPinStatus(certId)).remaining === 3, 'a try was counted');
        }),
    },
    {
      name: 'no key inserted: an empty list, then TOKEN_NOT_PRESENT',
      run: () =>
        withRig(async ({ driver }, token, certId) => {
          token.remove();
          check((await driver.listCertificates()).length === 0, 'certificates listed without a key');
          await expectCode(driver.login(certId, PIN), 'TOKEN_NOT_PRESENT', 'login without a key');
        }),
    },
    {
      name: 'an unknown certificate is CERT_NOT_FOUND',
      run: () => withRig(({ driver }) => expectCode(driver.login('no-such-certificate', PIN), 'CERT_NOT_FOUND', 'unknown certId')),
    },
    {
      name: 'the key pulled out while signing is DEVICE_REMOVED',
      run: () =>
        withRig(async ({ driver }, token, certId) => {
          await driver.login(certId, PIN);
          hook = () => {
            token.remove();
            return true;
          };
          await expectCode(driver.sign(certId, TEXT), 'DEVICE_REMOVED', 'sign while pulled out');
        }),
    },
    {
      name: "the user cancelling the client's dialog is USER_CANCELLED",
      run: () =>
        withRig(async ({ driver }, _token, certId) => {
          await driver.login(certId, PIN);
          hook = () => false;
          await expectCode(driver.sign(certId, TEXT), 'USER_CANCELLED', 'cancelled signature');
        }),
    },
    {
      name: "the page's AbortSignal is USER_CANCELLED, before and during a call",
      run: () =>
        withRig(async (rig, _token, certId) => {
          await expectCode(rig.driver.login(certId, PIN, { signal: AbortSignal.abort() }), 'USER_CANCELLED', 'aborted before');
          if (!rig.tamper('silent')) return;
          const controller = new AbortController();
          const pending = rig.driver.login(certId, PIN, { signal: controller.signal });
          setTimeout(() => controller.abort(), 20);
          await expectCode(pending, 'USER_CANCELLED', 'aborted while waiting');
          await rig.driver.login(certId, PIN);
        }),
    },
    {
      name: 'a client that is not running is CLIENT_NOT_RUNNING',
      run: async () => {
        const driver = harness.notRunning();
        await expectCode(driver.listCertificates(), 'CLIENT_NOT_RUNNING', 'listing');
        await driver.close?.();
      },
    },
    ...(['not-json', 'missing-fields', 'wrong-id', 'silent'] as const).map((fault) => ({
      name: `a reply fault (${fault}) is CLIENT_PROTOCOL_ERROR, and the driver recovers`,
      run: () =>
        withRig(async (rig, _token, certId) => {
          if (!rig.tamper(fault)) return;
          await expectCode(rig.driver.login(certId, PIN), 'CLIENT_PROTOCOL_ERROR', fault);
          await rig.driver.login(certId, PIN);
        }),
    })),
    {
      name: 'changes the PIN (a wrong old PIN counts) and reports the PIN status',
      run: () =>
        withRig(async ({ driver }, _token, certId) => {
          if (!driver.changePin || !driver.getPinStatus) return;
          await expectCode(driver.changePin(certId, WRONG_PIN, '24681357'), 'PIN_INCORRECT', 'wrong old PIN');
          check((await driver.getPinStatus(certId)).remaining === 2, 'tries left after a wrong old PIN');
          await driver.changePin(certId, PIN, '24681357');
          await expectCode(driver.login(certId, PIN), 'PIN_INCORRECT', 'old PIN after the change');
          await driver.login(certId, '24681357');
        }),
    },
    {
      name: 'reports the key pulled out and put back as events',
      run: () =>
        withRig(async ({ driver }, token) => {
          if (!driver.onEvent) return;
          const events: string[] = [];
          const seen = new Promise<void>((resolve) => {
            const off = driver.onEvent?.((event) => {
              events.push(event.type);
              if (events.length === 2) {
                off?.();
                resolve();
              }
            });
          });
          await new Promise((r) => setTimeout(r, 50));
          token.remove();
          await new Promise((r) => setTimeout(r, 50));
          token.insert();
          await Promise.race([seen, new Promise((r) => setTimeout(r, 2000))]);
          check(events.join() === 'removed,inserted', `events: ${events.join() || 'none'}`);
        }),
    },
  ];
  return checks;
}
