// The Fastify recipe end to end over real HTTP: the page's part played with @yizheng/core/client and a
// software token holding a certificate of a test CA (real signatures), the server on memory stores.
import { expect, it } from 'vitest';
import { browserAt, createRecipeFixture, expectMalformedBodyRefused, itBindsLogsInAndUnbinds, serveDuringTests } from '@yizheng/example-recipe-kit/testing';
import { createApp } from './server';

const { yizheng, account, key, origin } = await createRecipeFixture();

const base = serveDuringTests(async () => {
  const app = await createApp({ yizheng, origin, account });
  return { base: await app.listen({ port: 0, host: '127.0.0.1' }), close: () => app.close() };
});

/** A browser on the recipe's site, signing with the test key. */
const browser = () => browserAt(base(), key);

itBindsLogsInAndUnbinds(browser, account);

it('answers a replayed login token with 401 CHALLENGE_NOT_FOUND, and what Fastify refuses with fixed messages', async () => {
  const page = browser();
  expect((await page.call('POST', '/api/bindings', {})).status).toBe(401);
  await page.call('POST', '/api/account-login');
  expect((await page.call('POST', '/api/bindings', await page.sign('bind'))).status).toBe(201);
  const token = await page.sign('login');
  expect((await page.call('POST', '/api/ca-login', token)).status).toBe(200);
  const replayed = await page.call('POST', '/api/ca-login', token);
  expect(replayed).toMatchObject({ status: 401, body: { error: { code: 'CHALLENGE_NOT_FOUND' } } });
  await expectMalformedBodyRefused(page);
});
