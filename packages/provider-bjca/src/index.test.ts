import { createProviderRegistry, parseCertificate } from '@yizheng/core';
import { runProviderConformance, testKitSignature, type OwnCertificateFixture, type SignatureFixture } from '@yizheng/core/conformance';
import { createTestCa, issueCertificate, utf8Extension } from '@yizheng/core/testing';
import { describe, expect, it } from 'vitest';
import { hasVectors, readVector } from '../../core/test-utils/vectors';
import { cfcaFixtures } from '../../provider-cfca/src/fixtures';
import { cfcaProvider } from '../../provider-cfca/src/index';
import { cmcaFixtures } from '../../provider-cmca/src/fixtures';
import { cmcaProvider } from '../../provider-cmca/src/index';
import { huixinFixtures } from '../../provider-huixin/src/fixtures';
import { huixinProvider } from '../../provider-huixin/src/index';
import { createBjcaDriver } from './browser/index';
import { bjcaFixtures } from './fixtures';
import { BJCA_UNIQUE_ID_OID, bjcaProvider, bjcaProviderInfo, createBjcaProvider } from './index';

/** The real BJCA test certificate of the shared vectors (issuer CN=Beijing SM2 CA, OU=BJCA, O=BJCA). */
const vector: OwnCertificateFixture[] = hasVectors
  ? [
      {
        name: 'real BJCA SM2 test certificate (vectors/bjca-challenge)',
        certificate: readVector('bjca-challenge', 'cert.der'),
        identity: {
          entityName: 'BJCA',
          vendorUid: 'JJTEST002',
          source: { vendorUid: `extension:${BJCA_UNIQUE_ID_OID}`, entityName: 'subject:O' },
        },
      },
    ]
  : [];

const vectorSignature: SignatureFixture[] = hasVectors
  ? [
      {
        name: 'the real BJCA client signature over the ASCII challenge (DER, default SM2 user id)',
        certificate: readVector('bjca-challenge', 'cert.der'),
        data: readVector('bjca-challenge', 'challenge.txt'),
        signature: readVector('bjca-challenge', 'signature.der'),
        format: 'der',
      },
    ]
  : [];

const fixtures = bjcaFixtures();

runProviderConformance(bjcaProvider, {
  own: [...fixtures.own, ...vector],
  foreign: [...cfcaFixtures().own, ...huixinFixtures().own, ...cmcaFixtures().own],
  others: [cfcaProvider, huixinProvider, cmcaProvider],
  signatures: [
    testKitSignature(fixtures.sm2Signing),
    ...vectorSignature,
  ],
  // The page entry's driver: no BJCA client listening, and a PIN too short for BJCA keys.
  driverErrors: async () => {
    const driver = createBjcaDriver({ url: 'ws://127.0.0.1:1/xtxapp/', timeoutMs: 400 });
    return [await driver.listCertificates().catch((e: unknown) => e), await driver.login('cert-1', '12345').catch((e: unknown) => e)];
  },
});

describe('BJCA provider', () => {
  it('carries the BJCA names and the hotlines users are told to call', () => {
    expect(bjcaProviderInfo.id).toBe('bjca');
    expect(bjcaProvider.info.support.map((c) => c.phone)).toEqual(['010-5851-5511', '400-919-7888']);
    expect(createProviderRegistry([bjcaProvider]).get('北京CA')).toBe(bjcaProvider);
  });

  describe.skipIf(!hasVectors)('on the real BJCA certificate of the shared vectors', () => {
    it('extracts JJTEST002 as the vendor uid and recognises it by issuer, arc, URLs and key id', () => {
      const cert = parseCertificate(readVector('bjca-challenge', 'cert.der'));
      expect(bjcaProvider.extractIdentity(cert).vendorUid).toBe('JJTEST002');
      const r = bjcaProvider.recognize(cert);
      expect(r?.confidence).toBeGreaterThan(0.99);
      expect(r?.evidence).toEqual([
        'issuer O = "BJCA" (verified)',
        'issuer OU = "BJCA" (verified)',
        'issuer CN "Beijing SM2 CA" starts with "Beijing" (verified)',
        'extension 1.2.156.112562.2.1.1.1 under the vendor arc 1.2.156.112562 (verified)',
        'authorityKeyIdentifier 1fe6cfd48fc5222a974a298a15e716c99234c4b6 (verified)',
        'CRL/OCSP/caIssuers host crl.bjca.org.cn (verified)',
      ]);
    });
  });

  it('gives a weak hint only for a "Beijing…" issuer without any BJCA mark, and takes configured key ids and anchors', () => {
    const ca = createTestCa({ subject: 'CN=Beijing Other CA, O=Other, C=CN' });
    const leaf = issueCertificate({ subject: 'CN=张三', issuer: ca, extensions: [utf8Extension('1.2.156.10260.4.1.4', '91350200556207664B')] });
    expect(bjcaProvider.recognize(leaf.certificate)?.confidence).toBe(0.4);
    const configured = createBjcaProvider({
      authorityKeyIds: [ca.certificate.subjectKeyIdentifier ?? ''],
      trust: { anchors: [ca.pem], revocation: 'require' },
    });
    expect(configured.recognize(leaf.certificate)?.evidence).toContain(`authorityKeyIdentifier ${ca.certificate.subjectKeyIdentifier ?? ''} (configured)`);
    expect(configured.trust?.anchors).toEqual([ca.certificate]);
    // A certificate of another vendor with a "Beijing" issuer still goes to the provider with stronger evidence.
    const registry = createProviderRegistry([bjcaProvider, cfcaProvider]);
    expect(registry.identify(leaf.certificate).provider).toBe(bjcaProvider);
  });
});
