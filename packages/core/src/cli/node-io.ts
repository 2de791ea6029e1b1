import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { YizhengError } from '../errors/index';
import type { CliIo } from './io';

async function readLimited(chunks: AsyncIterable<Uint8Array>, limit: number, what: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.length;
    // Stop reading at the limit instead of buffering an arbitrarily large input first.
    if (size > limit) throw new YizhengError('INPUT_TOO_LARGE', { what, limit });
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/** The ESM entry a package.json names for `import` (its `exports` "." for import/node/default, else `module`, else `main`). */
function importEntry(manifest: { exports?: unknown; module?: unknown; main?: unknown }): string | undefined {
  let entry: unknown = manifest.exports;
  if (entry !== null && typeof entry === 'object' && Object.hasOwn(entry, '.')) entry = (entry as Record<string, unknown>)['.'];
  for (let depth = 0; depth < 4 && entry !== null && typeof entry === 'object'; depth++) {
    const conditions = entry as Record<string, unknown>;
    entry = conditions['import'] ?? conditions['node'] ?? conditions['default'];
  }
  if (typeof entry === 'string') return entry;
  if (typeof manifest.module === 'string') return manifest.module;
  return typeof manifest.main === 'string' ? manifest.main : undefined;
}

/** The URL to import `name` by, as Node would find it from the file `from`; `undefined` when it is not there. */
function resolveFrom(from: string, name: string): string | undefined {
  const require = createRequire(from);
  let manifestPath: string;
  try {
    manifestPath = require.resolve(`${name}/package.json`);
  } catch {
    // Not installed here, or a package that does not export its package.json: ask for its entry.
    try {
      return pathToFileURL(require.resolve(name)).href;
    } catch {
      return undefined;
    }
  }
  const entry = importEntry(JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>);
  return pathToFileURL(entry === undefined ? require.resolve(name) : join(dirname(manifestPath), entry)).href;
}

/**
 * Imports an optional package the way a user expects: installed beside the CLI (the same
 * node_modules as @yizheng/core) or in the project of the current folder.
 */
async function importOptional(name: string): Promise<unknown> {
  for (const from of [import.meta.url, join(process.cwd(), 'noop.js')]) {
    const url = resolveFrom(from, name);
    if (url !== undefined) return import(url);
  }
  return undefined;
}

/** The real process's standard streams and file system. */
export const nodeIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin: (limit) => readLimited(process.stdin, limit, 'standard input'),
  readFile: async (path, limit) => {
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (cause) {
      const code = (cause as { code?: string }).code ?? 'EIO';
      throw new YizhengError('FILE_UNREADABLE', { path, reason: code }, { cause });
    }
    try {
      return await readLimited(handle.createReadStream(), limit, path);
    } catch (cause) {
      if (cause instanceof YizhengError) throw cause;
      const code = (cause as { code?: string }).code ?? 'EIO';
      throw new YizhengError('FILE_UNREADABLE', { path, reason: code }, { cause });
    } finally {
      await handle.close();
    }
  },
  importOptional,
};
