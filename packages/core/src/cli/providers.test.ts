/**
 * `yizheng inspect` with the provider packages: each package's own test fixtures, read through the
 * CLI with the package's sources standing in for the installed package.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test-utils/vectors';
import { maskPersonalId } from '../identity/index';
import { createTestCa, issueCertificate, utf8Extension } from '../testing/index';
import type { InspectJson } from './inspect';
import type { CliIo } from './io';
import { nodeIo } from './node-io';
import { PROVIDER_PACKAGES } from './providers';
import { runCli } from './run';

const VENDORS = ['bjca', 'cfca', 'huixin', 'cmca'] as const;
type Vendor = (typeof VENDORS)[number];

/** A package's source entry, imported as the installed package would be. */
const sourceOf = (vendor: Vendor, file: 'index' | 'fixtures'): Promise<unknown> =>
  import(/* @vite-ignore */ join(REPO_ROOT, `packages/provider-${vendor}/src/${file}.ts`));

type Importer = NonNullable<CliIo['importOptional']>;

/** Imports the provider packages named in `installed` from their sources; the others are "not installed". */
function importer(installed: readonly Vendor[] = VENDORS): Importer {
  return async (name) => {
    const vendor = VENDORS.find((v) => name === `@yizheng/provider-${v}`);
    return vendor !== undefined && installed.includes(vendor) ? sourceOf(vendor, 'index') : undefined;
  };
}

async function run(argv: string[], importOptional: Importer = importer()) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { ...nodeIo, stdout: (t) => void (out += t), stderr: (t) => void (err += t), importOptional });
  return { code, out, err };
}

interface Fixture {
  readonly name: string;
  readonly certificate: string | Uint8Array;
  readonly identity: Readonly<Record<string, unknown>> & { readonly source: Readonly<Record<string, string>> };
}

const dir = mkdtempSync(join(tmpdir(), 'yizheng-cli-providers-'));
const fixtures: { vendor: Vendor; fixture: Fixture; file: string }[] = [];

beforeAll(async () => {
  for (const vendor of VENDORS) {
    const mod = (await sourceOf(vendor, 'fixtures')) as Record<string, () => { own: Fixture[] }>;
    const make = mod[`${vendor}Fixtures`];
    if (!make) throw new Error(`no ${vendor}Fixtures`);
    make().own.forEach((fixture, i) => {
      const file = join(dir, `${vendor}-${i}.${typeof fixture.certificate === 'string' ? 'pem' : 'cer'}`);
      writeFileSync(file, fixture.certificate);
      fixtures.push({ vendor, fixture, file });
    });
  }
});

/** A vendor uid as shown: the holder's ID number in it masked. */
const maskedUid = (uid: string, personalId: unknown): string => (typeof personalId === 'string' ? uid.replace(personalId, maskPersonalId(personalId)) : uid);

