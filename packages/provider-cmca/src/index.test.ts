import { expect, it } from 'vitest';
import { cmcaProviderInfo } from './index';

it('carries the CMCA names and the hotlines users are told to call', () => {
  expect(cmcaProviderInfo.id).toBe('cmca');
  expect(cmcaProviderInfo.support.map((c) => c.phone)).toEqual([]);
});
