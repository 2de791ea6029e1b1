import { describe, expect, it } from 'vitest';
import { failure } from '../../test-utils/errors';
import { derSequence, derUtf8String, derBoolean, derImplicit, derIa5String, derExplicit, derOctetString } from '../asn1/encode';
import { parseCertificate } from '../cert/index';
import { isYizhengError } from '../errors/index';
import { cachedTestKey, createTestCa, generateTestKey, issueCertificate, utf8Extension, type TestCertificate } from '../testing/index';
import { encodeTestName } from '../testing/names';
import { createTrustStore, validateCertificatePath, type ValidatePathOptions } from './index';
import { checkNameConstraints, readNameConstraints } from './name-constraints';

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T08:00:00Z');
const before = (days: number): Date => new Date(NOW.getTime() - days * DAY);
const after = (days: number): Date => new Date(NOW.getTime() + days * DAY);

function chain(alg: 'ec' | 'rsa' | 'sm2' = 'ec'): { root: TestCertificate; sub: TestCertificate; leaf: TestCertificate } {
  const root = createTestCa({ subject: `CN=Root ${alg}, O=一证测试, C=CN`, key: cachedTestKey(alg, 'root'), notBefore: before(365) });
  const sub = createTestCa({ subject: `CN=Sub ${alg}, O=一证测试, C=CN`, issuer: root, key: cachedTestKey(alg, 'sub'), notBefore: before(300) });
  const leaf = issueCertificate({
    subject: 'CN=张三, O=厦门帝网信息科技有限公司, C=CN',
    issuer: sub,
    key: cachedTestKey(alg, 'leaf'),
    notBefore: before(30),
    extensions: [utf8Extension('1.2.156.10260.4.1.4', '91350200556207664B')],
  });
  return { root, sub, leaf };
}

const ec = chain('ec');

function opts(extra: Partial<ValidatePathOptions> = {}, anchors: TestCertificate[] = [ec.root]): ValidatePathOptions {
  return { trustStore: createTrustStore(anchors.map((a) => a.certificate)), intermediates: [ec.sub.certificate], at: NOW, ...extra };
}

