import { describe, expect, it } from 'vitest';
import { isYizhengError } from '../errors/index';
import { createTestCa, issueCertificate, utf8Extension } from '../testing/index';
import type { CaProvider } from './contract';
import { createProfileProvider } from './define';
import { GENERIC_PROVIDER_ID } from './generic';
import { createProviderRegistry } from './registry';
import { extensionStrategy, gmt0015Strategy, subjectNameStrategy } from './strategies';

const USCC = '91350200556207664B';

function provider(id: string, zh: string, recognition: Parameters<typeof createProfileProvider>[0]['recognition']): CaProvider {
  return createProfileProvider({
    info: { id, names: { 'zh-CN': zh, en: id.toUpperCase() }, aliases: [id.toUpperCase()], support: [{ label: '客服', phone: '400-000-0000' }] },
    recognition,
    identity: [extensionStrategy('1.2.3.4.5', { vendorUid: true }), gmt0015Strategy(), subjectNameStrategy()],
  });
}

describe('createProviderRegistry', () => {
  const ca = createTestCa({ subject: 'CN=Kit Issuing CA, OU=KIT, O=Kit Trust, C=CN' });
  const leaf = issueCertificate({
    subject: 'CN=张三, O=厦门帝网信息科技有限公司, C=CN',
    issuer: ca,
    policies: ['1.2.3.99.1.2'],
    extensions: [utf8Extension('1.2.156.10260.4.1.4', USCC), utf8Extension('1.2.3.4.5', 'JJ556207664')],
  });
  const stranger = issueCertificate({ subject: 'CN=李四, O=某某科技有限公司, C=CN', issuer: createTestCa({ subject: 'CN=Other CA, C=CN' }), extensions: [utf8Extension('1.2.156.10260.4.1.4', USCC)] });
  // Weak: an issuer-name hint only. Strong: its policy arc and issuer O.
  const weak = provider('weak', '弱识别CA', { issuer: [{ attribute: 'CN', contains: 'Kit', basis: 'assumed' }] });
  const strong = provider('strong', '强识别CA', {
    issuer: [{ attribute: 'O', equals: 'Kit Trust', basis: 'verified' }],
    policyArcs: [{ arc: '1.2.3.99', basis: 'field' }],
  });

  it('picks the provider with the highest confidence, in any registration order, and ranks the rest', () => {
    for (const order of [[weak, strong], [strong, weak]]) {
      const registry = createProviderRegistry(order);
      const match = registry.identify(leaf.certificate);
      expect(match.provider).toBe(strong);
      expect(match.fallback).toBe(false);
      expect(match.recognition?.evidence).toEqual(['issuer O = "Kit Trust" (verified)', 'policy 1.2.3.99.1.2 under arc 1.2.3.99 (field)']);
      expect(registry.rank(leaf.certificate).map((m) => m.provider.info.id)).toEqual(['strong', 'weak']);
    }
  });

  it('keeps registration order on a tie', () => {
    const twin = provider('twin', '孪生CA', { issuer: [{ attribute: 'CN', contains: 'Kit', basis: 'assumed' }] });
    expect(createProviderRegistry([weak, twin]).identify(leaf.certificate).provider).toBe(weak);
    expect(createProviderRegistry([twin, weak]).identify(leaf.certificate).provider).toBe(twin);
  });

  it('falls back to the generic GM/T 0015 provider and flags it', () => {
    const match = createProviderRegistry([weak, strong]).identify(stranger.certificate);
    expect(match).toMatchObject({ fallback: true, recognition: null });
    expect(match.provider.info.id).toBe(GENERIC_PROVIDER_ID);
    expect(match.provider.extractIdentity(stranger.certificate)).toEqual({
      entityName: '某某科技有限公司',
      uscc: USCC,
      orgCode: '556207664',
      source: { entityName: 'subject:O', uscc: 'extension:1.2.156.10260.4.1.4', orgCode: 'extension:1.2.156.10260.4.1.4' },
    });
    expect(createProviderRegistry([weak]).rank(stranger.certificate)).toEqual([]);
  });

  it('refuses an unknown certificate when the fallback is off, and a hint that does not recognise it', () => {
    const strict = createProviderRegistry([strong], { fallback: false });
    const err = (() => {
      try {
        strict.identify(stranger.certificate);
      } catch (e) {
        return e;
      }
    })();
    expect(isYizhengError(err, 'PROVIDER_UNKNOWN')).toBe(true);
    expect(() => strict.identify(stranger.certificate, 'strong')).toThrow();
    expect(strict.identify(leaf.certificate, 'STRONG').provider).toBe(strong);
  });

  it('lets a hint choose only among the best matches, never a weaker one', () => {
    const registry = createProviderRegistry([weak, strong]);
    expect(registry.identify(leaf.certificate, 'strong').provider).toBe(strong);
    expect(() => registry.identify(leaf.certificate, 'weak')).toThrow(expect.objectContaining({ code: 'PROVIDER_UNKNOWN', details: expect.objectContaining({ recognisedAs: 'strong' }) }));
  });

  it('treats a plugin that throws or returns nonsense as not recognising', () => {
    const broken: CaProvider = { ...weak, info: { ...weak.info, id: 'broken', aliases: [] }, recognize: () => { throw new Error('bug'); } };
    const nonsense: CaProvider = { ...weak, info: { ...weak.info, id: 'nonsense', aliases: [] }, recognize: () => ({ confidence: Number.NaN, evidence: [] }) };
    expect(createProviderRegistry([broken, nonsense]).identify(leaf.certificate).fallback).toBe(true);
  });
});
