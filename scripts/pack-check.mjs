#!/usr/bin/env node
/**
 * Checks every publishable package (packages/*, not private) as a user installs it: packs it with
 * `pnpm pack` (workspace versions rewritten, as published), lists the tarball and checks that
 *
 * - README.md, LICENSE and package.json are in it, and every file package.json points at
 *   (`exports`, whatever subpaths it declares, and `main`, `module`, `types`, `bin`);
 * - nothing leaks that users should not download: source maps, tests, fixtures, sources, build
 *   configs (beyond the per-package ALLOWANCE below, empty today);
 * - `typesVersions` gives every `exports` subpath its types (TypeScript's `node10` resolution, the
 *   default of `module: commonjs` projects such as NestJS, ignores `exports`);
 * - publint finds no error or warning, and Are the Types Wrong (attw) no problem, both run on the
 *   tarball itself and offline.
 *
 * Prints each package's packed and unpacked size and writes them to test-results/pack-sizes.json.
 * Run after `pnpm build`: `bash scripts/x.sh node scripts/pack-check.mjs [packages/<dir> …]`.
 * Exits 1 when any check fails, listing every problem.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPORT = join(ROOT, 'test-results', 'pack-sizes.json');

/**
 * Files a package may ship although a leak rule matches them, by package name (glob-free: exact
 * paths inside the package, e.g. `dist/fixtures/x.pem`). Empty: nothing needs an exception today.
 */
export const ALLOWANCE = {};

