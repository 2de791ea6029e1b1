import { describe, expect, it } from 'vitest';
import { hasVectors, readVectorText } from '../../test-utils/vectors';
import { compareEnterpriseCodes, validateEnterpriseCode } from './index';

interface EnterpriseCodeVectors {
  valid: { uscc: string; orgCode: string }[];
}

describe.skipIf(!hasVectors)('shared vectors: enterprise-codes.json', () => {
  const vectors = hasVectors ? (JSON.parse(readVectorText('enterprise-codes.json')) as EnterpriseCodeVectors) : { valid: [] };

  it('has vectors to check', () => {
    expect(vectors.valid.length).toBeGreaterThan(0);
  });

  it.each(vectors.valid)('$uscc is a valid USCC embedding $orgCode, and both are the same entity', ({ uscc, orgCode }) => {
    expect(validateEnterpriseCode(uscc)).toMatchObject({ kind: 'uscc', valid: true, orgCode });
    expect(validateEnterpriseCode(orgCode)).toMatchObject({ kind: 'org-code', valid: true, orgCode });
    expect(compareEnterpriseCodes(uscc, orgCode)).toMatchObject({ result: 'same', reason: { code: 'uscc-embeds-org-code' } });
  });
});
