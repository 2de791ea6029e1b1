// Shared by the key start commands (bjca.mjs, cfca.mjs, pkcs11.mjs): where the files go, the demo key
// each command makes once and reuses, and the descriptor file the portal reads while the command runs.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestCa, issueCertificate, issueCertificatePair, privateKeyToPem, utf8Extension } from '@yizheng/core/testing';

const DAY = 86_400_000;
/** Bumped when the kept keys' profile changes, so an older key file is made again. */
const KEY_VERSION = 2;
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The demo company every key belongs to. */
export const COMPANY = { name: '厦门帝网信息科技有限公司', uscc: '91350200556207664B' };
/** The PIN of every demo key a start command makes. */
export const DEMO_PIN = '123456';

/** `PORTAL_DATA`, or examples/portal/.data (as the portal's server uses). */
export function dataDir() {
  return resolve(process.env.PORTAL_DATA ?? join(REPO_ROOT, 'examples/portal/.data'));
}

/** `<dataDir>/keys`: the descriptors the portal reads. */
export function descriptorDir(dir = dataDir()) {
  return join(dir, 'keys');
}

/** `<dataDir>/keys/state`: the demo keys, SoftHSM's token store, the CryptoKit emulator bundle (never read by the portal). */
export function stateDir(dir = dataDir()) {
  const state = join(descriptorDir(dir), 'state');
  mkdirSync(state, { recursive: true, mode: 0o700 });
  return state;
}

/**
 * The demo key of `kind`, made on first start and kept in `<dataDir>/keys/state/<kind>-key.json`: its
 * own demo CA, and a certificate for `holder` of the demo company (USCC in 1.2.156.10260.4.1.4).
 * `pair` issues a signing / encryption pair (双证书, as SM2 keys hold).
 */
export function loadOrMakeKey(kind, { holder, caName, keyAlgorithm, pair = false, profile }) {
  const file = join(stateDir(), `${kind}-key.json`);
  if (existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, 'utf8'));
    if (kept.version === KEY_VERSION) return { ...kept, file, made: false };
  }
  const now = Date.now();
  // A vendor's profile (its CA's name, where it puts the codes), so that its provider recognises the
  // certificate as a real one of that CA; otherwise the portal's demo CA profile.
  const ca = createTestCa({ subject: profile?.caSubject ?? `CN=${caName}, O=一证演示CA, C=CN`, keyAlgorithm });
  const options = {
    subject: profile?.subject ?? `CN=${holder}, O=${COMPANY.name}, C=CN`,
    issuer: ca,
    keyAlgorithm,
    notBefore: new Date(now - 30 * DAY),
    notAfter: new Date(now + 365 * DAY),
    extensions: (profile?.extensions ?? [['1.2.156.10260.4.1.4', COMPANY.uscc]]).map(([oid, value]) => utf8Extension(oid, value)),
    ...(profile?.policies && { policies: profile.policies }),
  };
  let key;
  if (pair) {
    const made = issueCertificatePair(options);
    key = {
      version: KEY_VERSION,
      caPem: ca.pem,
      holder,
      certificate: made.signing.pem,
      privateKey: privateKeyToPem(made.signing.key),
      encryptionCertificate: made.encryption.pem,
      encryptionPrivateKey: privateKeyToPem(made.encryption.key),
      pin: DEMO_PIN,
    };
  } else {
    const leaf = issueCertificate(options);
    key = { version: KEY_VERSION, caPem: ca.pem, holder, certificate: leaf.pem, privateKey: privateKeyToPem(leaf.key), certificateDer: Buffer.from(leaf.der).toString('base64'), pin: DEMO_PIN };
  }
  writeFileSync(file, JSON.stringify(key, null, 2), { mode: 0o600 });
  return { ...key, file, made: true };
}

/**
 * Writes `<dataDir>/keys/<kind>.json` (with this process's pid) and removes it when the process ends
 * (SIGINT, SIGTERM, or a normal exit); `stop` runs first on a signal.
 */
export function publishDescriptor(descriptor, stop = async () => {}) {
  const dir = descriptorDir();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${descriptor.kind}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ ...descriptor, pid: process.pid }, null, 2));
  // Renamed into place: the portal never reads half a file.
  renameSync(tmp, file);
  const remove = () => {
    try {
      const current = JSON.parse(readFileSync(file, 'utf8'));
      if (current.pid === process.pid) rmSync(file, { force: true });
    } catch {
      // already gone
    }
  };
  process.on('exit', remove);
  let stopping = false;
  const onSignal = (signal) => {
    if (stopping) return;
    stopping = true;
    remove();
    process.stdout.write(`\n[${descriptor.kind}] ${signal}: stopped, ${file} removed\n`);
    const hard = setTimeout(() => process.exit(0), 3000);
    hard.unref();
    Promise.resolve()
      .then(stop)
      .catch(() => undefined)
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return file;
}

/** The portal origins the bridge approves without asking: `PORTAL_ORIGIN` (comma-separated) or the portal's default address. */
export function portalOrigins() {
  const configured = process.env.PORTAL_ORIGIN;
  if (configured) return configured.split(',').map((s) => s.trim()).filter(Boolean);
  const port = process.env.PORT ?? '8080';
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}
