import { expect, it } from 'vitest';
import { huixinProviderInfo } from './index';

it('carries the HUIXIN names and the hotlines users are told to call', () => {
  expect(huixinProviderInfo.id).toBe('huixin');
  expect(huixinProviderInfo.support.map((c) => c.phone)).toEqual(['400-888-4636']);
});
