// The key drivers the page offers: the demo "USB keys" (software tokens, each its own medium) and,
// when started, the PKCS#11 bridge and the BJCA / CFCA client emulators. A real platform offers the
// vendor drivers of the CAs it accepts; the calls are the same.
import { createSoftwareToken } from '/vendor/core/software-token.js';
import { api } from './api.js';

/** @returns {Promise<Array<{ id: string, label: { 'zh-CN': string, en: string }, driver: import('/vendor/core/client.js').TokenDriver }>>} */
export async function loadKeyDrivers({ locale, typePin, onApprovalCode }) {
  const { demoKeys, descriptors } = await api('GET', '/api/keys');
  const media = await Promise.all(demoKeys.map(async (key, i) => ({
    id: `demo-${i + 1}`,
    label: { 'zh-CN': `演示UKey：${key.label}`, en: `Demo key: ${key.label}` },
    driver: await createSoftwareToken({
      id: 'software',
      keyId: `DEMO-${i + 1}`,
      pin: key.pin,
      mustChange: key.mustChange === true,
      certificates: [{ certificate: key.certificate, privateKey: key.privateKey, label: key.label }],
    }),
  })));
  if (descriptors.length > 0) {
    try {
      const { createDrivers } = await import('/vendor/portal-keys/page-drivers.js');
      media.push(...(await createDrivers(descriptors, [], { locale, typePin, onApprovalCode })));
    } catch (error) {
      console.warn('the started key clients could not be loaded', error);
    }
  }
  return media;
}
