/* global document, prompt */
// The page side of the CFCA CryptoKit emulator (cfca.mjs bundles this file, with the emulator from
// @yizheng/provider-cfca's sources and core's software token, into one self-contained ES module that
// the portal serves). CryptoKit is a browser extension plus a native host: it cannot run as a separate
// process, so the emulated extension runs in the page itself, on the page's `document` (the
// extension's DOM-event content script and its `<productId>.extension` marker element), over a
// software token holding the demo key. The page then uses @yizheng/provider-cfca's real driver.
import { createSoftwareToken } from '../../../packages/core/src/software-token/index.ts';
import { emulateCryptoKit } from '../../../packages/provider-cfca/src/browser/emulator.ts';

let current;

/**
 * Installs the emulated CryptoKit over a software token holding `certificate` / `privateKey` (PIN
 * `pin`). `typePin` is the CSP's PIN dialog (return the PIN, or null for 取消); default the browser's
 * `prompt`, or the key's PIN where there is none. `document` defaults to the page's (an `EventTarget`
 * stand-in outside a browser). Installing again replaces the previous emulator.
 */
export async function installCryptoKitEmulator(options) {
  current?.kit.stop();
  const token = await createSoftwareToken({
    id: 'cfca-emulated',
    provider: 'cfca',
    keyId: options.keyId ?? 'CFCADEMO0001',
    pin: options.pin,
    maxTries: options.maxTries ?? 10,
    signatureFormat: 'cms',
    certificates: [{ id: options.id, certificate: options.certificate, privateKey: options.privateKey }],
  });
  const ask = (message) => (typeof prompt === 'function' ? prompt(message) : options.pin);
  const typePin =
    options.typePin ??
    (() => ask('CFCA CryptoKit（模拟）：请输入UKey密码 / CFCA CryptoKit (emulated): enter the key PIN'));
  const kit = emulateCryptoKit(token, {
    productId: options.productId,
    extensionId: options.extensionId,
    certType: options.certType ?? 'SM2',
    typePin,
    ...(options.document ? { document: options.document } : typeof document === 'undefined' ? {} : { document }),
  });
  current = { token, kit };
  return { productId: kit.productId, extensionId: kit.extensionId, document: kit.document, runtime: kit.runtime, token, kit, stop: () => kit.stop() };
}
