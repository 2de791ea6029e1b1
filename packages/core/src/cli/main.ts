import { runCli } from './run';
import { nodeIo } from './node-io';

declare const __YIZHENG_VERSION__: string | undefined;

const version = typeof __YIZHENG_VERSION__ === 'string' ? __YIZHENG_VERSION__ : '0.0.0';
process.exitCode = await runCli(process.argv.slice(2), nodeIo, version);
