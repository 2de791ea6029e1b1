// The NestJS recipe end to end over real HTTP: the page's part played with @yizheng/core/client and a
// software token holding a certificate of a test CA (real signatures), the server on memory stores.
import { expect, it } from 'vitest';
import { browserAt, createRecipeFixture, expectMalformedBodyRefused, itBindsLogsInAndUnbinds, serveDuringTests } from '@yizheng/example-recipe-kit/testing';
import { createApp } from './server';

const { yizheng, account, key, origin } = await createRecipeFixture();

const base = serveDuringTests(async () => {
  const app = await createApp({ yizheng, origin, account });
  await app.listen(0, '127.0.0.1');
  return { base: await app.getUrl(), close: () => app.close() };
});

/** A browser on the recipe's site, signing with the test key. */
const browser = () => browserAt(base(), key);

itBindsLogsInAndUnbinds(browser, account);

it('answers a malformed token with 400 TOKEN_MALFORMED, and what Nest refuses with fixed messages', async () => {
  const page = browser();
  expect((await page.call('GET', '/api/bindings')).status).toBe(401);
  await page.call('POST', '/api/account-login');
  await page.sign('login');
  const malformed = await page.call('POST', '/api/ca-login', { format: 'yizheng:1', certificate: 'AA==' });
  expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'TOKEN_MALFORMED', message: { en: expect.stringContaining('signature') } } } });
  await expectMalformedBodyRefused(page);
  expect((await page.call('GET', '/api/nothing-here')).status).toBe(404);
});
