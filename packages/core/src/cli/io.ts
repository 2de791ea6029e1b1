/** What the CLI touches of the outside world, so tests can run it in-process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Reads all of standard input (for `-`), refusing more than `limit` bytes. */
  readonly readStdin: (limit: number) => Promise<Uint8Array>;
  /** Reads a file, refusing more than `limit` bytes. */
  readonly readFile: (path: string, limit: number) => Promise<Uint8Array>;
  /**
   * Imports an optional package (a CA provider) by name: its module namespace, or `undefined` when
   * it is not installed where the CLI or the current folder can see it. Throws when it is installed
   * but fails to load. Without it no provider package is used.
   */
  readonly importOptional?: (name: string) => Promise<unknown>;
}

/** Exit codes: 0 success, 1 invalid input, 2 usage. */
export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

export { UsageError } from './errors';
