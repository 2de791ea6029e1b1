import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../../test-utils/errors';
import { derInteger, derSequence, derImplicit, derBoolean } from '../asn1/encode';
import {
  cachedTestKey,
  createOcspResponder,
  createOcspResponse,
  createTestCa,
  generateTestKey,
  issueCertificate,
  issueCrl,
  readOcspRequest,
  type TestCertificate,
} from '../testing/index';
import { createRevocationChecker, createTrustStore, validateCertificatePath, type FetchFunction, type RevocationOptions } from './index';
import { parseCrl } from './crl';
import { parseOcspResponse } from './ocsp';

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T08:00:00Z');
const before = (ms: number): Date => new Date(NOW.getTime() - ms);
const after = (ms: number): Date => new Date(NOW.getTime() + ms);

const CRL_URL = 'http://crl.example.cn/sub.crl';
const ROOT_CRL_URL = 'http://crl.example.cn/root.crl';
const OCSP_URL = 'http://ocsp.example.cn/';

const root = createTestCa({ subject: 'CN=Rev Root, O=一证测试, C=CN', key: cachedTestKey('ec', 'root'), notBefore: before(400 * DAY) });
const sub = createTestCa({
  subject: 'CN=Rev Sub, O=一证测试, C=CN',
  issuer: root,
  key: cachedTestKey('ec', 'sub'),
  notBefore: before(300 * DAY),
  crlDistributionPoints: [ROOT_CRL_URL],
});
function leafWith(o: { ocsp?: boolean; crl?: boolean; serial?: bigint } = {}): TestCertificate {
  return issueCertificate({
    subject: 'CN=张三, O=某某科技有限公司, C=CN',
    issuer: sub,
    notBefore: before(30 * DAY),
    ...(o.serial !== undefined && { serialNumber: o.serial }),
    ...((o.crl ?? true) && { crlDistributionPoints: [CRL_URL] }),
    ...((o.ocsp ?? true) && { ocspUrls: [OCSP_URL] }),
  });
}
const leaf = leafWith();

const rootCrl = issueCrl({ issuer: root, thisUpdate: before(DAY), nextUpdate: after(6 * DAY) });

/** An injected fetch serving fixed bodies by URL (functions get the request body) and counting calls. */
function fakeFetch(routes: Record<string, Uint8Array | ((body: Uint8Array) => Uint8Array) | number>): FetchFunction & { calls: string[] } {
  const calls: string[] = [];
  const f = async (url: string, init: RequestInit): Promise<Response> => {
    calls.push(`${init.method ?? 'GET'} ${url}`);
    const route = routes[url];
    if (route === undefined) throw new TypeError('fetch failed: ENOTFOUND');
    if (typeof route === 'number') return new Response('error', { status: route });
    if (typeof route === 'function') return new Response(route(new Uint8Array(init.body as Uint8Array)));
    return new Response(route);
  };
  return Object.assign(f, { calls });
}

function validate(cert: TestCertificate, revocation: RevocationOptions | ReturnType<typeof createRevocationChecker>, at = NOW): ReturnType<typeof validateCertificatePath> {
  return validateCertificatePath(cert.certificate, {
    trustStore: createTrustStore([{ certificate: root.certificate, provider: 'testca' }]),
    intermediates: [sub.certificate],
    at,
    revocation,
  });
}

const goodCrl = (revoked: Parameters<typeof issueCrl>[0]['revoked'] = []): Uint8Array =>
  issueCrl({ issuer: sub, thisUpdate: before(DAY), nextUpdate: after(6 * DAY), revoked }).der;

