/**
 * Revocation fetching through the real global `fetch`, with msw answering at the network layer:
 * CRL downloads (GET), OCSP requests (POST), timeouts, redirects, size limits, content types,
 * HTTP errors, malformed bodies and non-HTTP distribution points.
 */
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { failure } from '../../test-utils/errors';
import { cachedTestKey, createOcspResponder, createTestCa, issueCertificate, issueCrl, readOcspRequest, type TestCertificate } from '../testing/index';
import { createRevocationChecker, type FetchFunction, type RevocationOptions, type RevocationReport } from './revocation';

const DAY = 86_400_000;
const CRL_URL = 'http://crl.yizheng.test/sub.crl';
const HTTPS_CRL_URL = 'https://crl.yizheng.test/sub.crl';
const OCSP_URL = 'http://ocsp.yizheng.test/';

const root = createTestCa({ subject: 'CN=Fetch Root, O=一证测试, C=CN', key: cachedTestKey('ec', 'root') });
const sub = createTestCa({ subject: 'CN=Fetch Sub, O=一证测试, C=CN', issuer: root, key: cachedTestKey('ec', 'sub') });

function leafWith(o: { crl?: readonly string[]; ocsp?: readonly string[] }): TestCertificate {
  return issueCertificate({
    subject: 'CN=张三, O=某某科技有限公司, C=CN',
    issuer: sub,
    notBefore: new Date(Date.now() - 30 * DAY),
    crlDistributionPoints: o.crl ?? [],
    ocspUrls: o.ocsp ?? [],
  });
}
const crlLeaf = leafWith({ crl: [CRL_URL] });
const ocspLeaf = leafWith({ ocsp: [OCSP_URL] });
const bothLeaf = leafWith({ crl: [CRL_URL], ocsp: [OCSP_URL] });

const crlDer = (): Uint8Array => issueCrl({ issuer: sub, thisUpdate: new Date(Date.now() - DAY), nextUpdate: new Date(Date.now() + 6 * DAY) }).der;
const respond = createOcspResponder({ issuer: sub, statusOf: () => ({ status: 'good' }) });

/** A DER body with a content type (and its length, as servers send). */
const der = (body: Uint8Array, type: string | null, init: ResponseInit = {}) =>
  new HttpResponse(body, { ...init, headers: { ...(type === null ? {} : { 'content-type': type }), 'content-length': String(body.length) } });
const crlAt = (url: string, type: string | null = 'application/pkix-crl') => http.get(url, () => der(crlDer(), type));
const ocspAt = (url: string, type = 'application/ocsp-response') =>
  http.post(url, async ({ request }) => der(respond(new Uint8Array(await request.arrayBuffer())), type));
const redirect = (status: number, location: string | null): HttpResponse<null> =>
  new HttpResponse(null, { status, headers: location === null ? {} : { location } });

const server = setupServer();
/** Every request msw saw, as `METHOD url`, and those no handler answered (msw 3 errors them). */
let seen: string[] = [];
let unhandled: string[] = [];
server.events.on('request:start', ({ request }) => {
  seen.push(`${request.method} ${request.url}`);
});
server.events.on('request:unhandled', ({ request }) => {
  unhandled.push(`${request.method} ${request.url}`);
});

// msw 3 renamed `onUnhandledRequest` to `onUnhandledFrame`.
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  server.resetHandlers();
  vi.restoreAllMocks();
  expect(unhandled, 'requests no handler answered').toEqual([]);
  seen = [];
  unhandled = [];
});
afterAll(() => server.close());

/** Checks the leaf alone (the path is leaf, sub, root) with the global fetch. */
function check(leaf: TestCertificate, options: RevocationOptions): Promise<RevocationReport> {
  return createRevocationChecker({ checkIntermediates: false, ...options }).check([leaf.certificate, sub.certificate, root.certificate], { at: new Date() });
}
async function unavailable(leaf: TestCertificate, options: RevocationOptions): Promise<string> {
  const e = await failure(check(leaf, { policy: 'require', ...options }));
  expect(e.code).toBe('REVOCATION_UNAVAILABLE');
  return String(e.details['reasonEn']);
}

