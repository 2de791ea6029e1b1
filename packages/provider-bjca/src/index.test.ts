import { expect, it } from 'vitest';
import { bjcaProviderInfo } from './index';

it('carries the BJCA names and the hotlines users are told to call', () => {
  expect(bjcaProviderInfo.id).toBe('bjca');
  expect(bjcaProviderInfo.support.map((c) => c.phone)).toEqual(['010-5851-5511', '400-919-7888']);
});