describe('CRL', () => {
  it('parses a v2 CRL strictly', () => {
    const crl = parseCrl(
      issueCrl({ issuer: sub, crlNumber: 42n, thisUpdate: before(DAY), revoked: [{ serialNumber: 0xabcn, reason: 'keyCompromise', invalidityDate: before(2 * DAY) }] }).der,
    );
    expect(crl.crlNumber).toBe(42n);
    expect(crl.issuer.commonName).toBe('Rev Sub');
    expect(crl.authorityKeyIdentifier).toBe(sub.certificate.subjectKeyIdentifier);
    expect(crl.revoked.get('0ABC')).toMatchObject({ reason: 'keyCompromise' });
    expect(() => parseCrl(issueCrl({ issuer: sub, version: 1 }).der)).toThrow(/v2/);
    expect(() => parseCrl(issueCrl({ issuer: sub, nextUpdate: null }).der)).toThrow(/nextUpdate/);
    const der = issueCrl({ issuer: sub }).der;
    expect(() => parseCrl(Uint8Array.of(...der, 0))).toThrow(/trailing/);
    const critical = issueCrl({ issuer: sub, extensions: [{ oid: '1.2.3.4', critical: true, value: derInteger(1) }] }).der;
    expect(() => parseCrl(critical)).toThrow(/unsupported critical CRL extension/);
  });

  it('finds a good certificate through the distribution point and caches the CRL until nextUpdate', async () => {
    const fetch = fakeFetch({ [CRL_URL]: goodCrl(), [ROOT_CRL_URL]: rootCrl.der });
    const checker = createRevocationChecker({ policy: 'require', methods: ['crl'], fetch });
    const r1 = await validate(leaf, checker);
    expect(r1.revocation.map((s) => [s.position, s.status, s.source, s.cached])).toEqual([
      [0, 'good', 'crl', false],
      [1, 'good', 'crl', false],
    ]);
    expect(fetch.calls).toEqual([`GET ${CRL_URL}`, `GET ${ROOT_CRL_URL}`]);
    const r2 = await validate(leaf, checker, after(DAY));
    expect(r2.revocation.map((s) => s.cached)).toEqual([true, true]);
    expect(fetch.calls).toHaveLength(2);
    // Past nextUpdate the cached CRL is stale: fetched again (and still stale here: unavailable).
    const e = await failure(validate(leaf, checker, after(8 * DAY)));
    expect(e.code).toBe('REVOCATION_UNAVAILABLE');
    expect(fetch.calls.length).toBeGreaterThan(2);
  });

  it('CERT_REVOKED for a listed serial, with the reason users know (certificateHold = 证书已冻结)', async () => {
    const fetch = fakeFetch({ [CRL_URL]: goodCrl([{ serialNumber: leaf.certificate, reason: 'certificateHold', revocationDate: before(3 * DAY) }]), [ROOT_CRL_URL]: rootCrl.der });
    const e = await failure(validate(leaf, { policy: 'prefer', methods: ['crl'], fetch }));
    expect(e.code).toBe('CERT_REVOKED');
    expect(e.details).toMatchObject({
      position: 0,
      serialNumber: leaf.certificate.serialNumber,
      sha256: leaf.certificate.sha256,
      revocationReason: '证书已冻结',
      revocationReasonEn: 'certificateHold',
      revocationTime: before(3 * DAY).toISOString(),
      source: 'crl',
    });
    expect(e.localizedMessage('zh-CN')).toContain('证书已作废');
  });

  it('uses supplied CRLs before downloading', async () => {
    const fetch = fakeFetch({});
    const revoked = issueCrl({ issuer: sub, thisUpdate: before(DAY), revoked: [{ serialNumber: leaf.certificate }] });
    const e = await failure(validate(leaf, { policy: 'require', methods: ['crl'], crls: [revoked.pem, rootCrl.der], fetch }));
    expect([e.code, e.details['url']]).toEqual(['CERT_REVOKED', 'supplied']);
    expect(fetch.calls).toEqual([]);
  });

  it('refuses unusable CRLs: wrong signer, stale, future, delta, other issuer, wrong scope', async () => {
    const cases: Array<[Uint8Array, RegExp]> = [
      [issueCrl({ issuer: sub, signWith: generateTestKey('ec') }).der, /signature is not valid/],
      [issueCrl({ issuer: sub, thisUpdate: before(10 * DAY), nextUpdate: before(DAY) }).der, /expired at its nextUpdate/],
      [issueCrl({ issuer: sub, thisUpdate: after(DAY) }).der, /in the future/],
      [issueCrl({ issuer: sub, extensions: [{ oid: '2.5.29.27', critical: true, value: derInteger(1) }] }).der, /delta CRLs/],
      [issueCrl({ issuer: root }).der, /not the certificate issuer/],
      [issueCrl({ issuer: sub, extensions: [{ oid: '2.5.29.28', critical: true, value: derSequence(derImplicit(2, derBoolean(true))) }] }).der, /only covers CA certificates/],
    ];
    for (const [der, reason] of cases) {
      const fetch = fakeFetch({ [CRL_URL]: der, [ROOT_CRL_URL]: rootCrl.der });
      const e = await failure(validate(leaf, { policy: 'require', methods: ['crl'], fetch, checkIntermediates: false }));
      expect(e.code).toBe('REVOCATION_UNAVAILABLE');
      expect(String(e.details['reasonEn'])).toMatch(reason);
    }
  });

  it('applies the policy when no answer can be had: require, prefer (warning), off (no network)', async () => {
    const fetch = fakeFetch({ [CRL_URL]: 503 });
    const e = await failure(validate(leaf, { policy: 'require', methods: ['crl'], fetch }));
    expect(e.code).toBe('REVOCATION_UNAVAILABLE');
    expect(e.details).toMatchObject({ position: 0, subject: 'CN=张三, O=某某科技有限公司, C=CN' });
    expect(String(e.details['reasonEn'])).toContain('HTTP 503');
    expect(e.localizedMessage('zh-CN')).toContain('无法确认证书是否已作废');

    const soft = await validate(leaf, { policy: 'prefer', methods: ['crl'], fetch });
    expect(soft.warnings.map((w) => [w.code, w.details['position']])).toEqual([
      ['REVOCATION_UNAVAILABLE', 0],
      ['REVOCATION_UNAVAILABLE', 1],
    ]);
    expect(soft.revocation.map((s) => s.status)).toEqual(['unavailable', 'unavailable']);

    const quiet = fakeFetch({});
    const off = await validate(leaf, { policy: 'off', fetch: quiet });
    expect(off.revocation.map((s) => s.status)).toEqual(['not-checked', 'not-checked']);
    expect(quiet.calls).toEqual([]);
  });

  it('chooses the policy by the anchor provider', async () => {
    const fetch = fakeFetch({});
    const checker = createRevocationChecker({ policy: 'require', providers: { testca: 'prefer' }, fetch });
    const r = await validate(leaf, checker);
    expect(r.warnings).toHaveLength(2);
    const strict = createRevocationChecker({ policy: 'off', providers: { testca: 'require' }, fetch });
    expect((await failure(validate(leaf, strict))).code).toBe('REVOCATION_UNAVAILABLE');
  });

  it('limits the CRL size', async () => {
    const fetch = fakeFetch({ [CRL_URL]: goodCrl(), [ROOT_CRL_URL]: rootCrl.der });
    const e = await failure(validate(leaf, { policy: 'require', methods: ['crl'], fetch, maxCrlBytes: 50 }));
    expect(String(e.details['reasonEn'])).toMatch(/larger than 50 bytes/);
  });
});

