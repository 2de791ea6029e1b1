import { describe, expect, it } from 'vitest';
import { localizeError } from '../context/localize';
import { DEFAULT_MENU_NAMES, ERROR_CATALOGUE, ERROR_CODES, YizhengError, withMenuNames, type ErrorEntry, type Locale } from './index';

const menus = {
  bind: { 'zh-CN': '关联数字证书', en: 'Link certificate' },
  unbind: { 'zh-CN': 'CA绑定与解绑', en: 'Bind or unbind CA' },
} as const;

/** Every text of the catalogue (code and reason), as the case's details would select it. */
function cases(): { code: (typeof ERROR_CODES)[number]; reason: string | undefined }[] {
  return ERROR_CODES.flatMap((code) => {
    const entry: ErrorEntry = ERROR_CATALOGUE[code];
    return [{ code, reason: undefined }, ...Object.keys(entry.reasons ?? {}).map((reason) => ({ code, reason }))];
  });
}

function errorFor(code: (typeof ERROR_CODES)[number], reason: string | undefined, options: { locale?: Locale; menus?: typeof menus } = {}): YizhengError {
  return new YizhengError(code, (reason === undefined ? {} : { reason }) as never, options);
}

describe('menu names in remedies', () => {
  it('leaves no {menu:…} placeholder unfilled in any message or remedy with the default names', () => {
    const leaks: string[] = [];
    for (const { code, reason } of cases()) {
      const err = errorFor(code, reason);
      for (const locale of ['zh-CN', 'en'] as const) {
        for (const text of [err.localizedMessage(locale), err.localizedRemedy(locale)]) {
          if (/\{menu/.test(text)) leaks.push(`${code}${reason === undefined ? '' : `/${reason}`} (${locale}): ${text}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  });

  it('names only menus that exist in the catalogue templates', () => {
    const used = new Set<string>();
    for (const { code, reason } of cases()) {
      const entry: ErrorEntry = ERROR_CATALOGUE[code];
      const text = reason === undefined ? entry : entry.reasons?.[reason];
      for (const t of [text?.zh, text?.en, text?.remedy.zh, text?.remedy.en]) {
        for (const m of (t ?? '').matchAll(/\{menu:(\w+)\}/g)) used.add(m[1] ?? '');
      }
    }
    expect([...used].sort()).toEqual(Object.keys(DEFAULT_MENU_NAMES).sort());
  });

  it('no longer names another platform’s menus anywhere in the catalogue', () => {
    const all = JSON.stringify(ERROR_CATALOGUE);
    expect(all).not.toContain('关联数字证书');
    expect(all).not.toContain('CA绑定与解绑');
    expect(all).not.toContain("'Bind certificate'");
  });

  it('fills the defaults, 【证书绑定】 and \'Certificate binding\', for NOT_BOUND and ALREADY_BOUND', () => {
    const notBound = errorFor('NOT_BOUND', undefined);
    expect(notBound.remedy).toContain('在【证书绑定】中绑定');
    expect(notBound.localizedRemedy('en')).toContain("under 'Certificate binding'");
    expect(errorFor('NOT_BOUND', 'renewed-with-new-key').remedy).toContain('【证书绑定】');
    expect(errorFor('ALREADY_BOUND', undefined).remedy).toContain('在【证书绑定】中解除绑定');
  });

  it('uses the names given at construction in remedy, localizedRemedy and toJSON', () => {
    const err = new YizhengError('NOT_BOUND', { provider: 'bjca', serialNumber: '01' }, { locale: 'en', menus });
    expect(err.remedy).toContain("'Link certificate'");
    expect(err.localizedRemedy('zh-CN')).toContain('【关联数字证书】');
    expect(err.toJSON().remedy).toEqual({ 'zh-CN': err.localizedRemedy('zh-CN'), en: err.localizedRemedy('en') });
    expect(Object.keys(err)).not.toContain('menus');
    const renewed = new YizhengError('NOT_BOUND', { provider: 'bjca', serialNumber: '01', reason: 'renewed-with-new-key' }, { menus });
    expect(renewed.remedy).toContain('【关联数字证书】');
    expect(renewed.localizedRemedy('en')).toContain("'Link certificate'");
  });

  it('keeps the default for a menu or language the platform leaves out', () => {
    const err = new YizhengError('CERT_SUPERSEDED', { serialNumber: '02', boundSerialNumber: '03', boundNotBefore: '2026-01-01T00:00:00.000Z' }, { menus: { unbind: { 'zh-CN': 'CA绑定与解绑' } } });
    expect(err.remedy).toContain('【CA绑定与解绑】');
    expect(err.remedy).toContain('【证书绑定】中重新绑定');
    expect(err.localizedRemedy('en')).toContain("'Certificate binding'");
  });
});

describe('withMenuNames', () => {
  it('gives a caught error the platform’s menu names, in place, keeping message, locale and details', () => {
    const err = new YizhengError('ALREADY_BOUND', { accountId: 'ac******an', bindingId: 'b-1', scope: 'default' });
    const { message, stack } = err;
    expect(withMenuNames(err, menus)).toBe(err);
    expect(err.remedy).toContain('在【CA绑定与解绑】中解除绑定');
    expect(err.toJSON().remedy.en).toContain("'Bind or unbind CA'");
    expect([err.message, err.stack, err.locale]).toEqual([message, stack, 'zh-CN']);
    expect(err.toJSON().details).toEqual({ accountId: 'ac******an', bindingId: 'b-1', scope: 'default' });
  });

  it('returns anything else unchanged, and checks the names', () => {
    const plain = new Error('x');
    expect(withMenuNames(plain, menus)).toBe(plain);
    expect(withMenuNames(undefined, menus)).toBeUndefined();
    expect(() => withMenuNames(plain, { bind: { 'zh-CN': '' } })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => withMenuNames(plain, { other: {} } as never)).toThrow(/menus\.other is not a menu/);
  });

  it('is what localizeError applies with the locale, ignoring names that do not check out', () => {
    const err = new YizhengError('NOT_BOUND', { provider: 'bjca', serialNumber: '01' });
    localizeError(err, 'en', menus);
    expect(err.locale).toBe('en');
    expect(err.message).toBe(err.localizedMessage('en'));
    expect(err.remedy).toContain("'Link certificate'");
    const other = new YizhengError('NOT_BOUND', { provider: 'bjca', serialNumber: '01' });
    expect(localizeError(other, undefined, { bind: { en: 42 } } as never)).toBe(other);
    expect(other.localizedRemedy('en')).toContain("'Certificate binding'");
  });
});

describe('ALREADY_BOUND and BIND_FORBIDDEN texts', () => {
  it('keeps the binding id in the details but out of every ALREADY_BOUND message and remedy', () => {
    for (const reason of [undefined, 'other-scope'] as const) {
      const err = new YizhengError('ALREADY_BOUND', { accountId: 'ac******an', bindingId: '7f1c0e9a-5b43-4c2e-9d55-0d1f6f3c2a11', scope: 'fujian', ...(reason && { reason }) });
      const json = err.toJSON();
      expect(JSON.stringify([json.message, json.remedy])).not.toContain('7f1c0e9a');
      expect(json.details.bindingId).toBe('7f1c0e9a-5b43-4c2e-9d55-0d1f6f3c2a11');
      expect(json.message['zh-CN']).toContain('ac******an');
      expect(json.message.en).toContain('ac******an');
      if (reason === 'other-scope') {
        expect(json.message['zh-CN']).toContain('fujian');
        expect(json.message.en).toContain('fujian');
      } else {
        expect(json.message['zh-CN']).not.toContain('fujian');
      }
    }
  });

  it('has a text for each BIND_FORBIDDEN reason', () => {
    const forbidden = (reason?: 'not-admin' | 'other-organization' | 'admin-only') =>
      new YizhengError('BIND_FORBIDDEN', { actorAccountId: 'a', targetAccountId: 'b', ...(reason && { reason }) });
    expect(forbidden('other-organization').message).toContain('管理员只能管理本单位账号的证书绑定');
    expect(forbidden('other-organization').remedy).not.toContain('普通用户');
    expect(forbidden('not-admin').message).toContain('普通用户只能为本人账号');
    expect(forbidden('admin-only').message).toContain('只有本单位的机构管理员');
    expect(forbidden().remedy).toContain('机构管理员只能管理本单位账号');
  });
});
