import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test-utils/vectors';
import type { InspectJson } from './inspect';
import type { CliIo } from './io';
import { nodeIo } from './node-io';
import { runCli } from './run';

const SAMPLE = join(REPO_ROOT, 'examples/inspect-sample/sample-chain.pem');
const NOW = '2027-01-01T00:00:00Z';

async function run(argv: string[], stdin: Uint8Array = new Uint8Array(), io: Partial<CliIo> = {}) {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    ...nodeIo,
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    readStdin: async () => stdin,
    ...io,
  }, '9.9.9');
  return { code, out, err };
}

function leafPem(): string {
  const pem = readFileSync(SAMPLE, 'utf8');
  return pem.slice(0, pem.indexOf('-----END CERTIFICATE-----') + 25);
}

describe('yizheng inspect', () => {
  it('prints the facts in the words of the seeds', async () => {
    const r = await run(['inspect', SAMPLE, '--now', NOW]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('主体名称');
    expect(r.out).toContain('厦门帝网信息科技有限公司');
    expect(r.out).toMatch(/主体代码\s+91350200556207664B \(uscc, extension:1\.2\.156\.10260\.4\.1\.4, subject:OU\)\n/);
    expect(r.out).toMatch(/密钥用法\s+数字签名, 不可否认\n/);
    expect(r.out).toMatch(/公钥\s+SM2\n/);
    expect(r.out).toContain('序列号');
    expect(r.out).toContain('1F3A5C7E9B2D4F60');
    expect(r.out).toContain('颁发者');
    expect(r.out).toContain('Yizheng Sample SM2 CA');
    expect(r.out).toContain('签名证书');
    expect(r.err).toBe('');
  });

  it('speaks English with --lang en', async () => {
    const r = await run(['inspect', SAMPLE, '--lang', 'en', '--now', NOW]);
    expect(r.out).toContain('Subject name');
    expect(r.out).toContain('signing certificate');
  });

  it('prints a JSON array for a bundle and an object for one certificate', async () => {
    const bundle = JSON.parse((await run(['inspect', SAMPLE, '--json', '--now', NOW])).out) as unknown[];
    expect(bundle).toHaveLength(2);
    const one = await run(['inspect', '-', '--json', '--now', NOW], new TextEncoder().encode(leafPem()));
    expect(one.code).toBe(0);
    const leaf = JSON.parse(one.out) as InspectJson;
    expect(leaf).toEqual(bundle[0]);
    expect(leaf.subject).toMatchObject({ commonName: '厦门帝网信息科技有限公司', organization: '厦门帝网信息科技有限公司' });
    expect(leaf.issuer).toMatchObject({ commonName: 'Yizheng Sample SM2 CA' });
    expect(leaf.serialNumber).toBe('1F3A5C7E9B2D4F60');
    expect(leaf.notAfter).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect(leaf.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(leaf.publicKey).toEqual({ algorithm: 'sm2', curve: 'SM2' });
    expect(leaf.signatureAlgorithm).toBe('SM2-with-SM3');
    expect(leaf.keyUsage).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(leaf.extensions).toContainEqual({ oid: '1.2.156.10260.4.1.4', critical: false, text: '91350200556207664B' });
    expect(leaf.identity).toMatchObject({ uscc: '91350200556207664B', orgCode: '556207664' });
    expect(leaf.identity.codes.map((c) => c.source)).toEqual([
      'extension:1.2.156.10260.4.1.4',
      'subject:OU',
    ]);
    expect(leaf.expiry).toMatchObject({ state: 'valid', level: null });
  });

  it('reads DER from standard input', async () => {
    const b64 = leafPem().replace(/-----[A-Z ]+-----|\s/g, '');
    const r = await run(['inspect', '-', '--json'], Buffer.from(b64, 'base64'));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).serialNumber).toBe('1F3A5C7E9B2D4F60');
  });

  it('exits 1 with a clean message on a malformed certificate, a missing file and an oversized one', async () => {
    const bad = await run(['inspect', '-'], new TextEncoder().encode('not a certificate'));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^yizheng: \[CERT_MALFORMED\] 证书格式错误/);
    expect(bad.err).not.toMatch(/\n\s+at /);

    const missing = await run(['inspect', '/nonexistent/cert.pem', '--lang', 'en']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('[FILE_UNREADABLE] Cannot read the file /nonexistent/cert.pem (ENOENT)');

    const dir = mkdtempSync(join(tmpdir(), 'yizheng-cli-'));
    const big = join(dir, 'big.pem');
    writeFileSync(big, Buffer.alloc(3 * 1024 * 1024, 0x41));
    const large = await run(['inspect', big]);
    expect(large.code).toBe(1);
    expect(large.err).toContain('[INPUT_TOO_LARGE]');
  });

  it('reports its own defects as INTERNAL_ERROR without a stack trace', async () => {
    const r = await run(['code', '91350200556207664B'], undefined, {
      stdout: () => {
        throw new TypeError('boom');
      },
    });
    expect(r.code).toBe(1);
    expect(r.err).toBe('yizheng: [INTERNAL_ERROR] Yizheng 内部错误：boom\n');
  });
});

describe('yizheng code', () => {
  it('validates a code with the documented JSON shape', async () => {
    const r = await run(['code', '91350200556207664B', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      kind: 'uscc', valid: true, normalized: '91350200556207664B', orgCode: '55620766-4', errors: [],
    });
  });

  it('exits 1 on an invalid code and explains why', async () => {
    const r = await run(['code', '91350200556207664C', '--lang', 'en']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('Check: failed');
  });

  it('compares two codes', async () => {
    const same = await run(['code', 'compare', '91350200556207664B', '55620766-4', '--json']);
    expect(same.code).toBe(0);
    expect(JSON.parse(same.out)).toMatchObject({ result: 'same' });
    const different = await run(['code', 'compare', '91350200556207664B', '91110108551385082Q', '--json']);
    expect(different.code).toBe(0);
    expect(JSON.parse(different.out)).toMatchObject({ result: 'different' });
    const invalid = await run(['code', 'compare', 'abc', '55620766-4']);
    expect(invalid.code).toBe(1);
  });
});

describe('usage', () => {
  it.each([
    [[]],
    [['frobnicate']],
    [['inspect']],
    [['inspect', 'a', 'b']],
    [['inspect', 'a', '--bogus']],
    [['inspect', 'a', '--now', 'yesterday']],
    [['inspect', 'a', '--lang', 'fr']],
    [['code']],
    [['code', 'compare', 'a']],
  ])('exits 2 for %j', async (argv) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err + r.out).toContain('Usage');
  });

  it('prints help and the version with exit 0', async () => {
    expect((await run(['--help'])).code).toBe(0);
    const v = await run(['--version']);
    expect([v.code, v.out]).toEqual([0, '9.9.9\n']);
  });
});
