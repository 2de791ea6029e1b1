/**
 * Every code in the catalogue is produced by real code through a public path. Adding a code without a
 * producer here fails this test, so the catalogue cannot fill up with codes nothing throws.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../cert/index';
import { nodeIo } from '../cli/node-io';
import { runCli } from '../cli/run';
import { assertSameEnterprise, parseEnterpriseCode } from '../codes/index';
import { assessExpiry } from '../expiry/index';
import { ERROR_CODES, isYizhengError, type YizhengErrorCode } from './index';

/** Each producer either throws the YizhengError or returns the code it observed (for the CLI's output). */
const PRODUCERS: Record<YizhengErrorCode, () => unknown> = {
  INVALID_ARGUMENT: () => assessExpiry({ notBefore: new Date(0), notAfter: new Date(1) }, { thresholds: [-1] }),
  CERT_MALFORMED: () => parseCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'),
  CODE_INVALID: () => parseEnterpriseCode('91350200556207664C'),
  ENTERPRISE_CODE_MISMATCH: () =>
    assertSameEnterprise({ certificateCode: '91350200556207664B', accountCode: '91110108551385082Q' }),
  ENTERPRISE_CODE_UNDECIDED: () =>
    assertSameEnterprise({ certificateCode: '110108000000016', accountCode: '55620766-4' }),
  INPUT_TOO_LARGE: () => {
    const file = join(mkdtempSync(join(tmpdir(), 'yizheng-')), 'big');
    writeFileSync(file, Buffer.alloc(100));
    return nodeIo.readFile(file, 10);
  },
  FILE_UNREADABLE: () => nodeIo.readFile('/nonexistent/yizheng', 10),
  INTERNAL_ERROR: async () => {
    let err = '';
    await runCli(['--version'], {
      ...nodeIo,
      stdout: () => {
        throw new RangeError('simulated defect');
      },
      stderr: (t) => void (err += t),
    });
    return /\[([A-Z_]+)\]/.exec(err)?.[1];
  },
};

describe('error catalogue', () => {
  it('has a producer for exactly the catalogued codes', () => {
    expect(Object.keys(PRODUCERS).sort()).toEqual([...ERROR_CODES].sort());
  });

  it.each(ERROR_CODES)('%s is produced by its public path', async (code) => {
    let observed: unknown;
    try {
      observed = await PRODUCERS[code]();
    } catch (err) {
      if (!isYizhengError(err)) throw err;
      observed = err.code;
    }
    expect(observed).toBe(code);
  });
});
