/**
 * One process can load both builds of the package (an ESM app requiring a CJS dependency, or CJS
 * subpath entries, which tsup builds without shared chunks): a Certificate, a DistinguishedName or a
 * YizhengError made by one copy is accepted by the other. Runs on the built dist, after `pnpm build`.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test-utils/vectors';

type Api = Record<string, unknown>;

const DIST = join(REPO_ROOT, 'packages/core/dist');
const FILES = ['index.js', 'index.cjs', 'cert.cjs', 'trust.js', 'trust.cjs', 'crypto.cjs', 'errors.js', 'testing.js'];
const built = FILES.every((f) => existsSync(join(DIST, f)));
if (!built && process.env['CI'] === 'true') throw new Error('packages/core/dist is missing under CI: build first');
if (!built) console.warn('[yizheng] packages/core/dist not built: dual-build tests are SKIPPED (run pnpm build)');

const load = async () => {
  const requireCjs = createRequire(import.meta.url);
  const esm = async (file: string) => (await import(join(DIST, file))) as Api;
  const cjs = (file: string) => requireCjs(join(DIST, file)) as Api;
  return {
    esm: await esm('index.js'),
    esmTrust: await esm('trust.js'),
    esmErrors: await esm('errors.js'),
    testing: await esm('testing.js'),
    cjs: cjs('index.cjs'),
    cjsCert: cjs('cert.cjs'),
    cjsTrust: cjs('trust.cjs'),
    cjsCrypto: cjs('crypto.cjs'),
  };
};

interface TestCert {
  readonly pem: string;
  readonly key: { sign(data: Uint8Array): Uint8Array };
}

describe.skipIf(!built)('objects across the ESM and CJS builds', () => {
  it('accepts a certificate parsed by one build in the other build’s API', async () => {
    const { esm, esmTrust, testing, cjs, cjsCert, cjsTrust, cjsCrypto } = await load();
    const root = (testing['createTestCa'] as (o: object) => TestCert)({ subject: 'CN=Dual Build Root' });
    const leaf = (testing['issueCertificate'] as (o: object) => TestCert)({ subject: 'CN=张三', issuer: root });
    const parse = (api: Api, pem: string) => (api['parseCertificate'] as (input: string) => object)(pem);

    // Two classes, one brand: each build's Certificate takes the other's.
    const esmLeaf = parse(esm, leaf.pem);
    const cjsRoot = parse(cjs, root.pem);
    expect(esm['Certificate']).not.toBe(cjs['Certificate']);
    expect(cjs['Certificate']).not.toBe(cjsCert['Certificate']); // CJS entries do not share chunks
    expect(esmLeaf).toBeInstanceOf(cjs['Certificate']);
    expect(cjsRoot).toBeInstanceOf(esm['Certificate']);
    expect(parse(cjsCert, leaf.pem)).toBeInstanceOf(esm['Certificate']);
    expect({ sha256: 'x' }).not.toBeInstanceOf(esm['Certificate']);

    // The CJS trust entry builds a store from, and validates, certificates the ESM entry parsed; the
    // path compares the ESM leaf's issuer with the CJS root's subject (names of both builds).
    const createStore = (api: Api, anchor: object) => (api['createTrustStore'] as (a: object) => object)(anchor);
    const validate = (api: Api, cert: object, trustStore: object) =>
      (api['validateCertificatePath'] as (c: object, o: object) => Promise<{ path: readonly object[] }>)(cert, { trustStore });
    const fromCjs = await validate(cjsTrust, esmLeaf, createStore(cjsTrust, parse(esm, root.pem)));
    expect(fromCjs.path).toHaveLength(2);
    const mixed = await validate(esmTrust, parse(cjsCert, leaf.pem), createStore(esmTrust, cjsRoot));
    expect(mixed.path).toHaveLength(2);
    const subject = (c: object) => (c as { subject: { equals(o: object): boolean } }).subject;
    expect(subject(cjsRoot).equals(subject(parse(esm, root.pem)))).toBe(true);
    expect(subject(parse(esm, root.pem))).toBeInstanceOf(cjsCert['DistinguishedName']);

    // The CJS crypto entry verifies with an ESM certificate.
    const data = new TextEncoder().encode('yizheng:1|login|dual');
    const verify = cjsCrypto['verifySignature'] as (o: object) => boolean;
    expect(verify({ certificate: esmLeaf, data, signature: leaf.key.sign(data) })).toBe(true);
  });

  it('recognises an error thrown by one build as the other build’s YizhengError', async () => {
    const { esm, esmErrors, cjs, cjsTrust } = await load();
    let thrown: unknown;
    try {
      (cjs['parseCertificate'] as (input: string) => unknown)('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(cjs['YizhengError']);
    expect(thrown).toBeInstanceOf(esm['YizhengError']);
    expect((esm['isYizhengError'] as (v: unknown, c: string) => boolean)(thrown, 'CERT_MALFORMED')).toBe(true);
    expect((esmErrors['httpStatusOf'] as (e: unknown) => number)(thrown)).toBe(400);
    await expect((cjsTrust['validateCertificatePath'] as (c: unknown, o: object) => Promise<unknown>)(null, {})).rejects.toBeInstanceOf(esm['YizhengError']);
  });
});
