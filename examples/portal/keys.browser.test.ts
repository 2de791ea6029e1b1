/**
 * The portal with the key clients a real platform meets, in Chromium: the BJCA client emulator, the
 * emulated CFCA CryptoKit and the PKCS#11 bridge on SoftHSM2, each started by its own command (as
 * the README says), picked on the page, used to link a certificate and then to log in with it. The
 * page runs the same drivers a platform ships. Screenshots go to test-results/portal/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../../packages/core/test-utils/chromium';
// @ts-expect-error plain-JS example modules have no declarations
import { startPortals } from './src/start.mjs';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const SHOTS = join(ROOT, 'test-results', 'portal');
const found = findChromium();
const SOFTHSM = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so'].some((p) => existsSync(p));
if (!SOFTHSM) {
  if (process.env['CI'] === 'true') throw new Error('CI=true: SoftHSM2 is not installed: run bash scripts/parts.sh');
  process.stderr.write('[skip] the PKCS#11 key: SoftHSM2 is not installed (bash scripts/parts.sh)\n');
}

let browser: Browser;
let running: { portals: { origin: string }[]; stop(): Promise<void> };
let origin: string;
let dataDir: string;
const children: ChildProcess[] = [];

/** Starts a key command as the README says and waits for its descriptor. */
async function startKeyCommand(kind: 'bjca' | 'cfca' | 'pkcs11'): Promise<void> {
  const args = kind === 'bjca' ? ['--import', 'tsx', `examples/portal/keys/${kind}.mjs`] : [`examples/portal/keys/${kind}.mjs`];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, PORTAL_DATA: dataDir, PORTAL_ORIGIN: origin, YZ_BRIDGE_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const file = join(dataDir, 'keys', `${kind}.json`);
  const deadline = Date.now() + 60_000;
  while (!existsSync(file)) {
    if (child.exitCode !== null) throw new Error(`${kind}.mjs exited: ${output}`);
    if (Date.now() > deadline) throw new Error(`${kind}.mjs did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  if (found.path === null) return;
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'portal-keys-'));
  running = await startPortals({ dataDir, port: 0, logLevel: 'silent' });
  origin = running.portals[0]?.origin ?? '';
  await Promise.all([startKeyCommand('bjca'), startKeyCommand('cfca'), ...(SOFTHSM ? [startKeyCommand('pkcs11')] : [])]);
  browser = await chromium.launch({ executablePath: found.path, args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const child of children) child.kill('SIGTERM');
  await running?.stop();
});

async function selectMedium(page: Page, kind: string): Promise<void> {
  await page.waitForSelector('[data-testid=key-medium]');
  const value = await page.$$eval('[data-testid=key-medium] option', (options, k) => options.find((o) => o.textContent?.includes(k))?.getAttribute('value') ?? null, kind);
  expect(value, `medium ${kind} offered`).not.toBeNull();
  await page.selectOption('[data-testid=key-medium]', value ?? '');
  await page.waitForFunction(() => ((document.querySelector('[data-testid=key-cert]') as HTMLSelectElement | null)?.value ?? '') !== '');
}

/** Types the PIN where this key asks for it: the page's field, or the client's own dialog. */
async function typePin(page: Page, action: string): Promise<void> {
  const pageField = await page.isVisible('[data-testid=pin]');
  if (pageField) await page.fill('[data-testid=pin]', '123456');
  await page.click(`[data-testid=${action}]`);
  if (!pageField) {
    await page.waitForSelector('[data-testid=client-pin]');
    await page.fill('[data-testid=client-pin]', '123456');
    await page.click('[data-testid=client-pin-dialog-confirm]');
  }
}

describe.skipIf(found.path === null)('the portal with real key clients', () => {
  for (const [kind, label, holder] of [['bjca', 'BJCA', '赵六'], ['cfca', 'CFCA', 'CFCA@厦门帝网信息科技有限公司'], ['pkcs11', 'PKCS#11', '孙八']] as const) {
    it.skipIf(kind === 'pkcs11' && !SOFTHSM)(`links a certificate on the ${label} key and logs in with it`, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${origin}/login`);
      await page.fill('[data-testid=account]', '55620766-4');
      await page.fill('[data-testid=password]', '11111111');
      await page.click('[data-testid=password-login]');
      await page.waitForSelector('[data-testid=bind]');
      await selectMedium(page, label);
      await expect.poll(() => page.textContent('[data-testid=cert-preview]')).toContain(holder);
      await typePin(page, 'bind');
      await page.waitForSelector('[data-testid=bind-ok], [data-testid=error-message]');
      await page.screenshot({ path: join(SHOTS, `keys-${kind}-bound.png`), fullPage: true });
      expect(await page.textContent('#banner')).toContain(holder);

      await page.click('[data-testid=logout]');
      await page.click('[data-testid=tab-certificate]');
      await selectMedium(page, label);
      await typePin(page, 'ca-login');
      await page.waitForSelector('[data-testid=login-ok], [data-testid=error-message]');
      await page.screenshot({ path: join(SHOTS, `keys-${kind}-login.png`), fullPage: true });
      expect(await page.textContent('#banner')).toContain('CA登录成功');
      expect(await page.textContent('[data-testid=who]')).toContain('CA登录');
      expect(errors).toEqual([]);
      await context.close();
    }, 90_000);
  }
});
