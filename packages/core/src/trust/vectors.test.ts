/**
 * Real SM2 chains (shared vectors): the national NRCAC roots and a Tongsuo test chain validate with
 * SM2-with-SM3 signature checks; a wrong anchor fails.
 */
import { describe, expect, it } from 'vitest';
import { hasVectors, readVectorText } from '../../test-utils/vectors';
import { parseCertificate, parseCertificates } from '../cert/index';
import { isYizhengError } from '../errors/index';
import { createTrustStore, validateCertificatePath } from './index';

const AT = new Date('2024-06-01T00:00:00Z');

describe.skipIf(!hasVectors)('real SM2 chains', () => {
  const cert = (name: string) => parseCertificate(readVectorText(name));

  it.each([
    ['sm2-real-ca/ROOTCA.pem', 'sm2-real-ca/AntFinancialS1.pem', 'Ant Financial Certification Authority S1'],
    ['sm2-real-ca/CivilServantROOT.pem', 'sm2-real-ca/TJCA.pem', 'TJCA'],
  ])('%s → %s validates (SM2-with-SM3)', async (root, child, cn) => {
    const r = await validateCertificatePath(cert(child), { trustStore: createTrustStore(cert(root)), at: AT });
    expect(r.path.map((c) => c.subject.commonName)).toEqual([cn, cert(root).subject.commonName]);
    expect(r.path[0]?.signatureAlgorithm.oid).toBe('1.2.156.10197.1.501');
  });

  it('the Tongsuo SM2 test chain validates leaf → sub CA → root (valid to 2123)', async () => {
    const [root, subInBundle] = parseCertificates(readVectorText('sm2-test-chain/chain-ca.crt'));
    expect(subInBundle?.sha256).toBe(cert('sm2-test-chain/chain-2.pem').sha256);
    if (root === undefined) throw new Error('no root');
    const leaf = cert('sm2-test-chain/server_sign.crt');
    for (const at of [AT, new Date('2123-01-01T00:00:00Z')]) {
      const r = await validateCertificatePath(leaf, {
        trustStore: createTrustStore(root),
        intermediates: readVectorText('sm2-test-chain/chain-2.pem'),
        at,
      });
      expect(r.path.map((c) => c.subject.commonName)).toEqual(['server sign', 'sub ca', 'root ca']);
    }
    // chain-1.pem is the same root.
    expect(cert('sm2-test-chain/chain-1.pem').sha256).toBe(root.sha256);
    // After 2123 the chain has expired; before 2023 it was not yet valid.
    const late = await validateCertificatePath(leaf, { trustStore: createTrustStore(root), intermediates: readVectorText('sm2-test-chain/chain-2.pem'), at: new Date('2124-01-01T00:00:00Z') }).catch((e: unknown) => e);
    expect(isYizhengError(late, 'CERT_EXPIRED')).toBe(true);
    const early = await validateCertificatePath(leaf, { trustStore: createTrustStore(root), intermediates: readVectorText('sm2-test-chain/chain-2.pem'), at: new Date('2022-01-01T00:00:00Z') }).catch((e: unknown) => e);
    expect(isYizhengError(early, 'CERT_NOT_YET_VALID')).toBe(true);
  });

  it.each([
    ['sm2-real-ca/CivilServantROOT.pem', 'sm2-real-ca/AntFinancialS1.pem'],
    ['sm2-real-ca/ROOTCA.pem', 'sm2-real-ca/TJCA.pem'],
    ['sm2-real-ca/ROOTCA.pem', 'sm2-test-chain/server_sign.crt'],
  ])('a wrong anchor (%s for %s) is CERT_UNTRUSTED', async (root, child) => {
    const e = await validateCertificatePath(cert(child), { trustStore: createTrustStore(cert(root)), at: AT }).catch((x: unknown) => x);
    expect(isYizhengError(e, 'CERT_UNTRUSTED')).toBe(true);
  });

  it('a real root supplied only as an intermediate does not make the chain trusted', async () => {
    const e = await validateCertificatePath(cert('sm2-real-ca/TJCA.pem'), {
      trustStore: createTrustStore(cert('sm2-real-ca/ROOTCA.pem')),
      intermediates: [cert('sm2-real-ca/CivilServantROOT.pem')],
      at: AT,
    }).catch((x: unknown) => x);
    // CivilServantROOT is self-signed and not an anchor here: the failure names it.
    expect(isYizhengError(e, 'CERT_UNTRUSTED')).toBe(true);
    if (isYizhengError(e)) expect(e.details['subject']).toBe('CN=Civil Servant ROOT, O=NRCAC, C=CN');
  });
});
