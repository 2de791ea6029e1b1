// 赵六的BJCA UKey（模拟）: an emulator of BJCA's key client (BJCA证书应用环境, XTX 3.4.1 WebSocket) on
// 127.0.0.1, answering from a software token that holds an SM2 signing / encryption pair issued by its
// own demo CA. The page uses @yizheng/provider-bjca's real driver against it.
//
//   bash scripts/x.sh pnpm exec tsx examples/portal/keys/bjca.mjs
//
// The emulator is test support in the provider's sources (not in its dist), hence tsx.
import { createSoftwareToken } from '@yizheng/core/software-token';
import { startXtxEmulator } from '../../../packages/provider-bjca/src/browser/emulator.ts';
import { COMPANY, loadOrMakeKey, publishDescriptor } from './common.mjs';

/** A certId as BJCA's client writes them: `<container>/<device serial>`. */
const CERT_ID = 'SM2SIGN-demo0001/BJDEMO0001';

// In BJCA's profile (its CA names, the holder's unique id and the USCC under BJCA's OID arc), so that
// @yizheng/provider-bjca recognises it as BJCA's, as the page's driver says it is.
const key = loadOrMakeKey('bjca', {
  holder: '赵六',
  keyAlgorithm: 'sm2',
  pair: true,
  profile: {
    caSubject: 'CN=Yizheng Demo Beijing SM2 CA, OU=BJCA, O=BJCA, C=CN',
    subject: `CN=赵六, O=${COMPANY.name}, C=CN`,
    extensions: [['1.2.156.112562.2.1.1.1', `JJ${COMPANY.uscc}`], ['1.2.156.112562.2.1.1.17', COMPANY.uscc]],
  },
});
const token = await createSoftwareToken({
  id: 'bjca-emulated',
  keyId: 'BJDEMO0001',
  provider: 'bjca',
  pin: key.pin,
  maxTries: 10,
  pinLength: { min: 6, max: 16 },
  signatureFormat: 'der',
  certificates: [
    {
      id: CERT_ID,
      certificate: key.certificate,
      privateKey: key.privateKey,
      encryptionCertificate: key.encryptionCertificate,
      encryptionPrivateKey: key.encryptionPrivateKey,
    },
  ],
});
const emulator = await startXtxEmulator(token);
const file = publishDescriptor(
  {
    kind: 'bjca',
    label: { 'zh-CN': '赵六的BJCA UKey（模拟BJCA证书应用环境）', en: "Zhao Liu's BJCA key (emulated BJCA client)" },
    url: emulator.url,
    caPem: key.caPem,
    driver: { url: emulator.url, legacyUrls: [] },
  },
  () => emulator.stop(),
);

process.stdout.write(
  [
    `[bjca] emulated BJCA证书应用环境 (XTX 3.4.1) at ${emulator.url}`,
    `[bjca] key: 赵六 (SM2 signing + encryption pair, ${key.made ? 'made now' : 'reused'}: ${key.file})`,
    `[bjca] PIN: ${key.pin}   (6–16 characters, 10 tries)`,
    `[bjca] descriptor: ${file}`,
    '[bjca] Ctrl+C to stop',
    '',
  ].join('\n'),
);
