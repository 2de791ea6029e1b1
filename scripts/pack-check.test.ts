/**
 * The pack check (scripts/pack-check.mjs): its tarball reader and content rules on their own, then
 * the whole check (pnpm pack, publint, attw, offline) on a small package built here, once sound and
 * once with the usual mistakes.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script, without declarations.
import * as packCheck from './pack-check.mjs';

interface PackedFile {
  readonly path: string;
  readonly size: number;
}
interface PackageReport {
  readonly packedBytes: number;
  readonly unpackedBytes: number;
  readonly fileCount: number;
  readonly problems: readonly string[];
}
const { checkContents, checkPackage, listTarball, publishablePackages, referencedFiles } = packCheck as {
  checkContents(pkg: object, files: readonly PackedFile[], allowance?: readonly string[]): string[];
  checkPackage(dir: string, scratch: string): Promise<PackageReport>;
  listTarball(tgz: Uint8Array): PackedFile[];
  publishablePackages(): string[];
  referencedFiles(pkg: object): string[];
};

const scratch = mkdtempSync(join(tmpdir(), 'yizheng-pack-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

const LICENSE = readFileSync(join(import.meta.dirname, '..', 'LICENSE'), 'utf8');

/** A small dual ESM/CJS package with types for both, as the Yizheng packages are laid out. */
const SOUND = {
  'package.json': JSON.stringify({
    name: '@yizheng-test/sound',
    version: '1.0.0',
    description: 'pack check fixture',
    license: 'Apache-2.0',
    type: 'module',
    main: './dist/index.cjs',
    types: './dist/index.d.ts',
    typesVersions: { '*': { extra: ['./dist/extra.d.cts'] } },
    exports: {
      '.': { import: { types: './dist/index.d.ts', default: './dist/index.js' }, require: { types: './dist/index.d.cts', default: './dist/index.cjs' } },
      './extra': { import: { types: './dist/extra.d.ts', default: './dist/extra.js' }, require: { types: './dist/extra.d.cts', default: './dist/extra.cjs' } },
      './package.json': './package.json',
    },
    files: ['dist', '!dist/**/*.map', 'README.md', 'LICENSE'],
  }),
  'README.md': '# sound\n',
  LICENSE,
  'dist/index.js': 'export const answer = 42;\n//# sourceMappingURL=index.js.map\n',
  'dist/index.js.map': '{}',
  'dist/index.cjs': 'exports.answer = 42;\n',
  'dist/index.d.ts': 'export declare const answer = 42;\n',
  'dist/index.d.cts': 'export declare const answer = 42;\n',
  'dist/extra.js': 'export const extra = 1;\n',
  'dist/extra.cjs': 'exports.extra = 1;\n',
  'dist/extra.d.ts': 'export declare const extra = 1;\n',
  'dist/extra.d.cts': 'export declare const extra = 1;\n',
  'src/index.ts': 'export const answer = 42;\n',
};

