// 孙八的PKCS#11 UKey: a real PKCS#11 token (SoftHSM2, a software token behind the standard PKCS#11
// interface) holding a P-256 key and a certificate issued by its own demo CA, served to web pages by
// the real yizheng-bridge server (@yizheng/pkcs11-bridge, built) on 127.0.0.1. The page uses the
// bridge's real browser driver.
//
//   bash scripts/parts.sh                 (once: installs SoftHSM2, OpenSC's pkcs11-tool, ... from Debian)
//   bash scripts/x.sh pnpm build          (the bridge runs from packages/pkcs11-bridge/dist)
//   node examples/portal/keys/pkcs11.mjs
//
// Environment: YIZHENG_PKCS11_MODULE (libsofthsm2.so; found in the usual places otherwise),
// YZ_BRIDGE_PORT (default 21800, the bridge's standard port; 0 picks a free one), PORTAL_ORIGIN
// (origins approved without asking; default http://127.0.0.1:8080 and http://localhost:8080),
// PORTAL_DATA. Other origins are asked about in this terminal (when it is one).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadOrMakeKey, portalOrigins, publishDescriptor, REPO_ROOT, stateDir } from './common.mjs';

const TOKEN_LABEL = 'yizheng-demo';
const SO_PIN = '87654321';
const MODULE_CANDIDATES = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
  '/opt/homebrew/lib/softhsm/libsofthsm2.so',
];

function fail(message) {
  process.stderr.write(`[pkcs11] ${message}\n`);
  process.exit(1);
}

const modulePath = process.env.YIZHENG_PKCS11_MODULE ?? process.env.YZ_PKCS11_MODULE ?? MODULE_CANDIDATES.find((p) => existsSync(p));
if (!modulePath || !existsSync(modulePath)) fail('SoftHSM2 is not installed (libsofthsm2.so not found): run bash scripts/parts.sh, or set YIZHENG_PKCS11_MODULE');
for (const tool of ['softhsm2-util', 'pkcs11-tool']) {
  try {
    execFileSync(tool, ['--help'], { stdio: 'ignore' });
  } catch (err) {
    if (err.code === 'ENOENT') fail(`${tool} is not installed: run bash scripts/parts.sh`);
  }
}
const bridgeDist = join(REPO_ROOT, 'packages/pkcs11-bridge/dist/index.js');
if (!existsSync(bridgeDist)) fail('packages/pkcs11-bridge is not built: run bash scripts/x.sh pnpm build');
const { openPkcs11Module, startBridge, createTerminalApprover, createTerminalPinPrompter, stderrLogger } = await import(pathToFileURL(bridgeDist).href);

const key = loadOrMakeKey('pkcs11', { holder: '孙八', caName: 'Yizheng Demo PKCS#11 CA', keyAlgorithm: 'ec' });

// SoftHSM's own configuration and token store, under the data directory.
const hsm = join(stateDir(), 'softhsm');
const conf = join(hsm, 'softhsm2.conf');
const tokens = join(hsm, 'tokens');
const ready = join(hsm, 'ready');
process.env.SOFTHSM2_CONF = conf;
if (!existsSync(ready) || !existsSync(conf)) {
  rmSync(hsm, { recursive: true, force: true });
  mkdirSync(tokens, { recursive: true, mode: 0o700 });
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  const p8 = join(hsm, 'key.p8.pem');
  const der = join(hsm, 'cert.der');
  writeFileSync(p8, key.privateKey, { mode: 0o600 });
  writeFileSync(der, Buffer.from(key.certificateDer, 'base64'));
  const run = (cmd, args) => execFileSync(cmd, args, { env: process.env, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    run('softhsm2-util', ['--init-token', '--free', '--label', TOKEN_LABEL, '--so-pin', SO_PIN, '--pin', key.pin]);
    run('softhsm2-util', ['--import', p8, '--token', TOKEN_LABEL, '--label', 'sunba-sign', '--id', '01', '--pin', key.pin]);
    run('pkcs11-tool', ['--module', modulePath, '--token-label', TOKEN_LABEL, '--login', '--pin', key.pin, '--write-object', der, '--type', 'cert', '--id', '01', '--label', 'sunba-sign']);
  } catch (err) {
    fail(`could not set up the SoftHSM token: ${err.stderr?.toString() || err.message}`);
  } finally {
    rmSync(p8, { force: true });
  }
  writeFileSync(ready, new Date().toISOString());
}

const port = Number(process.env.YZ_BRIDGE_PORT ?? 21800);
const allowedOrigins = portalOrigins();
const module = await openPkcs11Module({ path: modulePath });
const tty = process.stdin.isTTY ? { input: process.stdin, write: (t) => process.stderr.write(t) } : undefined;
const approver = tty && createTerminalApprover(tty);
const pinPrompter = tty && createTerminalPinPrompter(tty);
let bridge;
try {
  // SoftHSM2 never locks a PIN nor raises CKF_USER_PIN_FINAL_TRY early, so the page may send the PIN
  // again after a wrong one (yizheng-bridge --trust-final-try-flag); a real key's vendor must say so first.
  bridge = await startBridge({
    module,
    port,
    hosts: ['127.0.0.1'],
    allowedOrigins,
    trustFinalTryFlag: true,
    logger: stderrLogger(),
    ...(approver && { approver }),
    ...(pinPrompter && { pinPrompter }),
  });
} catch (err) {
  await module.close?.();
  fail(`could not start the bridge on 127.0.0.1:${port}: ${err.message} (another yizheng-bridge running? set YZ_BRIDGE_PORT)`);
}
const url = `ws://127.0.0.1:${bridge.port}/yizheng`;
const file = publishDescriptor(
  {
    kind: 'pkcs11',
    label: { 'zh-CN': '孙八的PKCS#11 UKey（SoftHSM2，经一证证书桥接程序）', en: "Sun Ba's PKCS#11 key (SoftHSM2, through yizheng-bridge)" },
    url,
    caPem: key.caPem,
    driver: { url },
    allowedOrigins,
  },
  async () => {
    await bridge.close();
    await module.close?.();
  },
);

process.stdout.write(
  [
    `[pkcs11] yizheng-bridge at ${url}, module ${modulePath}`,
    `[pkcs11] token "${TOKEN_LABEL}" in ${tokens}: 孙八 (P-256, ${key.made ? 'made now' : 'reused'}: ${key.file})`,
    `[pkcs11] PIN: ${key.pin}`,
    `[pkcs11] sites approved without asking: ${allowedOrigins.join(', ')}${approver ? ' (others are asked about here)' : ' (others are refused)'}`,
    `[pkcs11] descriptor: ${file}`,
    '[pkcs11] Ctrl+C to stop',
    '',
  ].join('\n'),
);
