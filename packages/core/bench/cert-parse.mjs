/**
 * Benchmark: certificate parsing, Yizheng against Node's native X509Certificate.
 *
 * (a) cold parse: distinct DERs, cache cleared, reading subject (string), notBefore, notAfter;
 * (b) cached parse: the same DER again and again;
 * (c) Node baseline: new X509Certificate(der) reading subject, validFrom, validTo on the same DERs;
 * plus the same cold comparison from PEM text, which adds base64 decoding on both sides.
 *
 * Distinct certificates come from the committed fixtures with the last three bytes of the signature
 * changed (the parser does not interpret signature bits, so they stay valid DER).
 * Run through scripts/bench.mjs (`pnpm bench`), which imports the built package.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseCertificate } from '@yizheng/core';
import { clearCertificateCache } from '@yizheng/core/cert';
import { measure } from './lib/measure.mjs';

const FIXTURES = new URL('../src/cert/fixtures/', import.meta.url);
const BASES = ['sm2-sign.pem', 'rsa-leaf.pem', 'ec-p256-leaf.pem', 'sm2-ca.pem'].map((f) => {
  const pem = readFileSync(new URL(f, FIXTURES), 'utf8');
  return new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
});

const N = 4000;
const TIMING = { rounds: 15, warmup: 3 };

function distinctDers() {
  const out = [];
  for (let i = 0; i < N; i++) {
    const der = BASES[i % BASES.length].slice();
    const k = Math.floor(i / BASES.length) + 1;
    der[der.length - 1] ^= k & 0xff;
    der[der.length - 2] ^= (k >> 8) & 0xff;
    der[der.length - 3] ^= (k >> 16) & 0xff;
    out.push(der);
  }
  return out;
}

const toPem = (der) =>
  `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;

let sink = 0;

function yizhengCold(inputs) {
  for (const input of inputs) {
    const c = parseCertificate(input);
    sink += c.subject.toString().length + c.notBefore.getTime() + c.notAfter.getTime();
  }
}

function yizhengCached(input, times) {
  for (let i = 0; i < times; i++) {
    const c = parseCertificate(input);
    sink += c.subject.toString().length + c.notBefore.getTime() + c.notAfter.getTime();
  }
}

function node(inputs) {
  for (const input of inputs) {
    const x = new X509Certificate(input);
    sink += x.subject.length + x.validFrom.length + x.validTo.length;
  }
}

export async function run() {
  const ders = distinctDers();
  const pems = ders.map(toPem);
  const nodeInputs = ders.map((d) => Buffer.from(d));
  // Sanity: every input is a distinct, parseable certificate.
  clearCertificateCache();
  const fingerprints = new Set(ders.map((d) => parseCertificate(d).sha256));
  if (fingerprints.size !== N) throw new Error(`expected ${N} distinct certificates, got ${fingerprints.size}`);

  const cold = { ...TIMING, before: clearCertificateCache };
  const results = [
    await measure('yizheng cold parse (DER, distinct, cache cleared)', N, () => yizhengCold(ders), cold),
    await measure('node X509Certificate (DER, same inputs)', N, () => node(nodeInputs), TIMING),
    await measure('yizheng cached parse (same DER)', N, () => yizhengCached(ders[0], N), TIMING),
    await measure('yizheng cold parse (PEM, distinct, cache cleared)', N, () => yizhengCold(pems), cold),
    await measure('node X509Certificate (PEM, same inputs)', N, () => node(pems), TIMING),
  ];
  clearCertificateCache();
  const ops = (i) => results[i].opsPerSec;
  if (sink === 0) throw new Error('benchmark was optimised away');
  return {
    name: 'parseCertificate',
    certificates: { distinct: N, bases: BASES.map((b) => b.length) },
    results,
    ratios: {
      coldVsNode: Number((ops(0) / ops(1)).toFixed(2)),
      cachedVsNode: Number((ops(2) / ops(1)).toFixed(2)),
      coldPemVsNodePem: Number((ops(3) / ops(4)).toFixed(2)),
    },
  };
}