describe('good answers over HTTP', () => {
  it('downloads the CRL with a GET and caches it', async () => {
    server.use(crlAt(CRL_URL));
    const checker = createRevocationChecker({ policy: 'require', checkIntermediates: false });
    const path = [crlLeaf.certificate, sub.certificate, root.certificate];
    const r = await checker.check(path, { at: new Date() });
    expect(r.statuses.map((s) => [s.status, s.source, s.url, s.cached])).toEqual([['good', 'crl', CRL_URL, false]]);
    expect((await checker.check(path, { at: new Date() })).statuses[0]?.cached).toBe(true);
    expect(seen).toEqual([`GET ${CRL_URL}`]);
  });

  it('finds a certificate listed on the downloaded CRL revoked', async () => {
    const listed = issueCrl({ issuer: sub, thisUpdate: new Date(Date.now() - DAY), revoked: [{ serialNumber: crlLeaf.certificate, reason: 'keyCompromise' }] });
    server.use(http.get(CRL_URL, () => der(listed.der, 'application/pkix-crl')));
    const e = await failure(check(crlLeaf, { policy: 'prefer' }));
    expect([e.code, e.details['source'], e.details['url'], e.details['revocationReasonEn']]).toEqual(['CERT_REVOKED', 'crl', CRL_URL, 'keyCompromise']);
  });

  it('POSTs an OCSP request with its media types and accepts the nonce-bound answer', async () => {
    let headers: [string | null, string | null] = [null, null];
    let nonce: Uint8Array | undefined;
    server.use(
      http.post(OCSP_URL, async ({ request }) => {
        headers = [request.headers.get('content-type'), request.headers.get('accept')];
        const body = new Uint8Array(await request.arrayBuffer());
        nonce = readOcspRequest(body).nonce;
        return der(respond(body), 'application/ocsp-response');
      }),
    );
    const r = await check(ocspLeaf, { policy: 'require' });
    expect(r.statuses.map((s) => [s.status, s.source, s.url])).toEqual([['good', 'ocsp', OCSP_URL]]);
    expect(headers).toEqual(['application/ocsp-request', 'application/ocsp-response']);
    expect(nonce).toHaveLength(32);
    expect(seen).toEqual([`POST ${OCSP_URL}`]);
  });

  it('falls back from a failing OCSP responder to the CRL', async () => {
    server.use(http.post(OCSP_URL, () => new HttpResponse('busy', { status: 503 })), crlAt(CRL_URL));
    const r = await check(bothLeaf, { policy: 'require' });
    expect(r.statuses.map((s) => [s.status, s.source])).toEqual([['good', 'crl']]);
    expect(seen).toEqual([`POST ${OCSP_URL}`, `GET ${CRL_URL}`]);
  });
});

