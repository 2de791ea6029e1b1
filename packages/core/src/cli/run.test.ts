import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test-utils/vectors';
import type { InspectJson } from './inspect';
import type { CliIo } from './io';
import { nodeIo } from './node-io';
import { runCli } from './run';

const SAMPLE = join(REPO_ROOT, 'examples/inspect-sample/sample-chain.pem');
const NOW = '2027-01-01T00:00:00Z';

/** Runs the CLI in-process; provider packages are not loaded unless `io` brings an importer. */
async function run(argv: string[], stdin: Uint8Array = new Uint8Array(), io: Partial<CliIo> = {}) {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    ...nodeIo,
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    readStdin: async () => stdin,
    importOptional: async () => undefined,
    ...io,
  }, '9.9.9');
  return { code, out, err };
}

function leafPem(): string {
  const pem = readFileSync(SAMPLE, 'utf8');
  return pem.slice(0, pem.indexOf('-----END CERTIFICATE-----') + 25);
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'yizheng-cli-'));

const savedTz = process.env['TZ'];
afterEach(() => {
  if (savedTz === undefined) delete process.env['TZ'];
  else process.env['TZ'] = savedTz;
});

describe('yizheng inspect', () => {
  it('prints the facts in the words of the seeds', async () => {
    const r = await run(['inspect', SAMPLE, '--now', NOW]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^主体名称\s+厦门帝网信息科技有限公司\n/);
    expect(r.out).toMatch(/主体代码\s+91350200556207664B（统一社会信用代码）\n/);
    expect(r.out).toMatch(/CA机构\s+未识别（按通用 GM\/T 0015 规则读取）\n/);
    expect(r.out).toMatch(/密钥用法\s+数字签名, 不可否认\n/);
    expect(r.out).toMatch(/公钥\s+SM2\n/);
    expect(r.out).toMatch(/序列号\s+1F3A5C7E9B2D4F60\n/);
    expect(r.out).toMatch(/颁发者\s+CN=Yizheng Sample SM2 CA/);
    expect(r.out).toContain('签名证书');
    expect(r.err).toBe('');
  });

  it('speaks English with --lang en', async () => {
    const r = await run(['inspect', SAMPLE, '--lang', 'en', '--now', NOW]);
    expect(r.out).toMatch(/^Subject name\s+厦门帝网信息科技有限公司\n/);
    expect(r.out).toMatch(/Subject code\s+91350200556207664B \(unified social credit code\)\n/);
    expect(r.out).toContain('signing certificate');
    expect(r.out).not.toMatch(/[主体代码颁发者]{2}/);
  });

  it('shows every date in Beijing time whatever the machine time zone', async () => {
    const outputs: string[] = [];
    for (const tz of ['UTC', 'America/Los_Angeles', 'Asia/Shanghai']) {
      process.env['TZ'] = tz;
      const r = await run(['inspect', SAMPLE, '--now', NOW]);
      // notBefore 2026-11-21T04:18:19Z, notAfter 2036-11-18T04:18:19Z.
      expect(r.out, tz).toMatch(/有效期\s+2026-11-21 12:18:19 至 2036-11-18 12:18:19 \(北京时间\)\n/);
      outputs.push(r.out);
    }
    expect(new Set(outputs).size).toBe(1);
    process.env['TZ'] = 'UTC';
    const en = await run(['inspect', SAMPLE, '--now', NOW, '--lang', 'en']);
    expect(en.out).toMatch(/Validity\s+2026-11-21 12:18:19 to 2036-11-18 12:18:19 \(Beijing time\)\n/);
    expect(en.out).not.toMatch(/\d\dT\d\d:|Z\b/);
  });

  it('reads --now without a zone as Beijing time, and the printed form too', async () => {
    process.env['TZ'] = 'UTC';
    // One second before notBefore (12:18:19 Beijing time), beyond the 5-minute skew: not yet valid.
    const before = JSON.parse((await run(['inspect', '-', '--json', '--now', '2026-11-21 12:00:00'], new TextEncoder().encode(leafPem()))).out) as InspectJson;
    expect(before.expiry.state).toBe('not-yet-valid');
    const after = JSON.parse((await run(['inspect', '-', '--json', '--now', '2026-11-21T12:30:00'], new TextEncoder().encode(leafPem()))).out) as InspectJson;
    expect(after.expiry.state).toBe('valid');
    const utc = JSON.parse((await run(['inspect', '-', '--json', '--now', '2026-11-21T04:00:00Z'], new TextEncoder().encode(leafPem()))).out) as InspectJson;
    expect(utc.expiry.state).toBe('not-yet-valid');
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
    expect(leaf.notAfter).toBe('2036-11-18T04:18:19.000Z');
    expect(leaf.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(leaf.publicKey).toEqual({ algorithm: 'sm2', curve: 'SM2' });
    expect(leaf.signatureAlgorithm).toBe('SM2-with-SM3');
    expect(leaf.keyUsage).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(leaf.extensions).toContainEqual({ oid: '1.2.156.10260.4.1.4', critical: false, text: '91350200556207664B' });
    expect(leaf.identity).toMatchObject({
      entityName: '厦门帝网信息科技有限公司',
      uscc: '91350200556207664B',
      orgCode: '556207664',
      personalId: null,
      vendorUid: null,
      source: { uscc: 'extension:1.2.156.10260.4.1.4', orgCode: 'extension:1.2.156.10260.4.1.4', entityName: 'subject:O' },
      freeText: [],
      conflicts: [],
    });
    expect(leaf.identity.codes.map((c) => c.source)).toEqual(['extension:1.2.156.10260.4.1.4', 'subject:OU']);
    expect(leaf.ca).toEqual({ id: null, provider: 'generic', name: null, namedBy: null, confidence: null, evidence: [], support: [] });
    expect(leaf.providers.loaded).toEqual([]);
    expect(leaf.providers.missing).toHaveLength(4);
    expect(leaf.expiry).toMatchObject({ state: 'valid', level: null });
  });

  it('reads DER from standard input', async () => {
    const b64 = leafPem().replace(/-----[A-Z ]+-----|\s/g, '');
    const r = await run(['inspect', '-', '--json'], Buffer.from(b64, 'base64'));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).serialNumber).toBe('1F3A5C7E9B2D4F60');
  });

  it('marks a code read from the subject name rather than a CA extension', async () => {
    const r = await run(['inspect', join(REPO_ROOT, 'packages/core/src/cert/fixtures/sm2-sign.pem'), '--now', NOW]);
    expect(r.out).toMatch(/主体代码\s+91110108551385082Q（统一社会信用代码，取自主体名称的 OU 字段）\n/);
    const en = await run(['inspect', join(REPO_ROOT, 'packages/core/src/cert/fixtures/sm2-sign.pem'), '--now', NOW, '--lang', 'en']);
    expect(en.out).toMatch(/Subject code\s+91110108551385082Q \(unified social credit code, from the subject's OU\)\n/);
  });
});

describe('input that is not a certificate', () => {
  // Deterministic "random" bytes (a linear congruential generator), not starting with 0x30.
  const noise = Uint8Array.from({ length: 512 }, (_, i) => ((i * 1103515245 + 12345) >>> 7) & 0xff);
  noise[0] = 0x9c;
  const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52);
  // Starts like DER (0x30) but has no certificate's outline.
  const fakeDer = Uint8Array.of(0x30, 0x81, 0x10, ...noise.subarray(0, 16));

  it.each([
    ['random bytes', noise, ''],
    ['random bytes after 0x30', fakeDer, ''],
    ['a PNG header', png, 'PNG'],
    ['an empty file', new Uint8Array(), 'empty'],
    ['blank lines', new TextEncoder().encode('\n\r\n  \n'), 'empty'],
    ['plain text', new TextEncoder().encode('not a certificate'), ''],
  ])('says %s is not a certificate, in both languages', async (_what, bytes, hint) => {
    const file = join(tmp(), 'input.cer');
    writeFileSync(file, bytes);
    const zh = await run(['inspect', file]);
    expect(zh.code).toBe(1);
    expect(zh.err).toMatch(/^yizheng: \[CERT_MALFORMED\] 证书格式错误，无法解析：.*不是证书（应为 DER、PEM 或 Base64 格式）/);
    expect(zh.err).not.toMatch(/base64 at position|\n\s+at /);
    const en = await run(['inspect', file, '--lang', 'en']);
    expect(en.err).toContain('not a certificate (DER, PEM or base64)');
    expect(en.err).toContain(file);
    if (hint === 'PNG') expect([zh.err, en.err]).toEqual([expect.stringContaining('PNG 图片'), expect.stringContaining('a PNG image')]);
    if (hint === 'empty') expect([zh.err, en.err]).toEqual([expect.stringContaining('为空'), expect.stringContaining('is empty')]);
    const json = await run(['inspect', file, '--json']);
    expect(json.code).toBe(1);
    const error = JSON.parse(json.out).error;
    expect(error.code).toBe('CERT_MALFORMED');
    expect(error.message.en).toContain('not a certificate (DER, PEM or base64)');
    expect(error.message['zh-CN']).toContain('不是证书');
  });

  it('says so for standard input too', async () => {
    const r = await run(['inspect', '-', '--lang', 'en'], new Uint8Array());
    expect(r.err).toContain('standard input is empty, not a certificate (DER, PEM or base64)');
  });

  it('names the PEM blocks a file holds instead of a certificate', async () => {
    const file = join(tmp(), 'key.pem');
    writeFileSync(file, '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n');
    const r = await run(['inspect', file, '--lang', 'en']);
    expect(r.err).toContain('the PEM text holds no CERTIFICATE, only PRIVATE KEY');
  });

  it('recognises a .p7b chain and a .pfx key store', async () => {
    // ContentInfo { signedData, ... } and PFX { version 3, ContentInfo { data, ... } }, truncated.
    const p7b = Uint8Array.of(0x30, 0x82, 0x01, 0x00, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0, 0x00);
    const pfx = Uint8Array.of(0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x03, 0x30, 0x10, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01);
    const dir = tmp();
    writeFileSync(join(dir, 'chain.p7b'), p7b);
    writeFileSync(join(dir, 'key.pfx'), pfx);
    expect((await run(['inspect', join(dir, 'chain.p7b')])).err).toContain('PKCS#7 证书链文件（.p7b）');
    expect((await run(['inspect', join(dir, 'key.pfx'), '--lang', 'en'])).err).toContain('PKCS#12 key store (.pfx/.p12)');
  });

  it('keeps the parser reason for a damaged certificate', async () => {
    const der = Buffer.from(leafPem().replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
    const file = join(tmp(), 'cut.cer');
    writeFileSync(file, der.subarray(0, 300));
    const r = await run(['inspect', file, '--lang', 'en']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\[CERT_MALFORMED\] .*length/);
    expect(r.err).not.toContain('not a certificate');
  });
});

describe('errors', () => {
  it('exits 1 with a clean message on a missing file and an oversized one', async () => {
    const missing = await run(['inspect', '/nonexistent/cert.pem', '--lang', 'en']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('[FILE_UNREADABLE] Cannot read the file /nonexistent/cert.pem (no such file, ENOENT).');
    const zh = await run(['inspect', '/nonexistent/cert.pem']);
    expect(zh.err).toContain('无法读取文件 /nonexistent/cert.pem（文件不存在，ENOENT）。');

    const big = join(tmp(), 'big.pem');
    writeFileSync(big, Buffer.alloc(3 * 1024 * 1024, 0x41));
    const large = await run(['inspect', big]);
    expect(large.code).toBe(1);
    expect(large.err).toContain('[INPUT_TOO_LARGE]');
  });

  it('prints every error as JSON with --json: { error: { code, message, remedy, details } }, exit code unchanged', async () => {
    const missing = await run(['inspect', '/nonexistent/cert.pem', '--json']);
    expect(missing.code).toBe(1);
    expect(missing.err).toBe('');
    expect(JSON.parse(missing.out)).toEqual({
      error: {
        code: 'FILE_UNREADABLE',
        message: { 'zh-CN': '无法读取文件 /nonexistent/cert.pem（文件不存在，ENOENT）。', en: 'Cannot read the file /nonexistent/cert.pem (no such file, ENOENT).' },
        remedy: { 'zh-CN': expect.any(String), en: expect.any(String) },
        details: { path: '/nonexistent/cert.pem', reason: 'ENOENT' },
      },
    });
    const usage = await run(['inspect', '--json']);
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.out).error).toMatchObject({ code: 'INVALID_ARGUMENT', message: { en: expect.stringContaining('inspect takes one certificate file') } });
    const unknown = await run(['frobnicate', '--json']);
    expect([unknown.code, JSON.parse(unknown.out).error.details.command]).toEqual([2, 'frobnicate']);
  });

  it('reports its own defects as INTERNAL_ERROR without a stack trace', async () => {
    const r = await run(['code', '91350200556207664B'], undefined, {
      stdout: () => {
        throw new TypeError('boom');
      },
    });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^yizheng: \[INTERNAL_ERROR\] Yizheng 内部错误：boom\n这是 Yizheng 的缺陷/);
    expect(r.err).not.toMatch(/\n\s+at /);
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
    expect(r.out).toMatch(/Check\s+failed\n/);
    const zh = await run(['code', '91350200556207664C']);
    expect(zh.out).toMatch(/校验\s+未通过\n/);
  });

  it('compares two codes', async () => {
    const same = await run(['code', 'compare', '91350200556207664B', '55620766-4', '--json']);
    expect(same.code).toBe(0);
    expect(JSON.parse(same.out)).toMatchObject({ result: 'same' });
    expect((await run(['code', 'compare', '91350200556207664B', '55620766-4'])).out).toMatch(/^结论\s+同一主体\n/);
    const different = await run(['code', 'compare', '91350200556207664B', '91110108551385082Q', '--json']);
    expect(different.code).toBe(0);
    expect(JSON.parse(different.out)).toMatchObject({ result: 'different' });
    const invalid = await run(['code', 'compare', 'abc', '55620766-4']);
    expect(invalid.code).toBe(1);
  });
});