describe('pack check rules', () => {
  const pkg = JSON.parse(SOUND['package.json']) as Record<string, unknown>;
  const files = (paths: string[]): PackedFile[] => paths.map((path) => ({ path, size: 1 }));
  const shipped = ['package.json', 'README.md', 'LICENSE', ...Object.keys(SOUND).filter((p) => p.startsWith('dist/') && !p.endsWith('.map'))];

  it('finds every file package.json points at', () => {
    expect(referencedFiles({ ...pkg, bin: { tool: './dist/cli.js' } })).toEqual([
      'dist/cli.js',
      'dist/extra.cjs',
      'dist/extra.d.cts',
      'dist/extra.d.ts',
      'dist/extra.js',
      'dist/index.cjs',
      'dist/index.d.cts',
      'dist/index.d.ts',
      'dist/index.js',
      'package.json',
    ]);
  });

  it('passes a sound file list and names each mistake', () => {
    expect(checkContents(pkg, files(shipped))).toEqual([]);
    const problems = checkContents(
      { ...pkg, typesVersions: undefined },
      files([...shipped.filter((p) => p !== 'LICENSE' && p !== 'dist/index.d.cts'), 'dist/index.js.map', 'dist/index.test.js', 'dist/fixtures/cert.pem', 'src/index.ts', 'tsconfig.json']),
    );
    expect(problems).toEqual([
      'LICENSE is not in the tarball',
      'package.json points at dist/index.d.cts, which is not in the tarball',
      expect.stringMatching(/^dist\/index\.js\.map is a source map/),
      'dist/index.test.js is a test',
      'dist/fixtures/cert.pem is a test fixture',
      'src/index.ts is a source file',
      'tsconfig.json is a build or test configuration',
      'typesVersions has no "extra" (for ./extra): add "extra": ["./dist/extra.d.cts"] so that node10 resolution finds its types',
    ]);
    expect(checkContents(pkg, files([...shipped, 'dist/fixtures/cert.pem']), ['dist/fixtures/cert.pem'])).toEqual([]);
  });

  it('reads the tarballs tar writes, long paths included', () => {
    const root = join(scratch, 'tar');
    const long = `dist/${'a'.repeat(60)}/${'b'.repeat(60)}/index.d.ts`;
    writeTree(join(root, 'package'), { 'package.json': '{"name":"x"}', 'README.md': 'hello', [long]: 'x'.repeat(700) });
    for (const format of ['gnu', 'pax', 'ustar']) {
      const tgz = join(root, `${format}.tgz`);
      execFileSync('tar', ['-czf', tgz, `--format=${format}`, '-C', root, 'package']);
      const listed = listTarball(readFileSync(tgz));
      expect(listed.map(({ path, size }) => [path, size]).sort(), format).toEqual([
        ['README.md', 5],
        [long, 700],
        ['package.json', 12],
      ]);
    }
  });

  it('checks every package under packages/ that is not private', () => {
    expect(publishablePackages().map((p) => p.split('/').at(-1))).toEqual(expect.arrayContaining(['core', 'pkcs11-bridge', 'provider-bjca']));
  });
});

describe('pack check on a packed package (pnpm pack, publint, attw; offline)', () => {
  it('passes a sound package and reports its sizes', async () => {
    const dir = join(scratch, 'sound');
    writeTree(dir, SOUND);
    const report = await checkPackage(dir, scratch);
    expect(report.problems).toEqual([]);
    expect(report.fileCount).toBe(11); // no source map, no sources
    expect(report.unpackedBytes).toBeGreaterThan(report.packedBytes / 2);
  });

  it('fails a package with the usual mistakes, with publint and attw naming theirs', async () => {
    const dir = join(scratch, 'broken');
    const pkg = JSON.parse(SOUND['package.json']) as Record<string, unknown>;
    writeTree(dir, {
      ...SOUND,
      // types last (never used), CJS types missing, no LICENSE, a source map and a test shipped.
      'package.json': JSON.stringify({
        ...pkg,
        name: '@yizheng-test/broken',
        typesVersions: undefined,
        exports: { '.': { import: './dist/index.js', require: './dist/index.cjs', types: './dist/index.d.ts' }, './extra': { types: './dist/extra.d.ts', default: './dist/extra.js' } },
        files: ['dist', 'README.md'],
      }),
      LICENSE: '',
      'dist/index.d.cts': '',
      'dist/index.test.js': 'test\n',
    });
    rmSync(join(dir, 'LICENSE'));
    rmSync(join(dir, 'dist/index.d.cts'));
    const { problems } = await checkPackage(dir, scratch);
    expect(problems).toEqual(
      expect.arrayContaining([
        'LICENSE is not in the tarball',
        expect.stringMatching(/^dist\/index\.js\.map is a source map/),
        'dist/index.test.js is a test',
        expect.stringMatching(/^typesVersions has no "extra"/),
        expect.stringMatching(/^publint (error|warning): .*types/),
        expect.stringMatching(/^attw: /),
      ]),
    );
  });
});
