/**
 * The CMCA SOF driver in a real browser (Debian's Chromium through the shared harness), with its
 * default carrier (the SDK's documented SOF-over-JSON shape, over a WebSocket) talking to an
 * emulated client on another loopback port: the same fault cases as the Node tests.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { sofPageChecks } from '../../../core/src/client/sof-chromium-emulator';
import { findChromium, openDriverPage, type DriverPage } from '../../../core/test-utils/driver-chromium';
import { CMCA_CLIENT_NAME } from './index';

const chromium = findChromium();

describe.skipIf(chromium.skip !== null)('CMCA SOF driver in Chromium (default carrier over a WebSocket)', () => {
  let page: DriverPage | undefined;
  beforeAll(async () => {
    page = await openDriverPage({ entry: new URL('./index.ts', import.meta.url), factory: 'createCmcaDriver' });
  }, 60_000);
  afterAll(() => page?.close());

  const checks = sofPageChecks({
    page: () => {
      if (!page) throw new Error('the page did not open');
      return page;
    },
    wire: 'ws',
    provider: 'cmca',
    client: CMCA_CLIENT_NAME,
  });
  for (const check of checks) it(check.name, check.run, 20_000);
});
