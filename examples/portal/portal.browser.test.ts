/**
 * The sample portal in real Chromium: account login, binding with a demo software key, CA login, a
 * wrong PIN with the tries left, an unbound key told to bind first — as a supplier would click it.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteStores } from '@yizheng/core/stores';
import { CHROMIUM_ARGS, findChromium } from '../../packages/core/test-utils/chromium';
// @ts-expect-error plain-JS example modules have no declarations
import { createPortal } from './app.mjs';
// @ts-expect-error plain-JS example modules have no declarations
import { loadDemoKeys } from './demo-data.mjs';

const found = findChromium();
let server: Server;
let browser: Browser;
let page: Page;
let base: string;

beforeAll(async () => {
  if (found.path === null) return;
  const dir = mkdtempSync(join(tmpdir(), 'portal-browser-'));
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on('request', createPortal({ stores: createSqliteStores({ path: join(dir, 'p.sqlite') }), demo: loadDemoKeys(dir), origin: base }));
  // launch() gives every run a fresh, throwaway profile.
  browser = await chromium.launch({ executablePath: found.path, args: CHROMIUM_ARGS });
  page = await browser.newPage();
  await page.goto(`${base}/`);
  await page.waitForFunction(() => (document.querySelector('[data-testid=cert]') as HTMLSelectElement | null)?.options.length === 1);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

async function click(testId: string): Promise<string> {
  const before = await page.textContent('[data-testid=result]');
  await page.click(`[data-testid=${testId}]`);
  await page.waitForFunction((prev) => document.querySelector('[data-testid=result]')?.textContent !== prev, before);
  return (await page.textContent('[data-testid=result]')) ?? '';
}

describe.skipIf(found.path === null)('sample portal in Chromium', () => {
  it('tells an unbound key to bind first', async () => {
    expect(await click('ca-login')).toContain('[NOT_BOUND] 该证书尚未绑定账号，请先绑定。');
  });

  it('binds after an account login and then logs in with the certificate', async () => {
    await page.selectOption('[data-testid=account]', 'zhangsan');
    expect(await click('password-login')).toContain('账号登录成功');
    await page.selectOption('[data-testid=target]', 'zhangsan');
    expect(await click('bind')).toContain('绑定成功');
    expect(await click('ca-login')).toContain('CA登录成功');
    // The page refreshes who is signed in and the binding list after the result is shown.
    await page.waitForFunction(() => document.querySelector('[data-testid=bindings]')?.textContent?.includes('zhangsan'));
    expect(await page.textContent('[data-testid=who]')).toContain('CA登录');
  });

  it('shows the tries left after a wrong PIN (seed 001)', async () => {
    await page.fill('[data-testid=pin]', '000000');
    expect(await click('ca-login')).toContain('校验失败，UKey密码错误。还有5次机会');
    await page.fill('[data-testid=pin]', '123456');
  });
});
