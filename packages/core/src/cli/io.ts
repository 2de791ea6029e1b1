/** What the CLI touches of the outside world, so tests can run it in-process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Reads all of standard input (for `-`), refusing more than `limit` bytes. */
  readonly readStdin: (limit: number) => Promise<Uint8Array>;
  /** Reads a file, refusing more than `limit` bytes. */
  readonly readFile: (path: string, limit: number) => Promise<Uint8Array>;
}

/** Exit codes: 0 success, 1 invalid input, 2 usage. */
export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

/** A wrong command line: printed with the usage text, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