describe('timeouts', () => {
  const hang = async (): Promise<never> => {
    await delay('infinite');
    throw new Error('unreachable');
  };

  it('gives up on a responder that never answers within timeoutMs: REVOCATION_UNAVAILABLE under require', async () => {
    server.use(http.post(OCSP_URL, hang), http.get(CRL_URL, hang));
    const started = Date.now();
    const reason = await unavailable(bothLeaf, { timeoutMs: 100 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(reason).toMatch(/OCSP http:\/\/ocsp\.yizheng\.test\/: timeout: no answer within 100 ms/);
    expect(reason).toMatch(/CRL http:\/\/crl\.yizheng\.test\/sub\.crl: timeout: no answer within 100 ms/);
  });

  it('soft-fails under prefer: a warning and an unavailable status', async () => {
    server.use(http.post(OCSP_URL, hang));
    const started = Date.now();
    const r = await check(ocspLeaf, { policy: 'prefer', timeoutMs: 100 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r.statuses.map((s) => s.status)).toEqual(['unavailable']);
    expect(r.warnings.map((w) => [w.code, w.details['policy']])).toEqual([['REVOCATION_UNAVAILABLE', 'prefer']]);
  });

  it('bounds the body too: headers on time, then a stalled stream', async () => {
    const stalled = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(16));
      },
    });
    server.use(http.get(CRL_URL, () => new HttpResponse(stalled, { headers: { 'content-type': 'application/pkix-crl', 'content-length': '4096' } })));
    const started = Date.now();
    expect(await unavailable(crlLeaf, { timeoutMs: 150 })).toMatch(/timeout: no answer within 150 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('holds even for an injected fetch that ignores the abort signal', async () => {
    const deaf: FetchFunction = () => new Promise<Response>(() => undefined);
    const deafBody: FetchFunction = () => Promise.resolve(new Response(new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new Uint8Array(8)) })));
    for (const fetch of [deaf, deafBody]) {
      const started = Date.now();
      expect(await unavailable(crlLeaf, { timeoutMs: 100, fetch })).toMatch(/timeout: no answer within 100 ms/);
      expect(Date.now() - started).toBeLessThan(2000);
    }
  }, 5000);
});

describe('redirects: at most 3, same scheme only', () => {
  it('follows a redirect to another host over the same scheme (relative locations too)', async () => {
    server.use(
      http.get(CRL_URL, () => redirect(302, 'http://cdn.yizheng.test/crl/sub.crl')),
      http.get('http://cdn.yizheng.test/crl/sub.crl', () => redirect(301, '../current/sub.crl')),
      crlAt('http://cdn.yizheng.test/current/sub.crl'),
    );
    const r = await check(crlLeaf, { policy: 'require' });
    expect(r.statuses.map((s) => [s.status, s.url])).toEqual([['good', CRL_URL]]);
    expect(seen).toEqual([`GET ${CRL_URL}`, 'GET http://cdn.yizheng.test/crl/sub.crl', 'GET http://cdn.yizheng.test/current/sub.crl']);
  });

  it('follows three redirects and refuses a fourth', async () => {
    const hop = (n: number): string => `http://crl.yizheng.test/hop${n}`;
    server.use(http.get(CRL_URL, () => redirect(302, hop(1))), http.get(hop(1), () => redirect(302, hop(2))), http.get(hop(2), () => redirect(307, hop(3))), crlAt(hop(3)));
    expect((await check(crlLeaf, { policy: 'require' })).statuses[0]?.status).toBe('good');
    seen = [];
    server.use(http.get(hop(3), () => redirect(308, hop(4))), crlAt(hop(4)));
    expect(await unavailable(crlLeaf, {})).toMatch(/more than 3 redirects/);
    expect(seen).not.toContain(`GET ${hop(4)}`);
  });

  it('refuses a change of scheme: no https → http downgrade, no http → https, no ldap: or file:', async () => {
    const httpsLeaf = leafWith({ crl: [HTTPS_CRL_URL] });
    server.use(http.get(HTTPS_CRL_URL, () => redirect(302, CRL_URL)), crlAt(CRL_URL));
    expect(await unavailable(httpsLeaf, {})).toMatch(/redirect from https: to http: refused/);
    expect(seen).toEqual([`GET ${HTTPS_CRL_URL}`]);

    for (const location of [HTTPS_CRL_URL, 'ldap://ldap.yizheng.test/cn=Fetch%20Sub?certificateRevocationList', 'file:///etc/passwd']) {
      seen = [];
      server.use(http.get(CRL_URL, () => redirect(302, location)), crlAt(HTTPS_CRL_URL));
      expect(await unavailable(crlLeaf, {})).toMatch(/redirect from http: to \w+: refused/);
      expect(seen).toEqual([`GET ${CRL_URL}`]);
    }
  });

  it('re-sends an OCSP POST on 307/308 but does not turn it into a GET on 301/302/303', async () => {
    const moved = 'http://ocsp2.yizheng.test/ocsp';
    server.use(http.post(OCSP_URL, () => redirect(307, moved)), ocspAt(moved));
    expect((await check(ocspLeaf, { policy: 'require' })).statuses.map((s) => [s.status, s.source])).toEqual([['good', 'ocsp']]);
    expect(seen).toEqual([`POST ${OCSP_URL}`, `POST ${moved}`]);
    for (const status of [301, 302, 303]) {
      seen = [];
      server.use(http.post(OCSP_URL, () => redirect(status, moved)));
      expect(await unavailable(ocspLeaf, {})).toMatch(new RegExp(`HTTP ${status} redirect of a POST not followed`));
      expect(seen).toEqual([`POST ${OCSP_URL}`]);
    }
  });

  it('refuses a redirect without a Location', async () => {
    server.use(http.get(CRL_URL, () => redirect(302, null)));
    expect(await unavailable(crlLeaf, {})).toMatch(/HTTP 302 without a Location/);
  });
});

