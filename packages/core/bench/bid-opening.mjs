/**
 * Benchmark: bid opening (开标). Every bidder logs in with its CA certificate within the same few
 * minutes, so the platform sees a burst of first-time logins from distinct holders: distinct keys,
 * distinct certificates, each bound to its own account, none of them in any cache.
 *
 * Per algorithm (SM2, ECDSA P-256, RSA-2048) the holders are generated once (untimed; RSA keys are
 * slow to make, so fewer RSA holders, see the notes). Per store (SQLite file in a temp dir;
 * PostgreSQL in a fresh schema and MySQL/MariaDB in a fresh database when their servers answer,
 * otherwise skipped with a note) every holder is bound through the real `bindCertificate` with a
 * signed bind challenge, then one login challenge per holder is issued and signed (untimed), then
 * the BURST is timed: every holder's `verifyLogin`, at most 64 in flight per process,
 *   - with one process: this one, on a FRESH `createYizheng` instance (cold certificate and SM2 caches)
 *     after `clearSignatureCaches()` (binding verified the same keys in this process);
 *   - with two processes: two forked nodes (lib/login-node.mjs), each with its own instance and
 *     connection pool on the same store, each logging in half of the holders (after untimed warm-up
 *     logins of one extra holder, so their code is compiled as this process's is after binding).
 * Reported: logins/s (holders / wall time of the burst), p50 and p99 latency of one login, and the
 * ratio to a baseline measured in the same run: `openssl speed -seconds 3 sm2` verify/s for SM2,
 * Node's raw `crypto.verify` over the same (text, signature) pairs with first-seen keys (the key
 * imported from the SPKI inside the timed loop) for P-256 and RSA-2048. Both baselines use one core.
 *
 * Environment: YZ_BID_HOLDERS (default 10000), YZ_BID_RSA_HOLDERS (default min(YZ_BID_HOLDERS, 2000)),
 * YZ_BID_ALGORITHMS (default `sm2,ec,rsa`), YZ_BID_STORES (default `sqlite,postgres,mysql`),
 * DATABASE_URL / MYSQL_URL (else .tools/pg/url and .tools/mariadb/url).
 *
 * Cost: every login writes to the store (the challenge is consumed, the login audited), so the
 * store's commits, not the signature, set the pace, and setup (binding, one commit-bound
 * bindCertificate per holder per store; two challenges per holder per store) costs about as much as
 * the bursts. On a shared 2-core VM with slow fsync a run took ~75 s at 300 holders and ~140 s at
 * 1,000 (RSA 300); the full size (10,000 + RSA 2,000) extrapolates to about 12–15 minutes there.
 *
 * Run through scripts/bench.mjs (`pnpm bench`), which imports the built package.
 */
import { spawnSync } from 'node:child_process';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearSignatureCaches } from '@yizheng/core/crypto';
import { ORIGIN, freshYizheng, loginBurst, openStores, percentile, pool } from './lib/bid-common.mjs';
import { makeHolders } from './lib/holders.mjs';
import { startNodes } from './lib/nodes.mjs';
import { dropPostgresSchema, findServer } from './lib/servers.mjs';

const HOLDERS = Number(process.env.YZ_BID_HOLDERS ?? 10_000);
const RSA_HOLDERS = Number(process.env.YZ_BID_RSA_HOLDERS ?? Math.min(HOLDERS, 2000));
const ALGORITHMS = (process.env.YZ_BID_ALGORITHMS ?? 'sm2,ec,rsa').split(',').map((s) => s.trim()).filter(Boolean);
const STORES = (process.env.YZ_BID_STORES ?? 'sqlite,postgres,mysql').split(',').map((s) => s.trim()).filter(Boolean);
const IN_FLIGHT = 64; // per process
const PREP_CONCURRENCY = 32; // binding and challenge issuing (untimed)
const POOL_SIZE = 16; // connections per process for PostgreSQL and MySQL
const RAW_ROUNDS = 3;
const WARMUP = 200; // warm-up logins per forked node (one extra holder), untimed
const LABEL = { sm2: 'SM2', ec: 'ECDSA P-256', rsa: 'RSA-2048' };

const encoder = new TextEncoder();
const log = (line) => process.stderr.write(`  [bid-opening] ${line}\n`);
const errorText = (err) => (err instanceof Error ? err.message : String(err));
const round = (x, digits = 2) => Number(x.toFixed(digits));