describe('usage', () => {
  it.each([
    [[], '缺少命令', 'missing command'],
    [['frobnicate'], '未知命令“frobnicate”', 'unknown command "frobnicate"'],
    [['--lang'], '缺少命令', 'missing command'],
    [['inspect'], 'inspect 需要一个证书文件', 'inspect takes one certificate file'],
    [['inspect', 'a', 'b'], 'inspect 需要一个证书文件', 'inspect takes one certificate file'],
    [['inspect', 'a', '--bogus'], 'inspect 没有选项 --bogus', 'inspect has no option --bogus'],
    [['inspect', 'a', '-x'], 'inspect 没有选项 -x', 'inspect has no option -x'],
    [['inspect', 'a', '--now'], '选项 --now 缺少取值', 'option --now needs a value'],
    [['inspect', 'a', '--now', '--verbose'], '选项 --now 缺少取值', 'option --now needs a value'],
    [['inspect', 'a', '--json=yes'], '选项 --json 不接受取值', 'option --json takes no value'],
    [['inspect', 'a', '--now', 'yesterday'], '--now 应为时间', '--now must be a time'],
    [['inspect', 'a', '--now', '2027-02-30'], '--now 应为时间', '--now must be a time'],
    [['inspect', 'a', '--now', NOW, '--now', NOW], '选项 --now 只能给一次', 'option --now can be given once only'],
    [['code'], 'code 需要一个企业代码', 'code takes an enterprise code'],
    [['code', 'a', 'b'], 'code 只接受一个企业代码', 'code takes one code'],
    [['code', 'compare', 'a'], 'code compare 需要两个企业代码', 'code compare takes two codes'],
    [['verify-signature', '--cert', 'x'], 'verify-signature 缺少 --data、--signature', 'verify-signature needs --data, --signature'],
    [['verify-signature', '--cert', 'x', '--data', 'y', '--signature', 'z', '--format', 'pkcs1'], '--format 应为 auto, der, raw, skf, cms 之一', '--format must be one of auto, der, raw, skf, cms'],
    [['verify-chain', 'leaf.pem'], 'verify-chain 至少需要一个 --anchor', 'verify-chain needs at least one --anchor'],
    [['verify-chain', 'leaf.pem', '--anchor', 'r.pem', '--at', 'soon'], '--at 应为时间', '--at must be a time'],
    [['test-ca'], 'test-ca 需要一个输出文件夹', 'test-ca takes one output folder'],
    [['test-ca', 'd', '--key', 'dsa'], '--key 应为 ec, rsa, sm2 之一', '--key must be one of ec, rsa, sm2'],
  ])('exits 2 for %j, in Chinese and in English, as text and as JSON', async (argv, zh, en) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^yizheng: \[INVALID_ARGUMENT\] 参数无效：/);
    expect(r.err).toContain(zh);
    expect(r.err).toContain('运行 yizheng --help 查看命令和选项的用法。');
    expect(r.err).toContain('用法 / Usage:');
    const e = await run([...argv, '--lang', 'en']);
    expect(e.code).toBe(2);
    expect(e.err).toMatch(/^yizheng: \[INVALID_ARGUMENT\] Invalid argument: /);
    expect(e.err).toContain(en);
    const j = await run([...argv, '--json']);
    expect(j.code).toBe(2);
    expect(j.err).toBe('');
    const error = JSON.parse(j.out).error;
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message['zh-CN']).toContain(zh);
    expect(error.message.en).toContain(en);
    expect(error.remedy.en).toContain('yizheng --help');
    expect(error.details.reason).toContain(en);
    expect(error.details.reasonZh).toContain(zh);
  });

  it('refuses an unknown --lang in both languages', async () => {
    const r = await run(['inspect', 'a', '--lang', 'fr']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--lang 应为 zh-CN 或 en，而不是“fr”');
    const j = await run(['code', 'x', '--lang', 'fr', '--json']);
    expect(JSON.parse(j.out).error.message.en).toContain('--lang must be zh-CN or en, not "fr"');
  });

  it('shows the usage of the command at fault, or of all commands', async () => {
    const r = await run(['code']);
    expect(r.err).toContain('yizheng code compare');
    expect(r.err).not.toContain('yizheng inspect');
    expect((await run(['nope'])).err).toContain('yizheng inspect');
  });

  it('prints help and the version with exit 0', async () => {
    const help = await run(['--help']);
    expect([help.code, help.out]).toEqual([0, expect.stringContaining('用法 / Usage:')]);
    const inspectHelp = await run(['inspect', '--help']);
    expect([inspectHelp.code, inspectHelp.out]).toEqual([0, expect.stringContaining('yizheng inspect <file|->')]);
    expect((await run(['help', 'verify-chain'])).out).toContain('yizheng verify-chain <leaf>');
    const v = await run(['--version']);
    expect([v.code, v.out]).toEqual([0, '9.9.9\n']);
  });
});
