/* global document */
// In the page (plain ES module, no bundler): the key drivers the login page offers. The demo software
// keys always; and, for each start command running (descriptors from descriptors.mjs
// `readKeyDescriptors`), the real driver a platform would use: @yizheng/pkcs11-bridge/browser against
// the yizheng-bridge on SoftHSM2, @yizheng/provider-bjca/browser against the emulated BJCA client,
// @yizheng/provider-cfca/browser against the emulated CryptoKit (installed in this page first).
//
// The vendor modules are imported by bare specifier, so the page needs an import map:
//   @yizheng/core/client            → /vendor/core/client.js
//   @yizheng/core/software-token    → /vendor/core/software-token.js
//   @yizheng/pkcs11-bridge/browser  → /vendor/pkcs11-bridge/browser.js
//   @yizheng/provider-bjca/browser  → /vendor/provider-bjca/browser.js
//   @yizheng/provider-cfca/browser  → /vendor/provider-cfca/browser.js
// (the providers' dist files themselves import `@yizheng/core/client`), or pass `load`.

const SPECIFIERS = {
  software: '@yizheng/core/software-token',
  pkcs11: '@yizheng/pkcs11-bridge/browser',
  bjca: '@yizheng/provider-bjca/browser',
  cfca: '@yizheng/provider-cfca/browser',
};

/**
 * The drivers to offer, in order: the demo software keys, then one per descriptor.
 *
 * @param {object[]} descriptors what `readKeyDescriptors(dataDir).descriptors` returned
 * @param {{ label: string | { 'zh-CN': string, en: string }, certificate: string, privateKey: string, pin?: string, mustChange?: boolean, certificateLabel?: string }[]} demoKeys
 *   the portal's demo keys; each becomes its own software token
 * @param {object | ((specifier: string) => Promise<object>)} [options] or just `load`:
 *   - `load(specifier)`: imports a module (a bare specifier above, or the CFCA emulator's URL path);
 *     default `import(specifier)`
 *   - `onApprovalCode(code)`: shows the bridge's 6-digit approval code (only for a site the bridge
 *     was not started with in PORTAL_ORIGIN)
 *   - `typePin()`: the emulated CryptoKit's PIN dialog (the PIN, or null for 取消); default `prompt()`
 *   - `locale`: `zh-CN` (default) or `en`, for the drivers' error messages
 *   - `onError(descriptor, error)`: a driver that could not be set up (left out); default console.warn
 *   - `overrides`: more options per kind, e.g. `{ bjca: { interactiveTimeoutMs: 120000 } }` (tests
 *     outside a browser pass `createSocket` / `pageUrl` here)
 * @returns {Promise<{ id: string, kind: 'software' | 'pkcs11' | 'bjca' | 'cfca', label: { 'zh-CN': string, en: string }, driver: import('@yizheng/core/client').TokenDriver }[]>}
 */
export async function createDrivers(descriptors, demoKeys, options = {}) {
  const opts = typeof options === 'function' ? { load: options } : options;
  const load = opts.load ?? ((specifier) => import(specifier));
  const locale = opts.locale ?? 'zh-CN';
  const onError = opts.onError ?? ((d, error) => console.warn(`[keys] ${d.kind} driver left out:`, error));
  const list = [];

  if (demoKeys.length > 0) {
    const { createSoftwareToken } = await load(SPECIFIERS.software);
    for (const [i, key] of demoKeys.entries()) {
      const label = typeof key.label === 'string' ? { 'zh-CN': key.label, en: key.label } : key.label;
      const driver = await createSoftwareToken({
        id: `software-${i + 1}`,
        keyId: `DEMO-${i + 1}`,
        ...(key.pin && { pin: key.pin }),
        ...(key.mustChange === true && { mustChange: true }),
        certificates: [{ certificate: key.certificate, privateKey: key.privateKey, label: key.certificateLabel ?? label['zh-CN'] }],
      });
      list.push({ id: `software-${i + 1}`, kind: 'software', label, driver });
    }
  }

  for (const d of descriptors) {
    try {
      list.push({ id: d.kind, kind: d.kind, label: d.label, driver: await createDriver(d, load, opts, locale) });
    } catch (error) {
      onError(d, error);
    }
  }
  return list;
}

/** The real driver for one descriptor. */
async function createDriver(d, load, opts, locale) {
  switch (d.kind) {
    case 'pkcs11': {
      const { createPkcs11BridgeDriver } = await load(SPECIFIERS.pkcs11);
      return createPkcs11BridgeDriver({ ...d.driver, locale, ...(opts.onApprovalCode && { onApprovalCode: opts.onApprovalCode }), ...opts.overrides?.pkcs11 });
    }
    case 'bjca': {
      const { createBjcaDriver } = await load(SPECIFIERS.bjca);
      return createBjcaDriver({ ...d.driver, ...opts.overrides?.bjca });
    }
    case 'cfca': {
      // CryptoKit is an extension: its emulation is installed in this page, then the real driver finds it.
      const [{ installCryptoKitEmulator }, { createCfcaDriver }] = await Promise.all([load(d.emulator.script), load(SPECIFIERS.cfca)]);
      const kit = await installCryptoKitEmulator({
        ...d.key,
        productId: d.driver.productId,
        extensionId: d.driver.extensionId,
        ...(opts.typePin && { typePin: opts.typePin }),
      });
      // Outside a browser (tests) the emulator listens on a stand-in document: hand it to the driver.
      const where = typeof document === 'undefined' ? { document: kit.document } : {};
      return createCfcaDriver({ ...d.driver, ...where, ...opts.overrides?.cfca });
    }
    default:
      throw new Error(`unknown key kind ${d.kind}`);
  }
}
