// The Koa recipe end to end over real HTTP: the page's part played with @yizheng/core/client and a
// software token holding a certificate of a test CA (real signatures), the server on memory stores.
import { expect, it } from 'vitest';
import { browserAt, createRecipeFixture, expectMalformedBodyRefused, itBindsLogsInAndUnbinds, listening, serveDuringTests } from '@yizheng/example-recipe-kit/testing';
import { createApp } from './server';

const { yizheng, account, key, origin } = await createRecipeFixture();

const base = serveDuringTests(() => listening(createApp({ yizheng, origin, account }).listen(0, '127.0.0.1')));

/** A browser on the recipe's site, signing with the test key. */
const browser = () => browserAt(base(), key);

itBindsLogsInAndUnbinds(browser, account);

it('answers unbinding an unknown binding with 404 BINDING_NOT_FOUND, and what Koa refuses with fixed messages', async () => {
  const page = browser();
  expect((await page.call('DELETE', '/api/bindings/b-1')).status).toBe(401);
  await page.call('POST', '/api/account-login');
  const missing = await page.call('DELETE', '/api/bindings/no-such-binding');
  expect(missing).toMatchObject({ status: 404, body: { error: { code: 'BINDING_NOT_FOUND', details: { bindingId: 'no-such-binding' } } } });
  await expectMalformedBodyRefused(page);
});