describe('OCSP', () => {
  const responder = (statusOf?: Parameters<typeof createOcspResponder>[0]['statusOf'], extra: Partial<Parameters<typeof createOcspResponder>[0]> = {}) =>
    createOcspResponder({ issuer: sub, producedAt: NOW, statusOf: (s) => ({ thisUpdate: before(60_000), ...statusOf?.(s) ?? { status: 'good' } }), ...extra });

  it('answers good with a nonce-bound response from the issuer, cached afterwards', async () => {
    const fetch = fakeFetch({ [OCSP_URL]: responder(), [ROOT_CRL_URL]: rootCrl.der });
    const checker = createRevocationChecker({ policy: 'require', fetch });
    const r = await validate(leaf, checker);
    expect(r.revocation.map((s) => [s.status, s.source])).toEqual([
      ['good', 'ocsp'],
      ['good', 'crl'],
    ]);
    expect(fetch.calls).toEqual([`POST ${OCSP_URL}`, `GET ${ROOT_CRL_URL}`]);
    const again = await validate(leaf, checker, after(60_000));
    expect(again.revocation[0]?.cached).toBe(true);
    expect(fetch.calls).toHaveLength(2);
    // Beyond the max age (15 minutes by default) the cached answer is not used; this responder's
    // answers are as old, so there is none.
    expect((await failure(validate(leaf, checker, after(20 * 60_000)))).code).toBe('REVOCATION_UNAVAILABLE');
    expect(fetch.calls.filter((c) => c.startsWith('POST'))).toHaveLength(2);
  });

  it('sends a 32-byte nonce and a SHA-1 CertID for the certificate', async () => {
    let seen: ReturnType<typeof readOcspRequest> | undefined;
    const respond = responder();
    const fetch = fakeFetch({
      [OCSP_URL]: (body) => {
        seen = readOcspRequest(body);
        return respond(body);
      },
    });
    await validate(leaf, { policy: 'require', fetch, checkIntermediates: false });
    expect(seen?.nonce).toHaveLength(32);
    expect(seen?.requests.map((q) => [q.certId.hash, q.serialNumber])).toEqual([['sha1', leaf.certificate.serialNumber]]);
  });

  it('asks with an SM3 or SHA-256 CertID when configured (GM/T responders)', async () => {
    for (const hash of ['sm3', 'sha256'] as const) {
      let asked: string | undefined;
      const respond = responder();
      const fetch = fakeFetch({
        [OCSP_URL]: (body) => {
          asked = readOcspRequest(body).requests[0]?.certId.hash;
          return respond(body);
        },
      });
      const r = await validate(leaf, { policy: 'require', fetch, checkIntermediates: false, ocspCertIdHash: hash });
      expect([asked, r.revocation[0]?.status]).toEqual([hash, 'good']);
    }
  });

  it('CERT_REVOKED for revoked, and for unknown', async () => {
    for (const status of ['revoked', 'unknown'] as const) {
      const fetch = fakeFetch({ [OCSP_URL]: responder(() => ({ status, reason: 'keyCompromise', revocationTime: before(DAY) })), [ROOT_CRL_URL]: rootCrl.der });
      const e = await failure(validate(leaf, { policy: 'prefer', fetch }));
      expect([e.code, e.details['source'], e.details['revocationReasonEn']]).toEqual([
        'CERT_REVOKED',
        'ocsp',
        status === 'revoked' ? 'keyCompromise' : 'OCSP status unknown (treated as revoked)',
      ]);
    }
  });

  it('accepts a delegated responder with id-kp-OCSPSigning issued by the issuer', async () => {
    const delegate = issueCertificate({ subject: 'CN=Rev Sub OCSP', issuer: sub, extKeyUsage: ['OCSPSigning'], notBefore: before(DAY) });
    const fetch = fakeFetch({ [OCSP_URL]: responder(undefined, { responder: delegate, responderId: 'key' }) });
    const r = await validate(leaf, { policy: 'require', fetch, checkIntermediates: false });
    expect(r.revocation[0]?.status).toBe('good');
  });

  it('refuses unauthorised or unusable responses (REVOCATION_UNAVAILABLE)', async () => {
    const noEku = issueCertificate({ subject: 'CN=Not A Responder', issuer: sub, notBefore: before(DAY) });
    const otherCa = createTestCa({ subject: 'CN=Other CA', notBefore: before(10 * DAY) });
    const foreign = issueCertificate({ subject: 'CN=Foreign OCSP', issuer: otherCa, extKeyUsage: ['OCSPSigning'], notBefore: before(DAY) });
    const cases: Array<[(body: Uint8Array) => Uint8Array, RegExp, Partial<RevocationOptions>?]> = [
      [responder(undefined, { responder: noEku }), /lacks id-kp-OCSPSigning/],
      [responder(undefined, { responder: foreign }), /not issued by the certificate issuer/],
      [responder(undefined, { signWith: generateTestKey('ec') }), /signature is not valid/],
      [responder(undefined, { echoNonce: false }), /does not echo the request nonce/],
      [(body) => createOcspResponse({ issuer: sub, answers: readOcspRequest(body).requests.map((q) => ({ certificate: q.certId, status: 'good' as const })), nonce: new Uint8Array(32) }), /nonce does not match/],
      [responder(() => ({ status: 'good', thisUpdate: before(3600_000) })), /older than/],
      [responder(() => ({ status: 'good', thisUpdate: before(2 * DAY), nextUpdate: before(DAY) })), /expired at its nextUpdate/],
      [responder(() => ({ status: 'good', thisUpdate: after(3600_000) })), /in the future/],
      [() => createOcspResponse({ issuer: sub, answers: [], responseStatus: 'tryLater' }), /status 3/],
      [() => createOcspResponse({ issuer: sub, answers: [{ certificate: sub.certificate, status: 'good' }] }), /no answer for this certificate/, { ocspNonce: 'off' }],
      [() => Uint8Array.of(0x30, 0x03, 0x0a, 0x01), /unexpected end|length exceeds/],
    ];
    for (const [route, reason, extra] of cases) {
      const fetch = fakeFetch({ [OCSP_URL]: route });
      const e = await failure(validate(leafWith({ crl: false }), { policy: 'require', fetch, checkIntermediates: false, ...extra }));
      expect(e.code).toBe('REVOCATION_UNAVAILABLE');
      expect(String(e.details['reasonEn'])).toMatch(reason);
    }
  });

  it('accepts a response without a nonce under ocspNonce "prefer", and sends none under "off"', async () => {
    const fetch = fakeFetch({ [OCSP_URL]: responder(undefined, { echoNonce: false }) });
    const r = await validate(leaf, { policy: 'require', fetch, checkIntermediates: false, ocspNonce: 'prefer' });
    expect(r.revocation[0]?.status).toBe('good');
    let nonce: Uint8Array | undefined = Uint8Array.of(1);
    const respond = responder();
    const fetch2 = fakeFetch({
      [OCSP_URL]: (body) => {
        nonce = readOcspRequest(body).nonce;
        return respond(body);
      },
    });
    await validate(leaf, { policy: 'require', fetch: fetch2, checkIntermediates: false, ocspNonce: 'off' });
    expect(nonce).toBeUndefined();
  });

  it('falls back to the CRL when OCSP gives no answer', async () => {
    const fetch = fakeFetch({ [OCSP_URL]: 500, [CRL_URL]: goodCrl() });
    const r = await validate(leaf, { policy: 'require', fetch, checkIntermediates: false });
    expect(r.revocation.map((s) => [s.status, s.source])).toEqual([['good', 'crl']]);
    expect(fetch.calls).toEqual([`POST ${OCSP_URL}`, `GET ${CRL_URL}`]);
  });

  it('parses responses strictly', () => {
    const good = createOcspResponse({ issuer: sub, answers: [{ certificate: leaf.certificate, status: 'good' }] });
    expect(parseOcspResponse(good).basic?.responses).toHaveLength(1);
    expect(() => parseOcspResponse(Uint8Array.of(...good, 0))).toThrow(/trailing/);
    expect(parseOcspResponse(createOcspResponse({ issuer: sub, answers: [], responseStatus: 'unauthorized' })).responseStatus).toBe(6);
  });
});