describe('size limits, enforced while streaming', () => {
  it('stops reading an endless CRL body at maxCrlBytes, long before the timeout', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled += 16_384;
        c.enqueue(new Uint8Array(16_384));
      },
    });
    // No Content-Length: the limit can only be enforced as the bytes arrive.
    server.use(http.get(CRL_URL, () => new HttpResponse(endless, { headers: { 'content-type': 'application/pkix-crl', 'transfer-encoding': 'chunked' } })));
    const started = Date.now();
    expect(await unavailable(crlLeaf, { maxCrlBytes: 65_536, timeoutMs: 10_000 })).toMatch(/response larger than 65536 bytes/);
    expect(Date.now() - started).toBeLessThan(5000);
    const atFailure = pulled;
    expect(atFailure).toBeLessThan(8 * 1024 * 1024);
    // The stream is released: it is not pulled any further.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pulled - atFailure).toBeLessThan(1024 * 1024);
  });

  it('refuses a declared Content-Length above the limit without reading the body', async () => {
    server.use(http.post(OCSP_URL, () => der(new Uint8Array(100_000), 'application/ocsp-response')));
    expect(await unavailable(ocspLeaf, { maxOcspBytes: 1024 })).toMatch(/OCSP .*response larger than 1024 bytes/);
  });

  it('accepts a body of exactly the limit', async () => {
    const body = crlDer();
    server.use(http.get(CRL_URL, () => new HttpResponse(body, { headers: { 'transfer-encoding': 'chunked' } })));
    expect((await check(crlLeaf, { policy: 'require', maxCrlBytes: body.length })).statuses[0]?.status).toBe('good');
  });
});

describe('content types: tolerated, the DER and its signature decide', () => {
  it('accepts a CRL served as octet-stream, x-pkcs7-crl, text/plain or without a type', async () => {
    for (const type of ['application/octet-stream', 'application/x-pkcs7-crl', 'text/plain; charset=utf-8', null]) {
      server.use(crlAt(CRL_URL, type));
      expect((await check(crlLeaf, { policy: 'require' })).statuses[0]?.status, String(type)).toBe('good');
    }
  });

  it('accepts an OCSP response served as application/octet-stream', async () => {
    server.use(ocspAt(OCSP_URL, 'application/octet-stream'));
    expect((await check(ocspLeaf, { policy: 'require' })).statuses[0]?.status).toBe('good');
  });

  it('names the content type when the body is not DER (a captive portal, an error page with 200)', async () => {
    const page = new TextEncoder().encode('<!doctype html><title>请登录</title>');
    server.use(http.get(CRL_URL, () => der(page, 'text/html; charset=utf-8')), http.post(OCSP_URL, () => der(page, 'text/html')));
    const reason = await unavailable(bothLeaf, {});
    expect(reason).toMatch(/OCSP http:\/\/ocsp\.yizheng\.test\/: .*\(served as text\/html\)/);
    expect(reason).toMatch(/CRL http:\/\/crl\.yizheng\.test\/sub\.crl: .*\(served as text\/html\)/);
  });
});

