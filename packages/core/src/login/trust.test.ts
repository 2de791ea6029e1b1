import { describe, expect, it } from 'vitest';
import { isYizhengError } from '../errors/index';
import { createGenericProvider } from '../providers/index';
import { createTestCa, issueCertificate } from '../testing/index';
import { createTrustStore } from '../trust/index';
import { createCertificateTrust } from './trust';

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
