/**
 * Runs every `packages/<name>/bench/*.mjs` module's `run()` and writes the results, with the Node
 * version, CPU and date, to bench-results/latest.json; prints a short table.
 * Use `pnpm bench` (builds first and runs with --expose-gc, so rounds start from a clean heap).
 */
import { mkdirSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, platform, arch } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packages = join(root, 'packages');

const modules = [];
for (const pkg of readdirSync(packages).sort()) {
  const dir = join(packages, pkg, 'bench');
  if (!existsSync(dir)) continue;
  for (const file of readdirSync(dir).sort()) if (file.endsWith('.mjs')) modules.push(join(dir, file));
}

if (globalThis.gc === undefined) console.warn('note: run with --expose-gc for steadier numbers');

const benches = [];
for (const file of modules) {
  const rel = file.slice(root.length + 1);
  process.stdout.write(`running ${rel} ...\n`);
  const mod = await import(pathToFileURL(file).href);
  if (typeof mod.run !== 'function') throw new Error(`${rel} does not export run()`);
  benches.push({ file: rel, ...(await mod.run()) });
}

const report = {
  date: new Date().toISOString(),
  node: process.version,
  v8: process.versions.v8,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  platform: `${platform()}-${arch()}`,
  gcExposed: globalThis.gc !== undefined,
  benches,
};
const out = join(root, 'bench-results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'latest.json'), JSON.stringify(report, null, 2) + '\n');

const rows = [];
for (const b of benches) {
  for (const r of b.results) {
    const value = r.opsPerSec !== undefined ? `${r.opsPerSec.toLocaleString('en-US')} ops/s`
      : r.gzipBytes !== undefined ? `${r.gzipBytes.toLocaleString('en-US')} B gzip`
        : r.seconds !== undefined ? `${r.seconds} s` : JSON.stringify(r);
    rows.push([b.name, String(r.name), value]);
  }
  for (const [k, v] of Object.entries(b.ratios ?? {})) rows.push([b.name, `ratio ${k}`, `${v}x`]);
}
const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), 5));
console.log(`\n${report.node} on ${report.cpu} (${report.cores} cores), ${report.date}`);
for (const r of rows) console.log(`${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padStart(widths[2])}`);
console.log(`\nwritten to ${join('bench-results', 'latest.json')}`);