describe('validateCertificatePath: valid paths', () => {
  it.each(['ec', 'rsa', 'sm2'] as const)('validates a 3-certificate %s chain, leaf first', async (alg) => {
    const c = alg === 'ec' ? ec : chain(alg);
    const result = await validateCertificatePath(c.leaf.pem, {
      trustStore: createTrustStore(c.root.pem),
      intermediates: [c.sub.der],
      at: NOW,
    });
    expect(result.path.map((x) => x.sha256)).toEqual([c.leaf, c.sub, c.root].map((x) => x.certificate.sha256));
    expect(result.anchor.certificate.sha256).toBe(c.root.certificate.sha256);
    expect(result.warnings).toEqual([]);
    expect(result.revocation).toEqual([]);
    expect(result.at).toBe(NOW);
  });

  it('accepts an intermediate as the anchor (Web eID style): the path ends there', async () => {
    const result = await validateCertificatePath(ec.leaf.certificate, { trustStore: createTrustStore(ec.sub.certificate), at: NOW });
    expect(result.path.map((x) => x.sha256)).toEqual([ec.leaf.certificate.sha256, ec.sub.certificate.sha256]);
  });

  it('reports the provider label of the anchor', async () => {
    const result = await validateCertificatePath(ec.leaf.certificate, {
      ...opts(),
      trustStore: createTrustStore([{ certificate: ec.root.pem, provider: 'bjca' }]),
    });
    expect(result.provider).toBe('bjca');
  });

  it('ignores unrelated intermediates and their order', async () => {
    const other = createTestCa({ subject: 'CN=Other CA', notBefore: before(10) });
    const result = await validateCertificatePath(ec.leaf.certificate, opts({ intermediates: [other.pem, ec.root.pem, ec.sub.pem, ec.leaf.pem] }));
    expect(result.path).toHaveLength(3);
  });

  it('validates a leaf that is itself an anchor alone', async () => {
    const result = await validateCertificatePath(ec.sub.certificate, { trustStore: createTrustStore(ec.sub.certificate), at: NOW });
    expect(result.path).toHaveLength(1);
  });

  it('accepts a v1 root anchor (configured out of band)', async () => {
    const root = createTestCa({ subject: 'CN=V1 Root', version: 1, notBefore: before(10) });
    const leaf = issueCertificate({ subject: 'CN=leaf', issuer: root, notBefore: before(1) });
    await expect(validateCertificatePath(leaf.certificate, { trustStore: createTrustStore(root.certificate), at: NOW })).resolves.toBeTruthy();
  });

  it('chooses among same-named CAs by key identifier and signature (CA re-key)', async () => {
    const name = 'CN=Renewed CA, O=一证测试, C=CN';
    const oldCa = createTestCa({ subject: name, notBefore: before(900), notAfter: after(30) });
    const newCa = createTestCa({ subject: name, notBefore: before(100) });
    const leaf = issueCertificate({ subject: 'CN=李四', issuer: newCa, notBefore: before(1) });
    const store = createTrustStore([oldCa.certificate, newCa.certificate]);
    const r1 = await validateCertificatePath(leaf.certificate, { trustStore: store, at: NOW });
    expect(r1.anchor.certificate.sha256).toBe(newCa.certificate.sha256);
    // Without key identifiers only the signature tells them apart.
    const bare = issueCertificate({ subject: 'CN=王五', issuer: newCa, authorityKeyIdentifier: false, notBefore: before(1) });
    const store2 = createTrustStore([newCa.certificate, oldCa.certificate].reverse());
    const r2 = await validateCertificatePath(bare.certificate, { trustStore: store2, at: NOW });
    expect(r2.anchor.certificate.sha256).toBe(newCa.certificate.sha256);
  });

  it('finds the good path past an expired cross-certificate (the "chain of pain")', async () => {
    const oldRoot = createTestCa({ subject: 'CN=Old Root', notBefore: before(3000) });
    const root = createTestCa({ subject: 'CN=New Root', notBefore: before(1000) });
    // New Root cross-signed by Old Root, expired.
    const cross = issueCertificate({ subject: 'CN=New Root', key: root.key, issuer: oldRoot, ca: true, notBefore: before(2000), notAfter: before(100) });
    const leaf = issueCertificate({ subject: 'CN=leaf', issuer: root, notBefore: before(1) });
    const result = await validateCertificatePath(leaf.certificate, {
      trustStore: createTrustStore([oldRoot.certificate, root.certificate]),
      intermediates: [cross.certificate],
      at: NOW,
    });
    expect(result.path.map((c) => c.subject.commonName)).toEqual(['leaf', 'New Root']);
    // Only the old root trusted: the expired cross-certificate is the failure reported.
    const e = await failure(
      validateCertificatePath(leaf.certificate, { trustStore: createTrustStore(oldRoot.certificate), intermediates: [cross.certificate], at: NOW }),
    );
    expect([e.code, e.details['position']]).toEqual(['CERT_EXPIRED', 1]);
  });

  it('does not count self-issued intermediates against pathLenConstraint', async () => {
    const root = createTestCa({ subject: 'CN=Root', pathLength: 1, notBefore: before(10) });
    const ica = createTestCa({ subject: 'CN=ICA', issuer: root, pathLength: 1, notBefore: before(10) });
    const rollover = createTestCa({ subject: 'CN=ICA', issuer: ica, pathLength: 0, notBefore: before(10) });
    const leaf = issueCertificate({ subject: 'CN=leaf', issuer: rollover, notBefore: before(1) });
    const r = await validateCertificatePath(leaf.certificate, {
      trustStore: createTrustStore(root.certificate),
      intermediates: [ica.certificate, rollover.certificate],
      at: NOW,
    });
    expect(r.path).toHaveLength(4);
  });

  it('accepts critical extensions it understands and non-critical unknown ones', async () => {
    const leaf = issueCertificate({
      subject: 'CN=leaf',
      issuer: ec.sub,
      notBefore: before(1),
      extKeyUsage: ['clientAuth'],
      policies: ['2.16.156.112554.1.1'],
      extensions: [{ oid: '1.2.156.112562.2.1.1.1', value: derUtf8String('JJTEST002') }],
    });
    await expect(validateCertificatePath(leaf.certificate, opts())).resolves.toBeTruthy();
  });
});