/** What must not be published, with the reason shown when it is. */
const LEAKS = [
  { test: (p) => p.endsWith('.map'), why: 'a source map (not published: the dist is readable JavaScript, and the maps would triple the download)' },
  { test: (p) => /(^|\/)(__tests__|__mocks__|tests?)\//.test(p) || /\.(test|spec)\.[cm]?[jt]sx?$/.test(p), why: 'a test' },
  { test: (p) => /(^|\/)(__fixtures__|fixtures|test-utils|test-support|vectors)\//.test(p), why: 'a test fixture' },
  { test: (p) => /^src\//.test(p) || (/\.[cm]?tsx?$/.test(p) && !/\.d\.[cm]?ts$/.test(p)), why: 'a source file' },
  { test: (p) => /(^|\/)(tsconfig[^/]*\.json|tsup\.config\.[cm]?[jt]s|vitest\.config\.[cm]?[jt]s|\.eslintrc[^/]*|eslint\.config\.[cm]?js)$/.test(p), why: 'a build or test configuration' },
  { test: (p) => /(^|\/)(\.env[^/]*|\.npmrc|node_modules\/.*|\.DS_Store|[^/]*\.tgz)$/.test(p), why: 'a local file' },
];

/**
 * The files of a .tgz as `{ path, size, data }` (paths without the leading `package/`; `data` only
 * for package.json). Reads ustar and GNU headers and pax `path` records.
 */
export function listTarball(tgz) {
  const tar = gunzipSync(tgz);
  const entries = [];
  let longPath;
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const text = (from, length) => {
      const field = header.subarray(from, from + length);
      const end = field.indexOf(0);
      return field.subarray(0, end === -1 ? length : end).toString('utf8');
    };
    const size = Number.parseInt(text(124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 48);
    const body = tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x' || type === 'L') {
      longPath = type === 'L' ? body.toString('utf8').replace(/\0+$/, '') : /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1];
      continue;
    }
    const prefix = text(345, 155);
    const name = longPath ?? (prefix ? `${prefix}/${text(0, 100)}` : text(0, 100));
    longPath = undefined;
    if (type !== '0' && type !== '7') continue; // directories, links
    const path = name.replace(/^[^/]+\//, '');
    entries.push(path === 'package.json' ? { path, size, data: Buffer.from(body) } : { path, size });
  }
  return entries;
}

/** Every file path a package.json points at: `exports` (all conditions), `main`, `module`, `types`, `bin`. */
export function referencedFiles(pkg) {
  const out = new Set();
  const walk = (value) => {
    if (typeof value === 'string') out.add(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(pkg.exports);
  for (const field of ['main', 'module', 'types', 'typings']) if (typeof pkg[field] === 'string') out.add(pkg[field]);
  walk(typeof pkg.bin === 'string' ? pkg.bin : pkg.bin ?? {});
  return [...out].filter((p) => !p.includes('*')).map((p) => p.replace(/^\.\//, '')).sort();
}

/** The types file of an `exports` entry for `require` (else any `types`), for `typesVersions`. */
function typesOf(entry) {
  if (!entry || typeof entry !== 'object') return undefined;
  if (typeof entry.types === 'string') return entry.types;
  for (const condition of ['require', 'node', 'default', 'import']) {
    const found = typesOf(entry[condition]);
    if (found) return found;
  }
  return undefined;
}

/**
 * Problems of the packed file list against package.json (see the module comment); `allowance` lists
 * paths that may ship anyway.
 */
export function checkContents(pkg, files, allowance = []) {
  const problems = [];
  const paths = new Set(files.map((f) => f.path));
  for (const required of ['package.json', 'README.md', 'LICENSE']) {
    if (!paths.has(required)) problems.push(`${required} is not in the tarball`);
  }
  for (const ref of referencedFiles(pkg)) {
    if (!paths.has(ref)) problems.push(`package.json points at ${ref}, which is not in the tarball`);
  }
  for (const { path } of files) {
    if (allowance.includes(path)) continue;
    const leak = LEAKS.find((l) => l.test(path));
    if (leak) problems.push(`${path} is ${leak.why}`);
  }
  if (pkg.exports && typeof pkg.exports === 'object') {
    const mapped = pkg.typesVersions?.['*'] ?? {};
    for (const [subpath, entry] of Object.entries(pkg.exports)) {
      if (subpath === '.' || subpath.endsWith('.json') || subpath.includes('*')) continue;
      const types = typesOf(entry);
      if (types === undefined) continue;
      const key = subpath.replace(/^\.\//, '');
      const target = mapped[key];
      if (!Array.isArray(target) || target.length === 0) {
        problems.push(`typesVersions has no "${key}" (for ${subpath}): add "${key}": ["${types}"] so that node10 resolution finds its types`);
      } else if (!target.every((t) => paths.has(t.replace(/^\.\//, '')))) {
        problems.push(`typesVersions "${key}" points at ${target.join(', ')}, not in the tarball`);
      }
    }
  }
  return problems;
}

/** The first `count` largest files. */
function largest(files, count) {
  return [...files].sort((a, b) => b.size - a.size).slice(0, count).map(({ path, size }) => ({ path, bytes: size }));
}

function run(command, args, options) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) throw result.error;
  return result;
}

/** The binaries of the root's devDependencies (publint, attw), whatever PATH holds. */
function bin(name) {
  const path = join(ROOT, 'node_modules', '.bin', name);
  if (!existsSync(path)) throw new Error(`${name} is not installed: run pnpm install at the repository root`);
  return path;
}

/** publint on the tarball: its messages, formatted. */
async function runPublint(tarball) {
  const { publint } = await import('publint');
  const { formatMessage } = await import('publint/utils');
  const bytes = readFileSync(tarball);
  const { messages, pkg } = await publint({ pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) }, level: 'suggestion' });
  return messages.map((m) => ({ type: m.type, code: m.code, text: stripAnsi(formatMessage(m, pkg) ?? m.code) }));
}

/** attw on the tarball, offline (no DefinitelyTyped lookup): its problems, one line each. */
function runAttw(tarball) {
  const result = run(bin('attw'), [tarball, '--format', 'json', '--no-definitely-typed', '--no-color'], { cwd: dirname(tarball) });
  let parsed;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    return [`attw did not answer JSON (exit ${result.status}): ${(result.stderr || result.stdout).trim().slice(0, 500)}`];
  }
  const grouped = parsed.problems ?? {};
  const list = Array.isArray(grouped) ? grouped : Object.values(grouped).flat();
  const where = (p) =>
    [p.entrypoint, p.resolutionKind && `(${p.resolutionKind})`, p.fileName, p.typesFileName && `types ${p.typesFileName}`, p.implementationFileName && `JavaScript ${p.implementationFileName}`]
      .filter(Boolean)
      .join(' ');
  return list.map((p) => `${p.kind} ${where(p)}`.trim());
}

function stripAnsi(text) {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** The publishable packages: packages/* with a package.json that is not private. */
export function publishablePackages(root = ROOT) {
  const dir = join(root, 'packages');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'package.json')))
    .map((d) => join(dir, d.name))
    .filter((p) => JSON.parse(readFileSync(join(p, 'package.json'), 'utf8')).private !== true)
    .sort();
}

/** Packs `dir` into a new folder under `scratch` and checks it: the package's report entry. */
export async function checkPackage(dir, scratch) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const out = mkdtempSync(join(scratch, `${basename(dir)}-`));
  const packed = run('pnpm', ['pack', '--pack-destination', out], { cwd: dir });
  const tarballName = readdirSync(out).find((f) => f.endsWith('.tgz'));
  if (packed.status !== 0 || tarballName === undefined) {
    return { name: pkg.name, version: pkg.version, dir: relative(ROOT, dir), problems: [`pnpm pack failed: ${(packed.stderr || packed.stdout).trim().slice(0, 500)}`] };
  }
  const tarball = join(out, tarballName);
  const tgz = readFileSync(tarball);
  const files = listTarball(tgz);
  const manifest = files.find((f) => f.path === 'package.json')?.data;
  const publishedPkg = manifest ? JSON.parse(manifest.toString('utf8')) : pkg;
  const problems = checkContents(publishedPkg, files, ALLOWANCE[pkg.name] ?? []);
  const lint = await runPublint(tarball);
  for (const m of lint) if (m.type !== 'suggestion') problems.push(`publint ${m.type}: ${m.text}`);
  for (const p of runAttw(tarball)) problems.push(`attw: ${p}`);
  const dependencies = Object.entries(publishedPkg.dependencies ?? {}).filter(([, v]) => String(v).startsWith('workspace:'));
  for (const [name, v] of dependencies) problems.push(`dependency ${name} is still "${v}" in the tarball`);
  return {
    name: pkg.name,
    version: pkg.version,
    dir: relative(ROOT, dir),
    tarball: tarballName,
    packedBytes: tgz.length,
    unpackedBytes: files.reduce((sum, f) => sum + f.size, 0),
    fileCount: files.length,
    largestFiles: largest(files, 5),
    publintSuggestions: lint.filter((m) => m.type === 'suggestion').map((m) => m.text),
    problems,
  };
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

async function main(argv) {
  const dirs = argv.length > 0 ? argv.map((a) => resolve(a)) : publishablePackages();
  const scratch = mkdtempSync(join(tmpdir(), 'yizheng-pack-'));
  const results = [];
  try {
    for (const dir of dirs) {
      const result = await checkPackage(dir, scratch);
      results.push(result);
      const size = result.packedBytes === undefined ? '' : ` ${kib(result.packedBytes)} packed, ${kib(result.unpackedBytes)} unpacked, ${result.fileCount} files`;
      console.log(`${result.problems.length === 0 ? 'ok  ' : 'FAIL'} ${result.name}@${result.version}${size}`);
      for (const p of result.problems) console.log(`       - ${p}`);
      for (const s of result.publintSuggestions ?? []) console.log(`       (publint suggestion: ${s})`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const ok = results.every((r) => r.problems.length === 0);
  mkdirSync(dirname(REPORT), { recursive: true });
  writeFileSync(REPORT, `${JSON.stringify({ generatedAt: new Date().toISOString(), node: process.versions.node, ok, packages: results }, null, 2)}\n`);
  console.log(`pack check: ${ok ? 'all packages pass' : 'problems found'} (sizes in ${relative(ROOT, REPORT)})`);
  return ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
