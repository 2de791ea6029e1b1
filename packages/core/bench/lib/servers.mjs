/**
 * The database servers a benchmark may use, found and probed before it relies on them: the URL comes
 * from the environment (DATABASE_URL, MYSQL_URL) or from the file the start script wrote
 * (.tools/pg/url, .tools/mariadb/url), and a server that does not answer (a stale URL file from an
 * earlier run, say) is reported as a problem with the command that starts it, never thrown.
 */
import { existsSync, readFileSync } from 'node:fs';

const KINDS = {
  postgres: { label: 'PostgreSQL', env: 'DATABASE_URL', file: '../../../../.tools/pg/url', start: 'bash scripts/postgres.sh' },
  mysql: { label: 'MySQL/MariaDB', env: 'MYSQL_URL', file: '../../../../.tools/mariadb/url', start: 'bash scripts/mariadb.sh' },
};

/** `{ url, source }` for `kind` ('postgres' | 'mysql'), or undefined when neither the variable nor the file is there. */
export function serverUrl(kind) {
  const k = KINDS[kind];
  if (process.env[k.env]) return { url: process.env[k.env], source: k.env };
  const file = new URL(k.file, import.meta.url);
  if (!existsSync(file)) return undefined;
  const url = readFileSync(file, 'utf8').trim();
  return url === '' ? undefined : { url, source: k.file.replace(/^(\.\.\/)+/, '') };
}

/** The URL without its password, for notes. */
export function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

const message = (err) => (err instanceof Error ? err.message || err.code || err.name : String(err));

/** Resolves to null when the server at `url` answers a trivial query within `timeoutMs`, else to why not. */
export async function probeServer(kind, url, timeoutMs = 3000) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  const attempt = (async () => {
    if (kind === 'postgres') {
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
      client.on('error', () => {});
      try {
        await client.connect();
        await client.query('SELECT 1');
      } finally {
        await client.end().catch(() => {});
      }
    } else {
      const { default: mysql } = await import('mysql2/promise');
      const conn = await mysql.createConnection({ uri: url, connectTimeout: timeoutMs });
      try {
        await conn.query('SELECT 1');
      } finally {
        await conn.end().catch(() => {});
      }
    }
    return null;
  })().catch(message);
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `{ url }` when the `kind` server answers, else `{ note }`: why it is skipped, naming the URL (and
 * where it came from) and the command that starts the server.
 */
export async function findServer(kind) {
  const k = KINDS[kind];
  const found = serverUrl(kind);
  if (found === undefined) return { note: `${k.label} skipped: no URL (set ${k.env} or run \`${k.start}\`)` };
  const problem = await probeServer(kind, found.url);
  if (problem !== null) {
    return { note: `${k.label} skipped: ${redact(found.url)} (from ${found.source}) does not answer (${problem}); run \`${k.start}\` to start it` };
  }
  return { url: found.url };
}

/**
 * Drops a benchmark's PostgreSQL schema. Resolves to `null`, or to why it could not (the caller
 * notes it: a leftover schema must not fail the benchmark).
 */
export async function dropPostgresSchema(url, schema) {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  admin.on('error', () => {});
  try {
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await admin.end().catch(() => {});
  }
}