describe('validateCertificatePath: failures name the certificate', () => {
  it('CERT_EXPIRED for an expired leaf, with details and the message users know', async () => {
    const leaf = issueCertificate({ subject: 'CN=过期用户, O=某某公司, C=CN', issuer: ec.sub, notBefore: before(400), notAfter: before(1), serialNumber: 0x1a2bn });
    const e = await failure(validateCertificatePath(leaf.certificate, opts()));
    expect(e.code).toBe('CERT_EXPIRED');
    expect(e.details).toMatchObject({
      position: 0,
      subject: 'CN=过期用户, O=某某公司, C=CN',
      serialNumber: '1A2B',
      sha256: leaf.certificate.sha256,
      notAfter: before(1).toISOString(),
    });
    expect(e.localizedMessage('zh-CN')).toContain('证书已过期');
    expect(e.localizedMessage('en')).toContain('expired');
  });

  it('CERT_NOT_YET_VALID for a leaf that starts tomorrow (after an extension)', async () => {
    const leaf = issueCertificate({ subject: 'CN=leaf', issuer: ec.sub, notBefore: after(1) });
    const e = await failure(validateCertificatePath(leaf.certificate, opts()));
    expect([e.code, e.details['position']]).toEqual(['CERT_NOT_YET_VALID', 0]);
    expect(e.localizedMessage('zh-CN')).toContain('证书未生效');
  });

  it('CERT_EXPIRED for an expired intermediate or anchor, at its position', async () => {
    const sub = createTestCa({ subject: 'CN=Old Sub', issuer: ec.root, notBefore: before(100), notAfter: before(1) });
    const leaf = issueCertificate({ subject: 'CN=leaf', issuer: sub, notBefore: before(50), notAfter: after(50) });
    const e = await failure(validateCertificatePath(leaf.certificate, opts({ intermediates: [sub.certificate] })));
    expect([e.code, e.details['position'], e.details['subject']]).toEqual(['CERT_EXPIRED', 1, 'CN=Old Sub']);
    const later = await failure(validateCertificatePath(ec.leaf.certificate, opts({ at: after(4000) })));
    expect(later.code).toBe('CERT_EXPIRED');
  });

  it('CERT_UNTRUSTED when the issuer is missing, with the message users know', async () => {
    const e = await failure(validateCertificatePath(ec.leaf.certificate, opts({ intermediates: [] })));
    expect(e.code).toBe('CERT_UNTRUSTED');
    expect(e.details['position']).toBe(0);
    expect(String(e.details['reason'])).toContain('Sub ec');
    expect(e.localizedMessage('zh-CN')).toContain('证书不受信任');
  });

  it('CERT_UNTRUSTED for a wrong anchor, a self-signed leaf and an untrusted root', async () => {
    const other = createTestCa({ subject: 'CN=Other Root', notBefore: before(10) });
    expect((await failure(validateCertificatePath(ec.leaf.certificate, opts({}, [other])))).code).toBe('CERT_UNTRUSTED');
    const self = issueCertificate({ subject: 'CN=self', notBefore: before(1) });
    const e = await failure(validateCertificatePath(self.certificate, opts()));
    expect([e.code, e.details['reasonEn']]).toEqual(['CERT_UNTRUSTED', 'self-signed certificate that is not a trust anchor']);
    const rootAsIntermediate = await failure(
      validateCertificatePath(ec.leaf.certificate, opts({ intermediates: [ec.sub.certificate, ec.root.certificate] }, [other])),
    );
    expect([rootAsIntermediate.code, rootAsIntermediate.details['position']]).toEqual(['CERT_UNTRUSTED', 2]);
  });

  it('CERT_UNTRUSTED for a signature by another key with the issuer name', async () => {
    const forged = issueCertificate({ subject: 'CN=forged', issuer: ec.sub, signWith: generateTestKey('ec'), notBefore: before(1) });
    const e = await failure(validateCertificatePath(forged.certificate, opts()));
    expect(e.code).toBe('CERT_UNTRUSTED');
    expect(String(e.details['reasonEn'])).toMatch(/signature does not verify/);
    // Another key type under the issuer name: a key / algorithm mismatch, still untrusted.
    const rsaForged = issueCertificate({ subject: 'CN=forged', issuer: ec.sub, signWith: cachedTestKey('rsa', 'x'), notBefore: before(1) });
    expect((await failure(validateCertificatePath(rsaForged.certificate, opts()))).code).toBe('CERT_UNTRUSTED');
  });

  it('refuses issuers that are not CAs', async () => {
    const cases: Array<[string, Parameters<typeof createTestCa>[0]]> = [
      ['the issuer is not a CA (basicConstraints cA is false)', { basicConstraints: { ca: false }, keyUsage: false }],
      ['the issuer has no basicConstraints extension', { basicConstraints: false, keyUsage: false }],
      ['the issuer keyUsage lacks keyCertSign', { keyUsage: ['cRLSign', 'digitalSignature'] }],
      ['v1 intermediate certificates are not accepted', { version: 1 }],
    ];
    for (const [reason, o] of cases) {
      const sub = createTestCa({ subject: 'CN=Bad Sub', issuer: ec.root, notBefore: before(10), ...o });
      const leaf = issueCertificate({ subject: 'CN=leaf', issuer: sub, notBefore: before(1) });
      const e = await failure(validateCertificatePath(leaf.certificate, opts({ intermediates: [sub.certificate] })));
      expect([e.code, e.details['position'], e.details['reasonEn']]).toEqual(['CERT_UNTRUSTED', 1, reason]);
    }
  });

  it('refuses a v3 anchor that is not a CA when the store is built', () => {
    expect(() => createTrustStore(ec.leaf.certificate)).toThrow(/not a CA/);
    expect(() => createTrustStore([])).toThrow(/at least one/);
  });

  it('enforces pathLenConstraint, the anchor\'s included', async () => {
    const root = createTestCa({ subject: 'CN=Root', pathLength: 0, notBefore: before(10) });
    const sub = createTestCa({ subject: 'CN=Sub', issuer: root, notBefore: before(10) });
    const leaf = issueCertificate({ subject: 'CN=leaf', issuer: sub, notBefore: before(1) });
    const e = await failure(validateCertificatePath(leaf.certificate, { trustStore: createTrustStore(root.certificate), intermediates: [sub.certificate], at: NOW }));
    expect([e.code, e.details['position']]).toEqual(['CERT_UNTRUSTED', 1]);
    expect(String(e.details['reasonEn'])).toMatch(/pathLenConstraint of CN=Root/);
    // The leaf's own pathLen is ignored; a pathLen of 0 on the last CA is fine.
    const sub0 = createTestCa({ subject: 'CN=Sub0', issuer: ec.root, pathLength: 0, notBefore: before(10) });
    const leaf0 = issueCertificate({ subject: 'CN=leaf', issuer: sub0, notBefore: before(1), basicConstraints: { ca: false, pathLength: 0 } });
    await expect(validateCertificatePath(leaf0.certificate, opts({ intermediates: [sub0.certificate] }))).resolves.toBeTruthy();
  });

  it('enforces maxIntermediates', async () => {
    await expect(validateCertificatePath(ec.leaf.certificate, opts({ maxIntermediates: 1 }))).resolves.toBeTruthy();
    const e = await failure(validateCertificatePath(ec.leaf.certificate, opts({ maxIntermediates: 0 })));
    expect(e.code).toBe('CERT_UNTRUSTED');
    await expect(validateCertificatePath(ec.leaf.certificate, opts({ maxIntermediates: -1 }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('refuses unknown critical extensions, and critical AKI / SKI / AIA', async () => {
    const unknown = issueCertificate({ subject: 'CN=leaf', issuer: ec.sub, notBefore: before(1), extensions: [{ oid: '1.2.3.4.5', critical: true, value: derUtf8String('x') }] });
    const e = await failure(validateCertificatePath(unknown.certificate, opts()));
    expect([e.code, e.details['reasonEn']]).toEqual(['CERT_UNTRUSTED', 'unrecognised critical extension 1.2.3.4.5']);
    const policyConstraints = createTestCa({
      subject: 'CN=PC Sub',
      issuer: ec.root,
      notBefore: before(10),
      extensions: [{ oid: '2.5.29.36', critical: true, value: derSequence(derImplicit(0, Uint8Array.of(2, 1, 0))) }],
    });
    const leaf = issueCertificate({ subject: 'CN=leaf', issuer: policyConstraints, notBefore: before(1) });
    const e2 = await failure(validateCertificatePath(leaf.certificate, opts({ intermediates: [policyConstraints.certificate] })));
    expect([e2.details['position'], e2.details['reasonEn']]).toEqual([1, 'unrecognised critical extension policyConstraints (2.5.29.36)']);
    const criticalAia = parseCertificate(
      issueCertificate({
        subject: 'CN=leaf',
        issuer: ec.sub,
        notBefore: before(1),
        extensions: [{ oid: '1.3.6.1.5.5.7.1.1', critical: true, value: derSequence(derSequence(Uint8Array.of(6, 8, 43, 6, 1, 5, 5, 7, 48, 1), derImplicit(6, derIa5String('http://x/')))) }],
      }).der,
    );
    expect((await failure(validateCertificatePath(criticalAia, opts()))).details['reasonEn']).toBe('the authorityInfoAccess extension must not be critical');
  });

  it('refuses keyCertSign in a certificate that is not a CA', async () => {
    const leaf = issueCertificate({ subject: 'CN=leaf', issuer: ec.sub, notBefore: before(1), keyUsage: ['digitalSignature', 'keyCertSign'] });
    expect((await failure(validateCertificatePath(leaf.certificate, opts()))).details['reasonEn']).toMatch(/keyCertSign/);
  });

  it('refuses an empty issuer name and an empty-subject leaf without a critical SAN', async () => {
    const emptyName = derSequence();
    const ca = createTestCa({ subject: emptyName, notBefore: before(10) });
    const leaf = issueCertificate({ subject: 'CN=leaf', issuer: ca, notBefore: before(1) });
    const e = await failure(validateCertificatePath(leaf.certificate, { trustStore: createTrustStore(ca.certificate), at: NOW }));
    expect(e.code).toBe('CERT_UNTRUSTED');
    const noSubject = issueCertificate({ subject: emptyName, issuer: ec.sub, notBefore: before(1), subjectAltNames: { email: ['a@example.cn'] } });
    expect((await failure(validateCertificatePath(noSubject.certificate, opts()))).details['reasonEn']).toMatch(/critical subjectAltName/);
  });

  it('keeps the search bounded: loops, many same-named candidates', async () => {
    const a = createTestCa({ subject: 'CN=A', notBefore: before(10) });
    const b = createTestCa({ subject: 'CN=B', notBefore: before(10) });
    const aByB = issueCertificate({ subject: 'CN=A', key: a.key, issuer: b, ca: true, notBefore: before(10) });
    const bByA = issueCertificate({ subject: 'CN=B', key: b.key, issuer: a, ca: true, notBefore: before(10) });
    const leaf = issueCertificate({ subject: 'CN=leaf', issuer: a, notBefore: before(1) });
    const e = await failure(
      validateCertificatePath(leaf.certificate, { trustStore: createTrustStore(ec.root.certificate), intermediates: [aByB.certificate, bByA.certificate, a.certificate, b.certificate], at: NOW }),
    );
    expect(e.code).toBe('CERT_UNTRUSTED');
    // 64 CAs with the leaf's issuer name, none of them the signer.
    const decoys = Array.from({ length: 63 }, () => createTestCa({ subject: 'CN=Sub ec, O=一证测试, C=CN', issuer: ec.root, notBefore: before(10) }).certificate);
    const e2 = await failure(validateCertificatePath(ec.leaf.certificate, opts({ intermediates: decoys, maxCandidates: 10 })));
    expect(e2.code).toBe('CERT_UNTRUSTED');
    expect(() => validateCertificatePath(ec.leaf.certificate, opts({ intermediates: [...decoys, ...decoys.slice(0, 2)] }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('checks its arguments', async () => {
    await expect(validateCertificatePath(ec.leaf.certificate, {} as ValidatePathOptions)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(validateCertificatePath(ec.leaf.certificate, opts({ at: new Date(Number.NaN) }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(validateCertificatePath('garbage', opts())).rejects.toMatchObject({ code: 'CERT_MALFORMED' });
  });
});

describe('nameConstraints', () => {
  const nc = (permitted: Uint8Array[], excluded: Uint8Array[] = []): { oid: string; critical: boolean; value: Uint8Array } => ({
    oid: '2.5.29.30',
    critical: true,
    value: derSequence(
      ...(permitted.length > 0 ? [derImplicit(0, derSequence(...permitted.map((b) => derSequence(b))))] : []),
      ...(excluded.length > 0 ? [derImplicit(1, derSequence(...excluded.map((b) => derSequence(b))))] : []),
    ),
  });
  const dn = (s: string): Uint8Array => derExplicit(4, encodeTestName(s));
  const dns = (s: string): Uint8Array => derImplicit(2, derIa5String(s));

  async function run(constraint: ReturnType<typeof nc>, leafSubject: string, san?: { dns?: string[]; email?: string[] }): Promise<string> {
    const root = createTestCa({ subject: 'CN=NC Root, O=一证测试, C=CN', notBefore: before(10), extensions: [constraint] });
    const leaf = issueCertificate({ subject: leafSubject, issuer: root, notBefore: before(1), ...(san && { subjectAltNames: san }) });
    try {
      await validateCertificatePath(leaf.certificate, { trustStore: createTrustStore(root.certificate), at: NOW });
      return 'ok';
    } catch (e) {
      if (!isYizhengError(e)) throw e;
      return `${e.code}:${String(e.details['reasonEn'])}`;
    }
  }

  it('applies directoryName constraints to the subject (prefix match, case-insensitive)', async () => {
    expect(await run(nc([dn('O=一证测试, C=CN')]), 'CN=张三, O=一证测试, C=CN')).toBe('ok');
    expect(await run(nc([dn('O=一证测试, C=cn')]), 'CN=张三, O=一证测试, C=CN')).toBe('ok');
    expect(await run(nc([dn('O=一证测试, C=CN')]), 'CN=张三, O=其他公司, C=CN')).toMatch(/^CERT_UNTRUSTED:the name DN:CN=张三, O=其他公司, C=CN violates/);
    expect(await run(nc([], [dn('O=其他公司, C=CN')]), 'CN=张三, O=其他公司, C=CN')).toMatch(/violates/);
  });

  it('applies dNSName and rfc822Name constraints to subjectAltName', async () => {
    expect(await run(nc([dns('example.cn')]), 'CN=x', { dns: ['www.example.cn'] })).toBe('ok');
    expect(await run(nc([dns('example.cn')]), 'CN=x', { dns: ['example.com'] })).toMatch(/violates/);
    expect(await run(nc([derImplicit(1, derIa5String('example.cn'))]), 'CN=x', { email: ['a@example.cn'] })).toBe('ok');
    expect(await run(nc([], [derImplicit(1, derIa5String('a@example.cn'))]), 'CN=x', { email: ['A@example.cn'] })).toMatch(/violates/);
    // A constraint of another form does not restrict these names.
    expect(await run(nc([dns('example.cn')]), 'CN=x', { email: ['a@other.cn'] })).toBe('ok');
  });

  it('treats a wildcard dNSName as every name it could match (excluded: any of them; permitted: all of them)', async () => {
    const wild = { dns: ['*.example.cn'] };
    expect(await run(nc([], [dns('bar.example.cn')]), 'CN=x', wild)).toMatch(/the name \*\.example\.cn violates/);
    expect(await run(nc([], [dns('example.cn')]), 'CN=x', wild)).toMatch(/violates/);
    expect(await run(nc([], [dns('a.bar.example.cn')]), 'CN=x', wild)).toBe('ok');
    expect(await run(nc([], [dns('other.cn')]), 'CN=x', wild)).toBe('ok');
    expect(await run(nc([dns('example.cn')]), 'CN=x', wild)).toBe('ok');
    expect(await run(nc([dns('bar.example.cn')]), 'CN=x', wild)).toMatch(/violates/);
  });

  it('fails closed on malformed names under constraints (a mailbox with two @, a DNS name with a leading dot)', async () => {
    const email = (s: string): Uint8Array => derImplicit(1, derIa5String(s));
    expect(await run(nc([email('example.cn')]), 'CN=x', { email: ['invalid@address@example.cn'] })).toMatch(/the name invalid@address@example.cn violates/);
    expect(await run(nc([], [email('other.cn')]), 'CN=x', { email: ['invalid@address@example.cn'] })).toMatch(/violates/);
    // An asterisk in an rfc822Name constraint is a literal character.
    expect(await run(nc([email('*@example.cn')]), 'CN=x', { email: ['*@example.cn'] })).toBe('ok');
    expect(await run(nc([email('*@example.cn')]), 'CN=x', { email: ['user@example.cn'] })).toMatch(/violates/);
    // The module itself: a dNSName outside the preferred name syntax never matches.
    const root = createTestCa({ subject: 'CN=NC Root 2', notBefore: before(10), extensions: [nc([dns('example.cn')])] });
    const leaf = issueCertificate({ subject: 'CN=x', issuer: root, notBefore: before(1), subjectAltNames: { dns: ['.example.cn'] } });
    const constraints = readNameConstraints(root.certificate);
    expect(constraints && checkNameConstraints(constraints, leaf.certificate)).toBe('.example.cn');
  });

  it('refuses nameConstraints in a certificate that is not a CA', async () => {
    const root = createTestCa({ subject: 'CN=NC EE Root', notBefore: before(10) });
    for (const critical of [true, false]) {
      const leaf = issueCertificate({ subject: 'CN=x', issuer: root, notBefore: before(1), extensions: [{ ...nc([dns('example.cn')]), critical }] });
      const e = await failure(validateCertificatePath(leaf.certificate, { trustStore: createTrustStore(root.certificate), at: NOW }));
      expect(e.details).toMatchObject({ position: 0, reasonEn: 'nameConstraints in a certificate that is not a CA (RFC 5280 §4.2.1.10)' });
    }
  });

  it('refuses a certificate with too many names to check against too many subtrees', async () => {
    const many = Array.from({ length: 600 }, (_, i) => dns(`p${i}.example.cn`));
    const names = Array.from({ length: 500 }, (_, i) => `p${i}.example.cn`);
    expect(await run(nc(many), 'CN=x', { dns: names })).toMatch(/^CERT_UNTRUSTED:too many names to check against the 600 nameConstraints subtrees/);
    expect(await run(nc(many.slice(0, 100)), 'CN=x', { dns: names.slice(0, 100) })).toBe('ok');
  });

  it('refuses malformed constraints', async () => {
    expect(await run(nc([dns('exa mple.cn')]), 'CN=x')).toMatch(/malformed nameConstraints/);
    // RFC 5280 allows a leading period for URI and mail domains, not for DNS names.
    expect(await run(nc([dns('.example.cn')]), 'CN=x', { dns: ['www.example.cn'] })).toMatch(/malformed nameConstraints: invalid dNSName constraint ".example.cn"/);
    expect(await run(nc([derImplicit(1, derIa5String('invalid@invalid@example.cn'))]), 'CN=x')).toMatch(/malformed nameConstraints: invalid rfc822Name constraint/);
    expect(await run(nc([derImplicit(1, derIa5String('.example.cn'))]), 'CN=x', { email: ['a@mail.example.cn'] })).toBe('ok');
    expect(await run({ oid: '2.5.29.30', critical: true, value: derSequence() }, 'CN=x')).toMatch(/malformed/);
    const withMax = { oid: '2.5.29.30', critical: true, value: derSequence(derImplicit(0, derSequence(derSequence(dns('a.cn'), derImplicit(1, Uint8Array.of(2, 1, 1)))))) };
    expect(await run(withMax, 'CN=x')).toMatch(/malformed/);
    void derBoolean;
    void derOctetString;
  });
});