describe('HTTP errors and malformed bodies', () => {
  it('reports HTTP error statuses', async () => {
    for (const status of [404, 500, 503]) {
      server.use(http.get(CRL_URL, () => new HttpResponse('nope', { status })), http.post(OCSP_URL, () => new HttpResponse(null, { status })));
      const reason = await unavailable(bothLeaf, {});
      expect(reason).toContain(`OCSP ${OCSP_URL}: HTTP ${status}`);
      expect(reason).toContain(`CRL ${CRL_URL}: HTTP ${status}`);
    }
  });

  it('refuses malformed and empty bodies served with the right type', async () => {
    const cases: Array<[Uint8Array, RegExp]> = [
      [Uint8Array.of(0x30, 0x82, 0x10, 0x00, 0x01), /unexpected end|length exceeds|truncated/],
      [Uint8Array.of(0x04, 0x01, 0x00), /unexpected tag for (OCSPResponse|CertificateList)/],
      [new Uint8Array(0), /missing (OCSPResponse|CertificateList)/],
    ];
    for (const [body, pattern] of cases) {
      server.use(http.get(CRL_URL, () => der(body, 'application/pkix-crl')), http.post(OCSP_URL, () => der(body, 'application/ocsp-response')));
      const reason = await unavailable(bothLeaf, {});
      expect(reason).toMatch(new RegExp(`OCSP ${OCSP_URL}: .*(${pattern.source})`, pattern.flags));
      expect(reason).toMatch(new RegExp(`CRL ${CRL_URL}: .*(${pattern.source})`, pattern.flags));
      expect(reason).not.toMatch(/served as/);
    }
  });

  it('caches no failure: the next check downloads again', async () => {
    server.use(http.get(CRL_URL, () => new HttpResponse(null, { status: 500 })));
    const checker = createRevocationChecker({ policy: 'prefer', checkIntermediates: false });
    const path = [crlLeaf.certificate, sub.certificate, root.certificate];
    expect((await checker.check(path, { at: new Date() })).statuses[0]?.status).toBe('unavailable');
    server.use(crlAt(CRL_URL));
    expect((await checker.check(path, { at: new Date() })).statuses[0]?.status).toBe('good');
    expect(seen).toEqual([`GET ${CRL_URL}`, `GET ${CRL_URL}`]);
  });
});

describe('only http: and https: URLs are fetched', () => {
  it('skips ldap: distribution points and fetches the http: one', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const mixed = leafWith({ crl: ['ldap://ldap.yizheng.test/cn=Fetch%20Sub,o=test?certificateRevocationList;binary', CRL_URL], ocsp: ['ldap://ldap.yizheng.test/ocsp'] });
    server.use(crlAt(CRL_URL));
    const r = await check(mixed, { policy: 'require' });
    expect(r.statuses.map((s) => [s.status, s.source, s.url])).toEqual([['good', 'crl', CRL_URL]]);
    expect(fetchSpy.mock.calls.map(([url]) => String(url))).toEqual([CRL_URL]);
    expect(seen).toEqual([`GET ${CRL_URL}`]);
  });

  it('makes no request at all when every URL is ldap: or file:', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const ldapOnly = leafWith({ crl: ['ldap://ldap.yizheng.test/cn=Fetch%20Sub?certificateRevocationList', 'file:///var/crl/sub.crl'], ocsp: ['ldap://ldap.yizheng.test/'] });
    const r = await check(ldapOnly, { policy: 'prefer' });
    expect(r.statuses.map((s) => s.status)).toEqual(['unavailable']);
    expect(String(r.warnings[0]?.details['reasonEn'])).toMatch(/no OCSP responder URL.*no HTTP CRL distribution point/);
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(seen).toEqual([]);
  });
});
