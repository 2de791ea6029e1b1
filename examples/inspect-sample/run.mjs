// The main job until the sample portal exists: run the `yizheng` CLI, as a platform developer would,
// on a sample SM2 certificate chain (a leaf for an enterprise, with its USCC in the GM/T 0015
// extension and the subject OU, and the CA that issued it), then check the enterprise code.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
// The executable package.json declares, as `pnpm exec yizheng` and `npx yizheng` run it.
const manifest = require.resolve('@yizheng/core/package.json');
const cli = join(dirname(manifest), JSON.parse(readFileSync(manifest, 'utf8')).bin.yizheng);
const chain = join(here, 'sample-chain.pem');

function yizheng(...args) {
  console.log(`\n$ yizheng ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

yizheng('inspect', chain);
yizheng('inspect', chain, '--lang', 'en');
yizheng('code', '91350200556207664B');
yizheng('code', 'compare', '91350200556207664B', '55620766-4');
