import { describe, expect, it } from 'vitest';
import { createCertificateTrust } from '../trust/certificate-trust';
import { createProviderRegistry } from '../providers/registry';
import { createMemoryStores } from '../stores/memory';
import { createTrustStore } from '../trust/store';
import { clearCertificateCache } from '../cert/parse';
import { verifyLogin } from '../login/verify-login';
import { DEFAULT_MENU_NAMES, isYizhengError, YizhengError } from '../errors/index';
import { ORIGIN, USCC, fakeClock, issueEnterpriseCertificate, makeCa, makeContext, signedToken } from '../../test-utils/login-support';
import { createYizheng, type Yizheng } from './create-yizheng';
import type { YizhengConfig } from './config';

const ca = makeCa();
const cert = issueEnterpriseCertificate(ca);

function baseConfig(clock: () => Date): YizhengConfig {
  return {
    stores: createMemoryStores({ clock }),
    providers: createProviderRegistry([]),
    trust: createCertificateTrust({ trustStore: createTrustStore([ca.certificate]), revocation: { policy: 'off' } }),
    clock,
  };
}

function thrown(fn: () => unknown): YizhengError {
  try {
    fn();
  } catch (e) {
    if (isYizhengError(e)) return e;
    throw e;
  }
  throw new Error('expected a YizhengError');
}

async function rejected(promise: Promise<unknown>): Promise<YizhengError> {
  try {
    await promise;
  } catch (e) {
    if (isYizhengError(e)) return e;
    throw e;
  }
  throw new Error('expected a YizhengError');
}

const actor = { accountId: 'u1', organizationId: 'org1', isAdmin: false };
const target = { accountId: 'u1', organizationId: 'org1', enterpriseCode: USCC };

async function bindAndLogin(yizheng: Yizheng, sessionId: string) {
  const bindToken = await signedToken(cert, yizheng.context, { sessionId, purpose: 'bind' });
  const binding = await yizheng.bindCertificate({ sessionId, origin: ORIGIN, actor, target, token: bindToken });
  const loginToken = await signedToken(cert, yizheng.context, { sessionId, purpose: 'login' });
  const login = await yizheng.verifyLogin(loginToken, { sessionId, origin: ORIGIN });
  return { binding, login };
}

