// The key drivers the page offers: the demo "USB keys" (software tokens, each its own medium) and,
// when started, the PKCS#11 bridge and the BJCA / CFCA client emulators. A real platform offers the
// vendor drivers of the CAs it accepts; the calls are the same.
import { api } from './api.js';

/** @returns {Promise<Array<{ id: string, label: { 'zh-CN': string, en: string }, driver: import('/vendor/core/client.js').TokenDriver }>>} */
export async function loadKeyDrivers({ locale, typePin, onApprovalCode }) {
  const { demoKeys, descriptors } = await api('GET', '/api/keys');
  const { createDrivers } = await import('/vendor/portal-keys/page-drivers.js');
  // The medium is labelled as a demo key; its certificate keeps the key's own name.
  const demo = demoKeys.map((key) => ({ ...key, label: { 'zh-CN': `演示UKey：${key.label}`, en: `Demo key: ${key.label}` }, certificateLabel: key.label }));
  return createDrivers(descriptors, demo, { locale, typePin, onApprovalCode });
}