describe('SM2 CAs and transport limits', () => {
  it('verifies SM2-signed CRLs and OCSP responses (SM2-with-SM3, SM3 CertID)', async () => {
    const smRoot = createTestCa({ subject: 'CN=SM2 Root, O=一证测试, C=CN', key: cachedTestKey('sm2', 'root'), notBefore: before(400 * DAY) });
    const smLeaf = issueCertificate({ subject: 'CN=张三', issuer: smRoot, key: cachedTestKey('sm2', 'leaf'), notBefore: before(DAY), ocspUrls: [OCSP_URL], crlDistributionPoints: [CRL_URL] });
    const store = createTrustStore(smRoot.certificate);
    const crl = issueCrl({ issuer: smRoot, thisUpdate: before(DAY), revoked: [{ serialNumber: smLeaf.certificate, reason: 'keyCompromise' }] });
    const e = await failure(validateCertificatePath(smLeaf.certificate, { trustStore: store, at: NOW, revocation: { policy: 'require', methods: ['crl'], fetch: fakeFetch({ [CRL_URL]: crl.der }) } }));
    expect([e.code, e.details['revocationReason']]).toEqual(['CERT_REVOKED', '密钥泄露']);
    const respond = createOcspResponder({ issuer: smRoot, producedAt: NOW, statusOf: () => ({ status: 'good', thisUpdate: before(60_000) }) });
    const r = await validateCertificatePath(smLeaf.certificate, { trustStore: store, at: NOW, revocation: { policy: 'require', ocspCertIdHash: 'sm3', fetch: fakeFetch({ [OCSP_URL]: respond }) } });
    expect(r.revocation[0]).toMatchObject({ status: 'good', source: 'ocsp' });
  });

  it('gives up on a responder that does not answer within timeoutMs', async () => {
    const hang: FetchFunction = (_url, init) =>
      new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)));
    const started = Date.now();
    const e = await failure(validate(leaf, { policy: 'require', fetch: hang, timeoutMs: 50, checkIntermediates: false }));
    expect(e.code).toBe('REVOCATION_UNAVAILABLE');
    expect(String(e.details['reasonEn'])).toMatch(/OCSP .*timeout|aborted/i);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('checks its options', () => {
    expect(() => createRevocationChecker({ policy: 'maybe' as 'off' })).toThrow(/unknown revocation policy/);
    expect(() => createRevocationChecker({ methods: ['ldap' as 'crl'] })).toThrow(/methods/);
    expect(() => createRevocationChecker({ timeoutMs: -1 })).toThrow(/timeoutMs/);
    expect(() => createRevocationChecker({ crls: ['not a crl'] })).toThrow(/PEM|malformed/);
  });
});

