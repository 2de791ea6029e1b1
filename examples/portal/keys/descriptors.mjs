// Server side: the key drivers the start commands (bjca.mjs, cfca.mjs, pkcs11.mjs) publish while they
// run, as <dataDir>/keys/<kind>.json. Read them on each page load: a command started or stopped since
// shows up at once.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const KINDS = new Set(['pkcs11', 'bjca', 'cfca']);
const PEM = /^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/;
const LOOPBACK_WS = /^ws:\/\/127\.0\.0\.1:\d{1,5}\/[\w/.-]*$/;

const isText = (v) => typeof v === 'string' && v.length > 0;
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True while process `pid` exists (EPERM: it exists, owned by someone else). */
export function isAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Why `d` is not a valid descriptor, or null. */
export function descriptorProblem(d) {
  if (!isObject(d)) return 'not an object';
  if (!KINDS.has(d.kind)) return `unknown kind ${JSON.stringify(d.kind)}`;
  if (!isObject(d.label) || !isText(d.label['zh-CN']) || !isText(d.label.en)) return 'label needs zh-CN and en';
  if (!isText(d.caPem) || !PEM.test(d.caPem)) return 'caPem is not a PEM certificate';
  if (!Number.isInteger(d.pid)) return 'pid missing';
  if (!isObject(d.driver)) return 'driver options missing';
  if (d.kind === 'pkcs11' || d.kind === 'bjca') {
    if (!isText(d.url) || !LOOPBACK_WS.test(d.url)) return 'url must be ws://127.0.0.1:<port>/...';
    if (d.driver.url !== d.url) return 'driver.url differs from url';
  }
  if (d.kind === 'cfca') {
    if (!isObject(d.emulator) || !isText(d.emulator.script) || !d.emulator.script.startsWith('/') || !isText(d.emulator.file)) return 'emulator.script / emulator.file missing';
    if (!isText(d.driver.productId)) return 'driver.productId missing';
    const k = d.key;
    if (!isObject(k) || !isText(k.id) || !isText(k.certificate) || !isText(k.privateKey) || !isText(k.pin)) return 'key (id, certificate, privateKey, pin) missing';
  }
  return null;
}

/**
 * The descriptors in `<dataDir>/keys/*.json` whose process is alive and whose shape is valid, sorted
 * by kind (pkcs11, bjca, cfca):
 *
 * - `descriptors`: what the page gets (pass to page-drivers.js `createDrivers`); server-only fields
 *   (`pid`, `emulator.file`) removed;
 * - `caPems`: the demo CA certificates to add to the trust store;
 * - `scripts`: `{ path, file }` to serve (the CFCA emulator bundle: GET `path` → the file, as
 *   `text/javascript`);
 * - `connectSrc`: the loopback WebSocket origins the page's CSP `connect-src` must allow;
 * - `skipped`: `{ file, reason }` for files left out (a stopped command, a malformed file).
 */
export function readKeyDescriptors(dataDir) {
  const dir = join(dataDir, 'keys');
  const out = { descriptors: [], caPems: [], scripts: [], connectSrc: [], skipped: [] };
  if (!existsSync(dir)) return out;
  const order = ['pkcs11', 'bjca', 'cfca'];
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.json')) continue;
    const file = join(dir, name);
    let d;
    try {
      d = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      out.skipped.push({ file, reason: `unreadable: ${err.message}` });
      continue;
    }
    const problem = descriptorProblem(d);
    if (problem) {
      out.skipped.push({ file, reason: problem });
      continue;
    }
    if (!isAlive(d.pid)) {
      out.skipped.push({ file, reason: `process ${d.pid} has ended` });
      continue;
    }
    found.push(d);
  }
  found.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  for (const d of found) {
    const { pid: _pid, ...page } = d;
    if (d.emulator) {
      page.emulator = { script: d.emulator.script };
      out.scripts.push({ path: d.emulator.script, file: d.emulator.file });
    }
    if (d.url) out.connectSrc.push(new URL(d.url).origin);
    out.descriptors.push(page);
    out.caPems.push(d.caPem);
  }
  return out;
}