describe('createYizheng', () => {
  it('binds, logs in, lists and unbinds through the instance', async () => {
    const clock = fakeClock();
    const yizheng = createYizheng(baseConfig(clock.now));
    const { binding, login } = await bindAndLogin(yizheng, 's-1');
    expect(login.binding.id).toBe(binding.id);
    expect(login.account).toEqual({ id: 'u1', organizationId: 'org1' });
    expect((await yizheng.listBindings({ accountId: 'u1' })).map((e) => e.binding.id)).toEqual([binding.id]);
    await yizheng.unbindCertificate({ actor, bindingId: binding.id });
    const token = await signedToken(cert, yizheng.context, { sessionId: 's-1' });
    expect((await rejected(yizheng.verifyLogin(token, { sessionId: 's-1', origin: ORIGIN }))).code).toBe('NOT_BOUND');
  });

  it('fills the defaults and accepts an array of providers', () => {
    const clock = fakeClock();
    const yizheng = createYizheng({ ...baseConfig(clock.now), providers: [] });
    expect(yizheng.config).toEqual({
      locale: 'zh-CN',
      scopes: { current: 'default', accepted: [] },
      challengeTtlMs: 300_000,
      clockSkewMs: 300_000,
      expiryThresholds: [60, 30, 7, 1],
      cache: { certificates: 1000, sm2Tables: 64 },
      menus: DEFAULT_MENU_NAMES,
    });
    expect(Object.isFrozen(yizheng)).toBe(true);
  });

  it.each([
    [{}, /config\.stores is required/],
    [{ stores: {} }, /config\.stores\.challenges is missing/],
    [{ trust: undefined }, /config\.trust is required/],
    [{ providers: {} }, /config\.providers must be a provider registry/],
    [{ providers: [{}] }, /config\.providers\[0\] is not a CA provider/],
    [{ locale: 'fr' }, /config\.locale must be 'zh-CN' or 'en'/],
    [{ clock: 'now' }, /config\.clock must be a function/],
    [{ challengeTtlMs: 0 }, /config\.challengeTtlMs must be an integer from 10000 to 3600000/],
    [{ challengeTtlMs: 2.5e6 + 0.5 }, /config\.challengeTtlMs/],
    [{ clockSkewMs: -1 }, /config\.clockSkewMs/],
    [{ expiryThresholds: [] }, /config\.expiryThresholds/],
    [{ expiryThresholds: [30, -1] }, /config\.expiryThresholds/],
    [{ scopes: { current: '' } }, /config\.scopes\.current/],
    [{ scopes: { current: 'a', accepted: ['b', 'a'] } }, /lists a scope twice/],
    [{ cache: { certificates: -1 } }, /config\.cache\.certificates/],
    [{ cache: { sm2Tables: 1e9 } }, /config\.cache\.sm2Tables/],
    [{ challengeTTL: 5 }, /config\.challengeTTL is not a Yizheng setting/],
    [{ menus: 'CA绑定' }, /config\.menus must be an object/],
    [{ menus: { link: { 'zh-CN': '关联数字证书' } } }, /config\.menus\.link is not a menu/],
    [{ menus: { bind: '关联数字证书' } }, /config\.menus\.bind must be an object/],
    [{ menus: { bind: { zh: '关联数字证书' } } }, /config\.menus\.bind\.zh is not a locale/],
    [{ menus: { bind: { 'zh-CN': 42 } } }, /config\.menus\.bind\['zh-CN'\] must be a string/],
    [{ menus: { unbind: { en: '  ' } } }, /config\.menus\.unbind\['en'\] must not be empty/],
    [{ menus: { unbind: { en: 'x'.repeat(65) } } }, /config\.menus\.unbind\['en'\] must be at most 64 characters/],
    [{ menus: { bind: { 'zh-CN': '关联\n数字证书' } } }, /config\.menus\.bind\['zh-CN'\] must not contain control characters/],
  ])('rejects a wrong configuration once, at start-up: %j', (over, reason) => {
    const clock = fakeClock();
    const base = over && Object.keys(over).length === 0 ? {} : baseConfig(clock.now);
    const error = thrown(() => createYizheng({ ...base, ...over, locale: (over as { locale?: unknown }).locale ?? 'en' } as YizhengConfig));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(String(error.details['reason'])).toMatch(reason);
    // A locale the configuration cannot name is reported in the default, Chinese.
    const english = (over as { locale?: unknown }).locale === undefined;
    expect(error.locale).toBe(english ? 'en' : 'zh-CN');
    expect(error.message).toMatch(english ? /^Invalid argument: / : /^参数无效：/);
  });

  it('freezes the resolved configuration the instance shares with its context', () => {
    const clock = fakeClock();
    const yizheng = createYizheng({ ...baseConfig(clock.now), scopes: { current: 'a', accepted: ['b'] } });
    const accepted = yizheng.config.scopes.accepted as string[];
    expect(() => accepted.push('other-platform')).toThrow(TypeError);
    expect(yizheng.context.scopes?.accepted).toEqual(['b']);
    expect(Object.isFrozen(yizheng.config)).toBe(true);
    expect(Object.isFrozen(yizheng.config.scopes)).toBe(true);
    expect(Object.isFrozen(yizheng.config.cache)).toBe(true);
    expect(Object.isFrozen(yizheng.config.menus)).toBe(true);
    expect(Object.isFrozen(yizheng.config.menus.bind)).toBe(true);
    expect(Object.isFrozen(yizheng.context.caches)).toBe(true);
  });

  it('reads each setting once: a getter cannot pass the check and then change', () => {
    const clock = fakeClock();
    const twoFaced = <T>(first: T, later: unknown): Record<string, unknown> => {
      let reads = 0;
      return { get current() { reads++; return reads === 1 ? first : later; } };
    };
    const scoped = createYizheng({ ...baseConfig(clock.now), scopes: { ...twoFaced(undefined, 'x\u0000'), accepted: [] } as never });
    expect(scoped.config.scopes.current).toBe('default');
    let thresholdReads = 0;
    const days = [30];
    Object.defineProperty(days, 0, { get: () => (thresholdReads++ === 0 ? 30 : -5), enumerable: true });
    const yizheng = createYizheng({ ...baseConfig(clock.now), expiryThresholds: days });
    expect(yizheng.config.expiryThresholds).toEqual([30]);
    const growing = new Proxy(['b'], { get: (t, k, r) => (k === 'length' ? (lengthReads++ === 0 ? 1 : 100) : Reflect.get(t, k, r)) });
    let lengthReads = 0;
    const wide = createYizheng({ ...baseConfig(clock.now), scopes: { accepted: growing } });
    expect(wide.config.scopes.accepted).toEqual(['b']);
  });

  it('rejects a clock that does not return a valid Date when it is used', async () => {
    const yizheng = createYizheng({ ...baseConfig(() => new Date()), clock: () => new Date(Number.NaN) });
    const error = await rejected(yizheng.issueChallenge({ sessionId: 's', origin: ORIGIN, purpose: 'login' }));
    expect(error.code).toBe('INVALID_ARGUMENT');
  });
});