/** SM2 verify/s from `openssl speed -seconds 3 -mr sm2`, or `{ note }` when openssl cannot tell. */
function opensslSm2() {
  const out = spawnSync('openssl', ['speed', '-seconds', '3', '-mr', 'sm2'], { encoding: 'utf8', timeout: 60_000 });
  if (out.error !== undefined) return { note: `openssl speed sm2 did not run (${out.error.message}): SM2 ratios left out` };
  const text = `${out.stdout}\n${out.stderr}`;
  // Machine-readable summary: +F7:<index>:<bits>:<curve>:<sign/s>:<verify/s>
  const mr = /^\+F\d+:\d+:256:[^:\n]*SM2[^:\n]*:([\d.]+):([\d.]+)\s*$/im.exec(text);
  if (out.status === 0 && mr !== null) return { verifyPerSec: Number(mr[2]), signPerSec: Number(mr[1]), version: opensslVersion() };
  return { note: `openssl speed sm2 gave no SM2 verify rate (exit ${out.status}): SM2 ratios left out` };
}

function opensslVersion() {
  const out = spawnSync('openssl', ['version'], { encoding: 'utf8', timeout: 10_000 });
  return out.status === 0 ? out.stdout.trim() : 'unknown';
}

/** Node's crypto.verify over the pairs, each key imported from its SPKI inside the loop (first-seen keys); median of rounds. */
function rawVerify(pairs) {
  const rates = [];
  for (let r = 0; r < RAW_ROUNDS; r++) {
    globalThis.gc?.();
    let ok = 0;
    const t0 = performance.now();
    for (const { spki, text, signature } of pairs) {
      const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
      if (verify('sha256', Buffer.from(text), key, signature)) ok++;
    }
    const ms = performance.now() - t0;
    if (ok !== pairs.length) throw new Error(`raw verify: ${pairs.length - ok} of ${pairs.length} signatures did not verify`);
    rates.push((pairs.length * 1000) / ms);
  }
  return rates.sort((a, b) => a - b)[Math.floor(rates.length / 2)];
}

/** Signs a challenge text with the holder's key; the token the page would post. */
function tokenOf(holder, text) {
  const signature = holder.key.sign(encoder.encode(text));
  return { signature, token: { format: 'yizheng:1', certificate: holder.certificate, signature: Buffer.from(signature).toString('base64') } };
}

/** Binds every holder through the real bindCertificate, each with its own signed bind challenge. */
async function bindAll(yizheng, holders) {
  await pool(holders, PREP_CONCURRENCY, async (h) => {
    const sessionId = `bind-${h.index}`;
    const { text } = await yizheng.issueChallenge({ sessionId, origin: ORIGIN, purpose: 'bind' });
    const { token } = tokenOf(h, text);
    await yizheng.bindCertificate({
      sessionId,
      origin: ORIGIN,
      token,
      actor: { accountId: h.accountId, organizationId: h.organizationId, isAdmin: false },
      target: { accountId: h.accountId, organizationId: h.organizationId, enterpriseCode: h.enterpriseCode },
    });
  });
}

/** One issued and signed login challenge per holder: `{ sessionId, accountId, token, text, signature, spki }`. */
async function prepareLogins(yizheng, holders, tag) {
  const logins = new Array(holders.length);
  await pool(holders, PREP_CONCURRENCY, async (h, i) => {
    const sessionId = `${tag}-${h.index}`;
    const { text } = await yizheng.issueChallenge({ sessionId, origin: ORIGIN, purpose: 'login' });
    const { signature, token } = tokenOf(h, text);
    logins[i] = { sessionId, accountId: h.accountId, token, text, signature, spki: h.key.spki };
  });
  return logins;
}

/** Opens a fresh store of `kind` for `algorithm`, runs `fn(stores, config)`, then closes and drops it. */
async function withFreshStore(kind, url, dir, algorithm, fn) {
  // scripts/mariadb.sh grants the test user the databases named yz_test_%.
  const id = `yz_test_bid_${algorithm}_${randomBytes(4).toString('hex')}`;
  const config = kind === 'sqlite' ? { kind, path: join(dir, `${id}.db`) }
    : kind === 'postgres' ? { kind, url, schema: id }
      : { kind, url, database: id };
  const stores = openStores(config, POOL_SIZE);
  try {
    if (kind !== 'sqlite') await stores.migrate();
    return await fn(stores, config);
  } finally {
    await stores.close().catch(() => {});
    if (kind === 'postgres') {
      const failed = await dropPostgresSchema(url, id);
      if (failed !== null) log(`could not drop PostgreSQL schema ${id}: ${failed}`);
    }
    else if (kind === 'mysql') await dropMysqlDatabase(url, id);
    else for (const suffix of ['', '-wal', '-shm']) rmSync(`${config.path}${suffix}`, { force: true });
  }
}

