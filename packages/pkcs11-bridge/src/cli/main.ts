/**
 * The `yizheng-bridge` executable.
 *
 * @internal
 */
import { runBridgeCli } from './run';

declare const __YIZHENG_BRIDGE_VERSION__: string;

const result = await runBridgeCli(
  process.argv.slice(2),
  {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    stdin: process.stdin,
    env: process.env,
  },
  typeof __YIZHENG_BRIDGE_VERSION__ === 'string' ? __YIZHENG_BRIDGE_VERSION__ : '0.0.0',
);
if (typeof result === 'number') {
  process.exitCode = result;
} else {
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void result.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
