/**
 * Benchmark: validateCertificatePath on a 3-certificate chain (leaf → intermediate → root), for
 * ECDSA P-256, RSA-2048 and SM2 chains made with the test CA kit.
 *
 * (a) warm: the same leaf again and again (the signature-result cache answers every link: this is
 *     path building and the RFC 5280 checks alone);
 * (b) distinct leaves: a new leaf each time under the same CAs (the leaf's signature is verified,
 *     the CA link comes from the cache), which is what a login server does for many users.
 * No revocation (network) in either. Run through scripts/bench.mjs (`pnpm bench`), which imports
 * the built package.
 */
import { createTrustStore, validateCertificatePath } from '@yizheng/core/trust';
import { createTestCa, generateTestKey, issueCertificate } from '@yizheng/core/testing';
import { measure } from './lib/measure.mjs';

const TIMING = { rounds: 15, warmup: 3 };
const AT = new Date();

function setup(alg, leaves) {
  const root = createTestCa({ subject: `CN=Bench Root ${alg}, O=一证, C=CN`, keyAlgorithm: alg });
  const sub = createTestCa({ subject: `CN=Bench Sub ${alg}, O=一证, C=CN`, issuer: root });
  const leafKey = generateTestKey(alg);
  const issued = Array.from({ length: leaves }, (_, i) =>
    issueCertificate({ subject: `CN=用户${i}, O=某某科技有限公司, C=CN`, issuer: sub, key: leafKey }).certificate,
  );
  return { trustStore: createTrustStore(root.certificate), intermediates: [sub.certificate], leaves: issued };
}

export async function run() {
  const results = [];
  const plan = [
    ['ECDSA P-256', 'ec', 2000, 500],
    ['RSA-2048', 'rsa', 2000, 500],
    ['SM2', 'sm2', 2000, 100],
  ];
  for (const [label, alg, warmOps, distinctOps] of plan) {
    const rounds = TIMING.warmup + TIMING.rounds;
    const s = setup(alg, 1 + distinctOps * rounds);
    const options = { trustStore: s.trustStore, intermediates: s.intermediates, at: AT };
    const first = await validateCertificatePath(s.leaves[0], options);
    if (first.path.length !== 3) throw new Error(`${label}: expected a 3-certificate path`);
    results.push(
      await measure(`${label} chain, warm (same leaf)`, warmOps, async () => {
        for (let i = 0; i < warmOps; i++) await validateCertificatePath(s.leaves[0], options);
      }, TIMING),
    );
    results.push(
      await measure(`${label} chain, distinct leaves`, distinctOps, async (round) => {
        const base = 1 + round * distinctOps;
        for (let i = 0; i < distinctOps; i++) await validateCertificatePath(s.leaves[base + i], options);
      }, TIMING),
    );
  }
  return { name: 'validateCertificatePath', results };
}