async function dropMysqlDatabase(url, database) {
  const { default: mysql } = await import('mysql2/promise');
  let admin;
  try {
    admin = await mysql.createConnection({ uri: url, connectTimeout: 5000 });
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  } catch (err) {
    log(`could not drop MySQL database ${database}: ${errorText(err)}`);
  } finally {
    await admin?.end().catch(() => {});
  }
}

function summary(name, latencies, wallMs, count, processes) {
  return {
    name,
    opsPerSec: Math.round((count * 1000) / wallMs),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    holders: count,
    processes,
    inFlight: IN_FLIGHT * processes,
    wallMs: Math.round(wallMs),
  };
}

/** Bind, prepare and burst for one algorithm on one store: the 1-process and 2-process results. */
async function runStore(kind, url, dir, algorithm, set, baseline) {
  return withFreshStore(kind, url, dir, algorithm, async (stores, config) => {
    const caDer = Buffer.from(set.ca.der).toString('base64');
    const prep = freshYizheng(stores, caDer);
    // An earlier store's run verified these keys in this process: start binding from cold caches too
    // (a key's second verification builds its SM2 table, which would make later stores' binding slow).
    clearSignatureCaches();
    await bindAll(prep, [set.warmup]);
    let t0 = performance.now();
    await bindAll(prep, set.holders);
    const bindMs = performance.now() - t0;
    log(`${algorithm} ${kind}: bound ${set.holders.length} in ${Math.round(bindMs)} ms`);

    // One process: a fresh instance, so no parsed certificate or SM2 key is cached.
    t0 = performance.now();
    const single = await prepareLogins(prep, set.holders, 'p1');
    const prepMs = performance.now() - t0;
    if (baseline.pairs === undefined) baseline.pairs = single;
    // Binding verified these keys in this process: forget them (the module-wide key cache, Z values,
    // use counts and tables), as a node that bound them days ago, or restarted since, would have.
    clearSignatureCaches();
    globalThis.gc?.();
    const one = await loginBurst(freshYizheng(stores, caDer), single, IN_FLIGHT);
    if (one.failures > 0) throw new Error(`${one.failures} of ${single.length} logins failed (first: ${one.firstError})`);
    const results = [summary(`${LABEL[algorithm]} ${kind} 1 process`, one.latencies, one.wallMs, single.length, 1)];
    log(`${algorithm} ${kind} 1 process: ${results[0].opsPerSec} logins/s, p50 ${results[0].p50Ms} ms, p99 ${results[0].p99Ms} ms`);

    // Two processes: two nodes on the same store, half of the holders each.
    // Each node first logs in WARMUP times as the warm-up holder (untimed), so its code is compiled as
    // this process's is after binding, while no burst holder is in its caches.
    const double = await prepareLogins(prep, set.holders, 'p2');
    const warm = await prepareLogins(prep, Array.from({ length: 2 * WARMUP }, (_, i) => ({ ...set.warmup, index: `w${i}` })), 'p2');
    const slim = (list) => list.map(({ sessionId, accountId, token }) => ({ sessionId, accountId, token }));
    const files = [0, 1].map((n) => {
      const file = join(dir, `${config.schema ?? config.database ?? 'sqlite'}-${algorithm}-node${n}.json`);
      const half = { warmup: slim(warm.filter((_, i) => i % 2 === n)), logins: slim(double.filter((_, i) => i % 2 === n)) };
      writeFileSync(file, JSON.stringify(half));
      return file;
    });
    const nodes = await startNodes(2, { store: config, caDer, poolSize: POOL_SIZE });
    let two;
    try {
      two = await nodes.burst(files, IN_FLIGHT);
    } finally {
      await nodes.stop();
      for (const file of files) rmSync(file, { force: true });
    }
    const failures = two.parts.reduce((s, p) => s + p.failures, 0);
    if (failures > 0) throw new Error(`${failures} of ${double.length} logins failed with two processes (first: ${two.parts.find((p) => p.firstError)?.firstError})`);
    results.push(summary(`${LABEL[algorithm]} ${kind} 2 processes`, two.parts.flatMap((p) => p.latencies), two.wallMs, double.length, 2));
    log(`${algorithm} ${kind} 2 processes: ${results[1].opsPerSec} logins/s, p50 ${results[1].p50Ms} ms, p99 ${results[1].p99Ms} ms`);
    return { results, setup: { bindPerSec: Math.round((set.holders.length * 1000) / bindMs), challengesPerSec: Math.round((set.holders.length * 1000) / prepMs) } };
  });
}

