import { describe, expect, it } from 'vitest';
import { reasonOf } from '../../test-utils/errors';
import { defineProviderInfo } from './info';

const base = {
  id: 'gdca',
  names: { 'zh-CN': '广东CA', en: 'GDCA' },
  aliases: ['GDCA', ' 数安时代 ', 'GDCA'],
  support: [{ label: '服务热线', phone: '95105813' }],
};

describe('defineProviderInfo', () => {
  it('freezes, trims and de-duplicates', () => {
    const info = defineProviderInfo({ ...base, support: [{ label: '服务热线', phone: '400-880-9888' }] });
    expect(info.aliases).toEqual(['GDCA', '数安时代']);
    expect(Object.isFrozen(info) && Object.isFrozen(info.names) && Object.isFrozen(info.support[0])).toBe(true);
  });

  it('rejects a bad id, a missing name, a non-ASCII English name and a bad phone', () => {
    expect(reasonOf(() => defineProviderInfo({ ...base, id: 'GD CA' }))).toMatch(/lower-case/);
    expect(reasonOf(() => defineProviderInfo({ ...base, names: { 'zh-CN': '广东CA', en: ' ' } }))).toMatch(/both/);
    expect(reasonOf(() => defineProviderInfo({ ...base, names: { 'zh-CN': '广东CA', en: '广东' } }))).toMatch(/ASCII/);
    expect(reasonOf(() => defineProviderInfo({ ...base, support: [{ label: 'x', phone: 'call us' }] }))).toMatch(/phone/);
  });
});

describe('defineProviderInfo servicePages', () => {
  const card = { ...base, support: [{ label: '服务热线', phone: '400-880-9888' }] };
  it('keeps https service pages, frozen, and leaves the field out when absent', () => {
    const info = defineProviderInfo({ ...card, servicePages: { renew: ' https://ca.example.cn/renew ', extend: 'https://ca.example.cn/extend?from=platform' } });
    expect(info.servicePages).toEqual({ renew: 'https://ca.example.cn/renew', extend: 'https://ca.example.cn/extend?from=platform' });
    expect(Object.isFrozen(info.servicePages)).toBe(true);
    expect('servicePages' in defineProviderInfo(card)).toBe(false);
  });

  it('rejects a page that is not an https URL, and unknown pages', () => {
    for (const url of ['http://ca.example.cn/renew', 'ca.example.cn/renew', '', 'https://user:pw@ca.example.cn/', 'javascript:alert(1)']) {
      expect(reasonOf(() => defineProviderInfo({ ...card, servicePages: { renew: url } }))).toMatch(/https URL/);
    }
    expect(reasonOf(() => defineProviderInfo({ ...card, servicePages: { renew: 42 as unknown as string } }))).toMatch(/https URL/);
    expect(reasonOf(() => defineProviderInfo({ ...card, servicePages: { unlock: 'https://ca.example.cn/' } as never }))).toMatch(/unknown service page/);
  });
});
