import { open } from 'node:fs/promises';
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
};
