import { createHash, generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { failure } from '../../test-utils/errors';
import { derNull, derOid, derSequence } from '../asn1/encode';
import { subjectPublicKeyBits } from '../cert/public-key';
import { isYizhengError } from '../errors/index';
import { createGenericProvider, defineProvider, type CaProvider } from '../providers/index';
import { createTestCa, issueCertificate, type TestKey } from '../testing/index';
import { createTrustStore } from './index';
import { createCertificateTrust } from './certificate-trust';

const DAY = 86_400_000;

describe('createCertificateTrust', () => {
  it('remembers a validated path only while every certificate in it is valid', async () => {
    const start = new Date('2026-01-01T00:00:00Z').getTime();
    const ca = createTestCa({ subject: 'CN=Short CA', notBefore: new Date(start), notAfter: new Date(start + 100 * DAY) });
    const leaf = issueCertificate({ subject: 'CN=张三', issuer: ca, notBefore: new Date(start), notAfter: new Date(start + 300 * DAY) });
    const trust = createCertificateTrust({ trustStore: createTrustStore(ca.certificate), revocation: { policy: 'off' } });
    const provider = createGenericProvider();
    await trust.validate(leaf.certificate, { provider, at: new Date(start + 10 * DAY) });
    await trust.validate(leaf.certificate, { provider, at: new Date(start + 20 * DAY) });
    const late = await trust.validate(leaf.certificate, { provider, at: new Date(start + 200 * DAY) }).catch((e: unknown) => e);
    expect(isYizhengError(late, 'CERT_EXPIRED')).toBe(true);
    const early = await trust.validate(leaf.certificate, { provider, at: new Date(start - DAY) }).catch((e: unknown) => e);
    expect(isYizhengError(early, 'CERT_NOT_YET_VALID')).toBe(true);
  });

  it('lets a provider-labelled anchor vouch only for that provider', async () => {
    const ca = createTestCa({ subject: 'CN=BJCA Test CA' });
    const leaf = issueCertificate({ subject: 'CN=张三', issuer: ca });
    const trust = createCertificateTrust({ trustStore: createTrustStore([{ certificate: ca.certificate, provider: 'bjca' }]), revocation: { policy: 'off' } });
    const err = await trust.validate(leaf.certificate, { provider: createGenericProvider(), at: new Date() }).catch((e: unknown) => e);
    expect(isYizhengError(err, 'CERT_UNTRUSTED')).toBe(true);
  });
});

/** An RSA-1024 key (the test kit makes RSA-2048 only). */
function rsa1024(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  const bits = subjectPublicKeyBits(spki);
  return {
    algorithm: 'rsa',
    spki,
    publicKeyBits: bits,
    keyIdentifier: new Uint8Array(createHash('sha1').update(bits).digest()),
    signatureAlgorithm: () => derSequence(derOid('1.2.840.113549.1.1.11'), derNull()),
    sign: (data: Uint8Array) => new Uint8Array(nodeSign('sha256', data, privateKey)),
    pkcs8: () => new Uint8Array(privateKey.export({ type: 'pkcs8', format: 'der' })),
  };
}

describe('minimum RSA key size per provider', () => {
  const legacyRoot = createTestCa({ subject: 'CN=Legacy RSA-1024 Root, O=老CA, C=CN', key: rsa1024() });
  const leaf = issueCertificate({ subject: 'CN=张三', issuer: legacyRoot, keyAlgorithm: 'ec' });
  const legacy = (minRsaBits?: number): CaProvider =>
    defineProvider({
      info: { id: 'legacy', names: { 'zh-CN': '老CA', en: 'Legacy CA' }, aliases: [], support: [] },
      recognize: () => ({ confidence: 1, evidence: ['test'] }),
      extractIdentity: (c) => createGenericProvider().extractIdentity(c),
      ...(minRsaBits !== undefined && { trust: { minRsaBits } }),
    });
  const at = new Date();
  const labelled = createTrustStore([{ certificate: legacyRoot.certificate, provider: 'legacy' }]);
  const unlabelled = createTrustStore(legacyRoot.certificate);

  it('refuses an RSA-1024 path by default (2048), for any provider', async () => {
    const trust = createCertificateTrust({ trustStore: labelled, revocation: { policy: 'off' } });
    const e = await failure(trust.validate(leaf.certificate, { provider: legacy(), at }));
    expect(e.code).toBe('CERT_UNTRUSTED');
    expect(e.details).toMatchObject({ position: 1, reasonEn: 'the RSA key has 1024 bits, fewer than the 2048 required' });
  });

  it("accepts it under the provider's trust.minRsaBits, only when its own labelled anchor ends the path", async () => {
    await expect(
      createCertificateTrust({ trustStore: labelled, revocation: { policy: 'off' } }).validate(leaf.certificate, { provider: legacy(1024), at }),
    ).resolves.toEqual({ warnings: [] });
    const e = await failure(createCertificateTrust({ trustStore: unlabelled, revocation: { policy: 'off' } }).validate(leaf.certificate, { provider: legacy(1024), at }));
    expect(e.details).toMatchObject({ position: 1, reasonEn: 'the RSA key has 1024 bits, fewer than the 2048 required' });
    // A provider's floor above the platform's raises it.
    const rsaRoot = createTestCa({ subject: 'CN=RSA-2048 Root', keyAlgorithm: 'rsa' });
    const rsaLeaf = issueCertificate({ subject: 'CN=李四', issuer: rsaRoot, keyAlgorithm: 'ec' });
    const trust = createCertificateTrust({ trustStore: createTrustStore([{ certificate: rsaRoot.certificate, provider: 'legacy' }]), revocation: { policy: 'off' } });
    await expect(trust.validate(rsaLeaf.certificate, { provider: legacy(), at })).resolves.toEqual({ warnings: [] });
    const e2 = await failure(trust.validate(rsaLeaf.certificate, { provider: legacy(3072), at }));
    expect(e2.details).toMatchObject({ position: 1, reasonEn: 'the RSA key has 2048 bits, fewer than the 3072 required' });
  });

  it('takes a platform-wide floor and checks both settings', () => {
    expect(() => defineProvider({ ...legacy(), trust: { minRsaBits: 512 } })).toThrow(/minRsaBits must be an integer of at least 1024/);
    expect(legacy(1024).trust?.minRsaBits).toBe(1024);
    expect(() => createCertificateTrust({ trustStore: unlabelled, revocation: { policy: 'off' }, minRsaBits: 1000 })).toThrow(/minRsaBits/);
  });

  it('lets a platform lower its own floor for every provider', async () => {
    const trust = createCertificateTrust({ trustStore: unlabelled, revocation: { policy: 'off' }, minRsaBits: 1024 });
    await expect(trust.validate(leaf.certificate, { provider: createGenericProvider(), at })).resolves.toEqual({ warnings: [] });
  });
});
