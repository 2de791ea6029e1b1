/**
 * Test support (never shipped): the page entry the Chromium test bundles. In the page, CryptoKit is
 * emulated over a software token: the extension's content script on the page's real `document`
 * (real `CustomEvent`s, the `<productId>.extension` marker element), or a fake `chrome.runtime` put
 * on the page's `chrome` object; the driver finds either by itself (transport `auto`). The test steers
 * the emulator through {@link rig}: the PINs the user types next, the extension and host switches,
 * reply faults.
 */
import { createSoftwareToken, type SoftwareToken } from '@yizheng/core/software-token';
import { createCfcaDriver, type CryptoKitDocument } from '../cryptokit';
import { emulateCryptoKit, type CryptoKitEmulator } from '../emulator';

/** What the test passes (structured-cloneable). */
export interface PageRigOptions {
  readonly certificate: string;
  readonly privateKey: string;
  readonly id: string;
  readonly certType?: string;
  readonly via: 'runtime' | 'events';
  readonly timeoutMs?: number;
  readonly interactiveTimeoutMs?: number;
}

/** The emulator behind the last driver, and the PINs the CSP dialog types next (`null`: 取消; `pull`: the key is pulled out, then the right PIN). */
export interface PageRig {
  readonly token: SoftwareToken;
  readonly kit: CryptoKitEmulator;
  readonly pins: (string | null)[];
}

const page = globalThis as unknown as { document: CryptoKitDocument; chrome?: { runtime?: unknown } };
let current: PageRig | undefined;

/** A CryptoKit emulator in this page and a driver for it (the factory the test calls). */
export async function createEmulatedCfcaDriver(options: PageRigOptions) {
  current?.kit.stop();
  const token = await createSoftwareToken({
    certificates: [{ certificate: options.certificate, privateKey: options.privateKey, id: options.id }],
    pin: '123456',
    maxTries: 3,
    signatureFormat: 'cms',
  });
  const pins: (string | null)[] = [];
  const kit = emulateCryptoKit(token, {
    document: page.document,
    certType: options.certType ?? 'SM2',
    typePin: () => {
      const next = pins.length > 0 ? pins.shift() : '123456';
      if (next !== 'pull') return next ?? null;
      token.remove();
      return '123456';
    },
  });
  if (options.via === 'runtime') (page.chrome ??= {}).runtime = kit.runtime;
  else if (page.chrome) delete page.chrome.runtime;
  current = { token, kit, pins };
  return createCfcaDriver({
    productId: kit.productId,
    extensionId: kit.extensionId,
    timeoutMs: options.timeoutMs ?? 2000,
    interactiveTimeoutMs: options.interactiveTimeoutMs ?? 10_000,
  });
}

/** The current rig. */
export function rig(): PageRig | undefined {
  return current;
}
