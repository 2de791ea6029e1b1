import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasVectors, vectorPath } from '../../test-utils/vectors';
import { createTestCa, issueCertificate, issueCrl, type TestCertificate } from '../testing/index';
import { nodeIo } from './node-io';
import { runCli } from './run';

async function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { ...nodeIo, stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  return { code, out, err };
}

let dir: string;
let root: TestCertificate;
let leaf: TestCertificate;
const file = (name: string, content: Uint8Array | string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'yizheng-verify-'));
  root = createTestCa({ subject: 'CN=CLI Root, O=一证测试, C=CN' });
  leaf = issueCertificate({ subject: 'CN=张三, O=测试公司, C=CN', issuer: root });
});

describe('yizheng verify-signature', () => {
  it('exits 0 on a valid signature given as a file or as base64, 1 with the reason otherwise', async () => {
    const data = new TextEncoder().encode('yizheng:1|login|https://bid.example.gov.cn|nonce|2026-01-01T00:00:00.000Z');
    const signature = leaf.key.sign(data);
    const args = ['verify-signature', '--cert', file('leaf.pem', leaf.pem), '--data', file('data.txt', data)];
    expect((await run([...args, '--signature', file('sig.der', signature)])).code).toBe(0);
    const b64 = await run([...args, '--signature', Buffer.from(signature).toString('base64'), '--json']);
    expect([b64.code, JSON.parse(b64.out).valid]).toEqual([0, true]);
    const other = await run(['verify-signature', '--cert', file('root.pem', root.pem), '--data', file('data.txt', data), '--signature', file('sig.der', signature), '--lang', 'en']);
    expect(other.code).toBe(1);
    expect(other.out).toContain('[SIGNATURE_INVALID]');
    const garbage = await run([...args, '--signature', 'AAAA', '--json']);
    expect([garbage.code, JSON.parse(garbage.out).error.code]).toEqual([1, 'SIGNATURE_MALFORMED']);
  });

  it('exits 2 on a wrong command line', async () => {
    expect((await run(['verify-signature', '--cert', 'x'])).code).toBe(2);
    expect((await run(['verify-signature', '--cert', 'x', '--data', 'y', '--signature', 'z', '--format', 'pkcs1'])).code).toBe(2);
  });

  it.skipIf(!hasVectors)('verifies the real BJCA challenge signature (SM2, default user id, ASCII of the challenge)', async () => {
    const r = await run([
      'verify-signature', '--cert', vectorPath('bjca-challenge', 'cert.der'), '--data', vectorPath('bjca-challenge', 'challenge.txt'),
      '--signature', vectorPath('bjca-challenge', 'signature.der'), '--format', 'der', '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ valid: true, algorithm: 'sm2' });
    const wrongId = await run([
      'verify-signature', '--cert', vectorPath('bjca-challenge', 'cert.der'), '--data', vectorPath('bjca-challenge', 'challenge.txt'),
      '--signature', vectorPath('bjca-challenge', 'signature.der'), '--sm2-user-id', 'someone-else',
    ]);
    expect(wrongId.code).toBe(1);
  });
});

describe('yizheng verify-chain', () => {
  it('exits 0 for a chain to the anchor, 1 with the typed reason otherwise', async () => {
    const ok = await run(['verify-chain', file('leaf.pem', leaf.pem), '--anchor', file('root.pem', root.pem), '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out).path).toHaveLength(2);
    const stranger = createTestCa({ subject: 'CN=Stranger' });
    const untrusted = await run(['verify-chain', file('leaf.pem', leaf.pem), '--anchor', file('s.pem', stranger.pem), '--json']);
    expect([untrusted.code, JSON.parse(untrusted.out).error.code]).toEqual([1, 'CERT_UNTRUSTED']);
    const late = await run(['verify-chain', file('leaf.pem', leaf.pem), '--anchor', file('root.pem', root.pem), '--at', '2099-01-01T00:00:00Z', '--json']);
    expect(JSON.parse(late.out).error.code).toBe('CERT_EXPIRED');
  });

  it('checks the CRLs it is given, and only those', async () => {
    const crl = issueCrl({ issuer: root, revoked: [{ serialNumber: leaf.certificate.serialNumber }] });
    const r = await run(['verify-chain', file('leaf.pem', leaf.pem), '--anchor', file('root.pem', root.pem), '--crl', file('root.crl', crl.der), '--json']);
    expect([r.code, JSON.parse(r.out).error.code]).toEqual([1, 'CERT_REVOKED']);
    const clean = issueCrl({ issuer: root });
    const ok = await run(['verify-chain', file('leaf.pem', leaf.pem), '--anchor', file('root.pem', root.pem), '--crl', file('clean.crl', clean.der)]);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('证书链有效');
  });

  it.skipIf(!hasVectors)('validates the real SM2 chain ROOTCA → Ant Financial S1', async () => {
    const r = await run(['verify-chain', vectorPath('sm2-real-ca', 'AntFinancialS1.pem'), '--anchor', vectorPath('sm2-real-ca', 'ROOTCA.pem'), '--at', '2020-01-01T00:00:00Z', '--json']);
    expect(r.code).toBe(0);
  });

  it('exits 2 without an anchor', async () => {
    expect((await run(['verify-chain', 'leaf.pem'])).code).toBe(2);
  });
});
