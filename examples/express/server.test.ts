// The Express recipe end to end over real HTTP: the page's part played with @yizheng/core/client and a
// software token holding a certificate of a test CA (real signatures), the server on memory stores.
import { expect, it } from 'vitest';
import { browserAt, createRecipeFixture, expectMalformedBodyRefused, itBindsLogsInAndUnbinds, listening, serveDuringTests } from '@yizheng/example-recipe-kit/testing';
import { createApp } from './server';

const { yizheng, account, key, origin } = await createRecipeFixture();

const base = serveDuringTests(() => listening(createApp({ yizheng, origin, account }).listen(0, '127.0.0.1')));

/** A browser on the recipe's site, signing with the test key. */
const browser = () => browserAt(base(), key);

itBindsLogsInAndUnbinds(browser, account);

it('answers binding a bound certificate again with 409 ALREADY_BOUND, and what Express refuses with fixed messages', async () => {
  const page = browser();
  expect((await page.call('POST', '/api/bindings', {})).status).toBe(401);
  await page.call('POST', '/api/account-login');
  expect((await page.call('POST', '/api/bindings', await page.sign('bind'))).status).toBe(201);
  const twice = await page.call('POST', '/api/bindings', await page.sign('bind'));
  expect(twice).toMatchObject({ status: 409, body: { error: { code: 'ALREADY_BOUND' } } });
  await expectMalformedBodyRefused(page);
});
