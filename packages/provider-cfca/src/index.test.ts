import { expect, it } from 'vitest';
import { cfcaProviderInfo } from './index';

it('carries the CFCA names and the hotlines users are told to call', () => {
  expect(cfcaProviderInfo.id).toBe('cfca');
  expect(cfcaProviderInfo.support.map((c) => c.phone)).toEqual(['400-880-9888', '025-66085508']);
});