describe('over a loopback HTTP server with the global fetch', () => {
  let server: Server;
  let base = '';
  let crlDer: Uint8Array = new Uint8Array(0);
  const respond = createOcspResponder({ issuer: sub, statusOf: () => ({ status: 'good' }) });

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/ocsp' && req.method === 'POST') {
          res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(respond(new Uint8Array(Buffer.concat(chunks))));
        } else if (req.url === '/sub.crl') {
          res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(crlDer);
        } else {
          res.writeHead(404).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('checks OCSP and the CRL over real HTTP', async () => {
    const real = issueCertificate({ subject: 'CN=HTTP', issuer: sub, notBefore: before(DAY), ocspUrls: [`${base}/ocsp`], crlDistributionPoints: [`${base}/sub.crl`] });
    crlDer = issueCrl({ issuer: sub, revoked: [{ serialNumber: real.certificate }] }).der;
    const r = await validateCertificatePath(real.certificate, {
      trustStore: createTrustStore(root.certificate),
      intermediates: [sub.certificate],
      revocation: { policy: 'require', checkIntermediates: false },
    });
    expect(r.revocation[0]).toMatchObject({ status: 'good', source: 'ocsp' });
    const e = await failure(
      validateCertificatePath(real.certificate, {
        trustStore: createTrustStore(root.certificate),
        intermediates: [sub.certificate],
        revocation: { policy: 'require', checkIntermediates: false, methods: ['crl'] },
      }),
    );
    expect(e.code).toBe('CERT_REVOKED');
  });
});