export async function run() {
  const started = performance.now();
  const notes = [];
  const results = [];
  const ratios = {};
  const setup = {};
  const dir = mkdtempSync(join(tmpdir(), 'yizheng-bid-'));
  try {
    // Which stores can run: a server that does not answer is skipped with a note, never a crash.
    const stores = [];
    for (const kind of STORES) {
      if (kind === 'sqlite') {
        stores.push({ kind });
        continue;
      }
      const { url, note } = await findServer(kind);
      if (url === undefined) notes.push(note);
      else stores.push({ kind, url });
    }

    let sm2Baseline;
    if (ALGORITHMS.includes('sm2')) {
      sm2Baseline = opensslSm2();
      if (sm2Baseline.note !== undefined) notes.push(sm2Baseline.note);
      else results.push({ name: 'baseline: SM2 openssl speed verify (1 core)', opsPerSec: Math.round(sm2Baseline.verifyPerSec), openssl: sm2Baseline.version });
    }

    for (const algorithm of ALGORITHMS) {
      const count = algorithm === 'rsa' ? RSA_HOLDERS : HOLDERS;
      const set = await makeHolders(algorithm, count);
      setup[`${algorithm}Holders`] = { count, keyMs: Math.round(set.keyMs), generateMs: Math.round(set.generateMs), totalMs: Math.round(set.totalMs), keysCached: set.keysCached };
      log(`${algorithm}: ${count} holders in ${Math.round(set.totalMs)} ms (keys ${Math.round(set.keyMs)} ms${set.keysCached ? ', from the temp-dir cache' : ''})`);
      if (algorithm === 'rsa') {
        const cost = `generating them took ${Math.round(set.generateMs / 1000)} s (~${Math.round(set.generateMs / count)} ms a key, 4 at a time on the thread pool)`;
        notes.push(`RSA-2048 uses ${count} holders${count < HOLDERS ? ` (not ${HOLDERS}: RSA key generation is slow)` : ''}; ${cost}${set.keysCached ? ', in an earlier run: these came from the temp-dir cache' : ''}; set YZ_BID_RSA_HOLDERS to change`);
      }
      const baseline = {};
      const runs = [];
      for (const { kind, url } of stores) {
        try {
          const { results: storeResults, setup: storeSetup } = await runStore(kind, url, dir, algorithm, set, baseline);
          runs.push({ kind, storeResults });
          setup[`${algorithm}.${kind}`] = storeSetup;
        } catch (err) {
          if (kind === 'sqlite') throw err;
          notes.push(`${algorithm} on ${kind} failed: ${errorText(err)}`);
        }
      }
      // The baseline over this algorithm's first store's (text, signature) pairs.
      let base;
      let baseName;
      if (algorithm === 'sm2') {
        if (sm2Baseline?.verifyPerSec !== undefined) {
          base = sm2Baseline.verifyPerSec;
          baseName = 'openssl';
        }
      } else if (baseline.pairs !== undefined) {
        base = rawVerify(baseline.pairs);
        baseName = 'raw';
        results.push({ name: `baseline: ${LABEL[algorithm]} raw crypto.verify, first-seen keys (1 core)`, opsPerSec: Math.round(base), opsPerRound: baseline.pairs.length, rounds: RAW_ROUNDS });
      }
      for (const { kind, storeResults } of runs) {
        for (const r of storeResults) {
          if (base !== undefined) {
            r.ratioToBaseline = round(r.opsPerSec / base);
            ratios[`${LABEL[algorithm]} ${kind} ${r.processes}p / ${baseName} 1p`] = r.ratioToBaseline;
          }
          results.push(r);
        }
      }
      set.holders.length = 0;
    }
    if (ALGORITHMS.includes('sm2')) notes.push('SM2 baseline: `openssl speed -seconds 3 -mr sm2` verify/s, one core, CPU-time based, measured at the start of this run');
    notes.push('ratios are logins/s over the one-core baseline: "2p / … 1p" compares two login processes with the one-core baseline');
    notes.push(`burst: every holder's verifyLogin with at most ${IN_FLIGHT} in flight per process; 1 process = this process on a fresh createYizheng instance; 2 processes = two forked nodes (own instance, pool of ${POOL_SIZE}, ${WARMUP} untimed warm-up logins of one extra holder each), wall time from "go" to both done`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  setup.totalSeconds = Math.round((performance.now() - started) / 1000);
  return {
    name: 'bid-opening',
    goal: 'a burst of first-time logins by distinct holders, per store and per process count, next to raw verification',
    results,
    ratios,
    setup,
    notes,
  };
}