describe('yizheng inspect with the provider packages', () => {
  it('reads every fixture of every package as the package does: its CA, codes and where they stand', async () => {
    expect(fixtures.length).toBeGreaterThan(20);
    for (const { vendor, fixture, file } of fixtures) {
      const r = await run(['inspect', file, '--json']);
      expect(r.code, fixture.name).toBe(0);
      const json = JSON.parse(r.out) as InspectJson;
      expect(json.ca, fixture.name).toMatchObject({ id: vendor, provider: vendor, namedBy: 'provider' });
      expect(json.ca.name?.['zh-CN'], fixture.name).toBeTruthy();
      const want = fixture.identity;
      expect(json.identity, fixture.name).toMatchObject({
        entityName: want['entityName'] ?? null,
        uscc: want['uscc'] ?? null,
        orgCode: want['orgCode'] ?? null,
        registrationNumber: want['registrationNumber'] ?? null,
        // ID numbers are masked, in the code and in a vendor uid that holds one.
        personalId: want['personalId'] === undefined ? null : maskPersonalId(want['personalId'] as string),
        vendorUid: want['vendorUid'] === undefined ? null : maskedUid(want['vendorUid'] as string, want['personalId']),
        source: want.source,
      });
      // The terminal shows no ID number in full (JSON keeps the certificate's own fields as they are).
      const text = await run(['inspect', file, '--verbose']);
      expect(text.out, fixture.name).not.toMatch(/\d{6}(19|20)\d{6}\d{3}[\dX]/);
      expect(json.providers.loaded.map((p) => p.package)).toEqual([...PROVIDER_PACKAGES]);
    }
  });

  it('names the CA and the code in both languages', async () => {
    const enterprise = fixtures.find((f) => f.vendor === 'bjca' && f.fixture.identity['uscc'] === '91350200556207664B');
    if (!enterprise) throw new Error('no BJCA enterprise fixture');
    const zh = await run(['inspect', enterprise.file]);
    expect(zh.out).toMatch(/主体代码\s+91350200556207664B（统一社会信用代码）\n/);
    expect(zh.out).toMatch(/CA机构\s+北京数字认证 \(BJCA\)\n/);
    expect(zh.out).toMatch(/客服电话\s+010-5851-5511、400-919-7888\n/);
    const en = await run(['inspect', enterprise.file, '--lang', 'en']);
    expect(en.out).toMatch(/CA\s+Beijing Certificate Authority \(BJCA\)\n/);
    expect(en.out).toMatch(/CA hotline\s+010-5851-5511, 400-919-7888\n/);

    const org = fixtures.find((f) => f.vendor === 'bjca' && f.fixture.identity['vendorUid'] === 'JJ556207664');
    expect((await run(['inspect', org?.file ?? ''])).out).toMatch(/主体代码\s+55620766-4（组织机构代码）\n/);

    const cfcaPerson = fixtures.find((f) => f.vendor === 'cfca' && f.fixture.identity['vendorUid'] === '011010519491231002X');
    const person = await run(['inspect', cfcaPerson?.file ?? '']);
    expect(person.out).toMatch(/主体名称\s+张三\n/);
    expect(person.out).toMatch(/颁发给\s+CFCA@张三@0110\*{11}002X@1\n/);
    expect(person.out).toMatch(/主体代码\s+110\*{11}002X（居民身份证号码）\n/);
  });

  it('says in verbose and JSON output which packages were loaded, missing or broken', async () => {
    const file = fixtures.find((f) => f.vendor === 'cfca')?.file ?? '';
    const broken: Importer = async (name) => {
      if (name.endsWith('-bjca')) throw new Error('Cannot find module @yizheng/core/providers');
      if (name.endsWith('-huixin')) return { notAProvider: 1 };
      return name.endsWith('-cfca') ? sourceOf('cfca', 'index') : undefined;
    };
    const json = JSON.parse((await run(['inspect', file, '--json'], broken)).out) as InspectJson;
    expect(json.providers).toEqual({
      loaded: [{ package: '@yizheng/provider-cfca', provider: 'cfca' }],
      missing: ['@yizheng/provider-cmca'],
      failed: [
        { package: '@yizheng/provider-bjca', reason: 'Cannot find module @yizheng/core/providers' },
        { package: '@yizheng/provider-huixin', reason: 'exports no CA provider' },
      ],
    });
    expect(json.ca.id).toBe('cfca');
    const verbose = await run(['inspect', file, '--verbose'], broken);
    expect(verbose.code).toBe(0);
    expect(verbose.out).toMatch(/CA插件\s+已加载：@yizheng\/provider-cfca\n\s+未安装：@yizheng\/provider-cmca\n\s+加载失败：@yizheng\/provider-bjca（Cannot find module/);
    expect(verbose.out).toMatch(/识别依据\s+issuer/);
    const en = await run(['inspect', file, '--verbose', '--lang', 'en'], broken);
    expect(en.out).toMatch(/Provider packages\s+loaded: @yizheng\/provider-cfca\n\s+not installed: @yizheng\/provider-cmca\n\s+failed to load: @yizheng\/provider-bjca \(Cannot/);
    // Without --verbose, nothing about packages.
    expect((await run(['inspect', file], broken)).out).not.toContain('@yizheng/provider');
  });

  it('without the package, names the CA from its issuer and says which package reads it fully', async () => {
    const org = fixtures.find((f) => f.vendor === 'bjca' && f.fixture.identity['vendorUid'] === 'JJ556207664');
    const r = await run(['inspect', org?.file ?? '', '--json'], importer(['cfca']));
    const json = JSON.parse(r.out) as InspectJson;
    expect(json.ca).toMatchObject({ id: 'bjca', provider: 'generic', namedBy: 'directory', confidence: null });
    expect(json.providers.missing).toContain('@yizheng/provider-bjca');
    const zh = await run(['inspect', org?.file ?? ''], importer([]));
    expect(zh.out).toMatch(/CA机构\s+北京CA（按颁发者名称判断，安装 @yizheng\/provider-bjca 可按该CA的规则读取）\n/);
    const en = await run(['inspect', org?.file ?? '', '--lang', 'en'], importer([]));
    expect(en.out).toMatch(/CA\s+Beijing CA \(BJCA\) \(from the issuer's name, install @yizheng\/provider-bjca to read it by this CA's rules\)\n/);
  });

  it('warns, in the catalogue words, when the places a CA vouches for disagree', async () => {
    const ca = createTestCa({ subject: 'CN=Conflict Test CA, O=一证测试, C=CN', keyAlgorithm: 'sm2' });
    const cert = issueCertificate({
      subject: 'CN=厦门帝网信息科技有限公司, O=厦门帝网信息科技有限公司, C=CN',
      issuer: ca,
      keyAlgorithm: 'sm2',
      extensions: [utf8Extension('1.2.156.10260.4.1.4', '91350200556207664B'), utf8Extension('1.2.156.10260.4.4', '91110108551385082Q')],
    });
    const file = join(dir, 'conflict.pem');
    writeFileSync(file, cert.pem);
    const json = JSON.parse((await run(['inspect', file, '--json'])).out) as InspectJson;
    expect(json.identity.conflicts.length).toBeGreaterThan(0);
    const zh = await run(['inspect', file]);
    expect(zh.code).toBe(0);
    expect(zh.out).toMatch(/注意\s+\[ENTERPRISE_CODE_CONFLICT\] 证书中的主体代码互相矛盾/);
    expect(zh.out).toContain('91110108551385082Q / 91350200556207664B');
    // No CA named: the remedy does not leave a blank name and hotline.
    expect(zh.out).toContain('请联系颁发证书的CA机构核对并更正证书中的主体信息');
    expect(zh.out).not.toContain('客服电话 -');
    const en = await run(['inspect', file, '--lang', 'en']);
    expect(en.out).toMatch(/Warning\s+\[ENTERPRISE_CODE_CONFLICT\] The codes in the certificate contradict each other/);
  });
});