describe('the configured locale', () => {
  it("throws English messages from a locale: 'en' instance and keeps both languages", async () => {
    const clock = fakeClock();
    const yizheng = createYizheng({ ...baseConfig(clock.now), locale: 'en' });
    const error = await rejected(yizheng.verifyLogin({ format: 'yizheng:1' }, { sessionId: 'none', origin: ORIGIN }));
    expect(error.code).toBe('CHALLENGE_NOT_FOUND');
    expect(error.locale).toBe('en');
    expect(error.message).toBe(error.localizedMessage('en'));
    expect(error.message).toMatch(/^[\x20-\x7e]+$/);
    expect(error.remedy).toBe(error.localizedRemedy('en'));
    expect(error.stack?.startsWith(`YizhengError: ${error.message}`)).toBe(true);
    const json = error.toJSON();
    expect(json.message['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
    expect(json.message.en).toBe(error.message);
    expect(thrown(() => yizheng.authorize({ method: 'password', accountId: 'u1' }, 'manage-bindings')).message).toMatch(/^[\x20-\x7e]+$/);
  });

  it('throws Chinese messages by default', async () => {
    const clock = fakeClock();
    const yizheng = createYizheng(baseConfig(clock.now));
    const error = await rejected(yizheng.verifyLogin({}, { sessionId: 'none', origin: ORIGIN }));
    expect(error.locale).toBe('zh-CN');
    expect(error.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('is honoured by the standalone verbs through context.locale', async () => {
    const clock = fakeClock();
    const context = makeContext([ca], clock.now, { locale: 'en' });
    const error = await rejected(verifyLogin({}, { sessionId: 'none', origin: ORIGIN }, context));
    expect(error.message).toBe(error.localizedMessage('en'));
  });
});

describe('per-instance caches', () => {
  it('keeps parsed certificates in the instance, not in the process-wide cache', async () => {
    const clock = fakeClock();
    const cached = createYizheng(baseConfig(clock.now));
    const uncached = createYizheng({ ...baseConfig(clock.now), cache: { certificates: 0 } });
    const a = await bindAndLogin(cached, 's-a');
    clearCertificateCache();
    const again = await cached.verifyLogin(await signedToken(cert, cached.context, { sessionId: 's-a' }), { sessionId: 's-a', origin: ORIGIN });
    // The same object: the instance's cache served it although the process-wide one was cleared.
    expect(again.certificate).toBe(a.login.certificate);
    const b = await bindAndLogin(uncached, 's-b');
    const bAgain = await uncached.verifyLogin(await signedToken(cert, uncached.context, { sessionId: 's-b' }), { sessionId: 's-b', origin: ORIGIN });
    expect(bAgain.certificate).not.toBe(b.login.certificate);
    expect(bAgain.certificate.sha256).toBe(b.login.certificate.sha256);
  });
});

describe('the configured menu names', () => {
  const menus = {
    bind: { 'zh-CN': '关联数字证书', en: 'Link certificate' },
    unbind: { 'zh-CN': 'CA绑定与解绑', en: 'Bind or unbind CA' },
  } as const;

  it('fills every menu and language, keeping the defaults for what is left out, frozen', () => {
    const clock = fakeClock();
    const source = { bind: { 'zh-CN': '关联数字证书' } };
    const yizheng = createYizheng({ ...baseConfig(clock.now), menus: source });
    expect(yizheng.config.menus).toEqual({
      bind: { 'zh-CN': '关联数字证书', en: DEFAULT_MENU_NAMES.bind.en },
      unbind: DEFAULT_MENU_NAMES.unbind,
    });
    source.bind['zh-CN'] = '别的菜单';
    expect(yizheng.config.menus.bind['zh-CN']).toBe('关联数字证书');
    expect(yizheng.context.menus).toBe(yizheng.config.menus);
  });

  it('names the configured menus in ALREADY_BOUND and NOT_BOUND remedies, in both languages and in toJSON()', async () => {
    const clock = fakeClock();
    const yizheng = createYizheng({ ...baseConfig(clock.now), menus });
    const notBound = await rejected(yizheng.verifyLogin(await signedToken(cert, yizheng.context, { sessionId: 's-1' }), { sessionId: 's-1', origin: ORIGIN }));
    expect(notBound.code).toBe('NOT_BOUND');
    expect(notBound.remedy).toContain('【关联数字证书】');
    expect(notBound.localizedRemedy('en')).toContain("'Link certificate'");
    expect(notBound.toJSON().remedy).toEqual({ 'zh-CN': notBound.localizedRemedy('zh-CN'), en: notBound.localizedRemedy('en') });
    expect(JSON.stringify(notBound)).not.toMatch(/证书绑定|Certificate binding|\{menu/);

    await bindAndLogin(yizheng, 's-2');
    const bindToken = await signedToken(cert, yizheng.context, { sessionId: 's-3', purpose: 'bind' });
    const admin = { accountId: 'admin', organizationId: 'org1', isAdmin: true };
    const other = { accountId: 'u2', organizationId: 'org1', enterpriseCode: USCC };
    const bound = await rejected(yizheng.bindCertificate({ sessionId: 's-3', origin: ORIGIN, actor: admin, target: other, token: bindToken }));
    expect(bound.code).toBe('ALREADY_BOUND');
    expect(bound.remedy).toContain('【CA绑定与解绑】');
    expect(bound.localizedRemedy('en')).toContain("'Bind or unbind CA'");
    expect(bound.toJSON().remedy['zh-CN']).toContain('CA绑定与解绑');
    expect(bound.toJSON().remedy.en).toContain('Bind or unbind CA');
  });

  it('names the configured menus in the English instance too', async () => {
    const clock = fakeClock();
    const yizheng = createYizheng({ ...baseConfig(clock.now), menus, locale: 'en' });
    const notBound = await rejected(yizheng.verifyLogin(await signedToken(cert, yizheng.context, { sessionId: 's-1' }), { sessionId: 's-1', origin: ORIGIN }));
    expect(notBound.remedy).toBe(notBound.localizedRemedy('en'));
    expect(notBound.remedy).toContain("'Link certificate'");
  });

  it('uses the neutral defaults without menus, and the standalone verbs honour context.menus', async () => {
    const clock = fakeClock();
    const plain = createYizheng(baseConfig(clock.now));
    const error = await rejected(plain.verifyLogin(await signedToken(cert, plain.context, { sessionId: 's-1' }), { sessionId: 's-1', origin: ORIGIN }));
    expect(error.remedy).toContain('【证书绑定】');
    expect(error.localizedRemedy('en')).toContain("'Certificate binding'");
    expect(error.remedy).not.toContain('关联数字证书');

    const context = { ...makeContext([ca], clock.now), menus };
    const standalone = await rejected(verifyLogin(await signedToken(cert, context, { sessionId: 's-2' }), { sessionId: 's-2', origin: ORIGIN }, context));
    expect(standalone.code).toBe('NOT_BOUND');
    expect(standalone.remedy).toContain('【关联数字证书】');
  });
});
