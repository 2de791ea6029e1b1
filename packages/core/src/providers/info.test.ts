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
