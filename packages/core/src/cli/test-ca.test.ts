import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../cert/index';
import { verifySignature } from '../crypto/index';
import { extractGenericIdentity } from '../identity/index';
import { importTestKey } from '../testing/index';
import { createTrustStore, validateCertificatePath } from '../trust/index';
import { nodeIo } from './node-io';
import { runCli } from './run';

async function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { ...nodeIo, stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  return { code, out, err };
}
const dir = () => mkdtempSync(join(tmpdir(), 'yizheng-test-ca-'));
const read = (d: string, f: string) => readFileSync(join(d, f), 'utf8');

describe('yizheng test-ca', () => {
  it('writes a chain, a signing/encryption pair and keys that work together', async () => {
    const d = dir();
    const r = await run(['test-ca', d, '--key', 'sm2', '--uscc', '91110108551385082Q']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('仅供测试');
    const sign = parseCertificate(read(d, 'sign.pem'));
    expect([sign.publicKey.algorithm, sign.purpose]).toEqual(['sm2', 'signing']);
    expect(parseCertificate(read(d, 'enc.pem')).purpose).toBe('encryption');
    expect(extractGenericIdentity(sign).uscc?.normalized).toBe('91110108551385082Q');
    const path = await validateCertificatePath(sign, { trustStore: createTrustStore(read(d, 'root-ca.pem')), intermediates: read(d, 'issuing-ca.pem') });
    expect(path.path).toHaveLength(3);
    expect(read(d, 'sign.key.pem')).toContain('BEGIN PRIVATE KEY');
  });

  it('writes keys that sign for their certificate (EC)', async () => {
    const d = dir();
    expect((await run(['test-ca', d, '--key', 'ec'])).code).toBe(0);
    const data = new TextEncoder().encode('yizheng:1|login|https://bid.example.gov.cn|n|t');
    const signature = importTestKey(read(d, 'sign.key.pem')).sign(data);
    expect(verifySignature({ certificate: read(d, 'sign.pem'), data, signature })).toBe(true);
    expect(verifySignature({ certificate: read(d, 'enc.pem'), data, signature })).toBe(false);
  });

  it('uses the BJCA and CFCA layouts', async () => {
    const b = dir();
    await run(['test-ca', b, '--profile', 'bjca']);
    expect(parseCertificate(read(b, 'sign.pem')).extension('1.2.156.112562.2.1.1.1')?.text).toBe('JJ556207664');
    const c = dir();
    await run(['test-ca', c, '--profile', 'cfca', '--company', '厦门帝网信息科技有限公司']);
    const cfca = parseCertificate(read(c, 'sign.pem'));
    expect(cfca.subject.commonName).toBe('CFCA@厦门帝网信息科技有限公司@N91350200556207664B@1');
    expect(cfca.policies).toContain('2.16.156.112554.3');
  });

  it('makes expired, not-yet-valid and revoked certificates', async () => {
    const e = dir();
    await run(['test-ca', e, '--expired', '--revoked']);
    expect(parseCertificate(read(e, 'sign.pem')).notAfter.getTime()).toBeLessThan(Date.now());
    expect(read(e, 'issuing-ca.crl.pem')).toContain('BEGIN X509 CRL');
    const f = dir();
    await run(['test-ca', f, '--not-yet-valid']);
    expect(parseCertificate(read(f, 'sign.pem')).notBefore.getTime()).toBeGreaterThan(Date.now());
  });

  it('refuses a bad code (exit 1) and a bad command line (exit 2)', async () => {
    expect((await run(['test-ca', dir(), '--uscc', '91350200556207664C'])).code).toBe(1);
    expect((await run(['test-ca'])).code).toBe(2);
    expect((await run(['test-ca', dir(), '--profile', 'nope'])).code).toBe(2);
    expect((await run(['test-ca', dir(), '--expired', '--not-yet-valid'])).code).toBe(2);
  });
});
