/**
 * SOF over JSON in the default protocol (the documented `{fn, args}` → `{code, result, message?,
 * error?}` shape, standard names, the SOR table), through real loopback sockets (node:http and a ws
 * server) in front of the emulator, running the shared token driver checks for both wires; then the
 * shape's details.
 */
import { describe, expect, it } from 'vitest';
import { verifySignature } from '../crypto/index';
import { createSofBackend, createSofJsonEmulator, createSoftwareToken, tokenDriverChecks, type TokenDriverHarness } from '../software-token/index';
import { createTestCa, issueCertificatePair, privateKeyToPem } from '../testing/index';
import { createSofJsonDriver, parseSofUserList, sofJsonProtocol, type FetchLike } from './index';
import { serveSofEmulator } from './sof-server-emulator';

const ca = createTestCa({ subject: 'CN=SOF Test CA', keyAlgorithm: 'ec' });
const pair = issueCertificatePair({ subject: 'CN=张三, O=示例公司', issuer: ca });
const certificates = [{ certificate: pair.signing.pem, privateKey: privateKeyToPem(pair.signing.key), encryptionCertificate: pair.encryption.pem }];

describe.each(['http', 'ws'] as const)('SOF over JSON (default protocol) through a real %s socket', (wire) => {
  const harness: TokenDriverHarness = {
    certificates,
    provider: 'testca',
    async start(token) {
      const emulator = createSofJsonEmulator(createSofBackend(token));
      const served = await serveSofEmulator(emulator, wire);
      const driver = createSofJsonDriver({ url: served.url, id: 'test-sof', provider: 'testca', client: '测试客户端', pinLength: { min: 6, max: 16 }, timeoutMs: 300, interactiveTimeoutMs: 300 });
      return { driver, tamper: (fault) => (wire === 'ws' || fault !== 'wrong-id') && (emulator.tamperNext(fault), true), stop: served.stop };
    },
    notRunning: () => createSofJsonDriver({ url: `${wire}://127.0.0.1:1/sof`, id: 'test-sof', client: '测试客户端' }),
    verify: ({ certificate, text, signature }) => verifySignature({ certificate, data: text, signature: signature.signature, format: signature.format }),
  };
  for (const check of tokenDriverChecks(harness)) it(check.name, check.run);
});

describe('the default protocol on the wire', () => {
  async function rig(reply?: (request: Record<string, unknown>) => unknown) {
    const token = await createSoftwareToken({ certificates, signatureFormat: 'der', maxTries: 3 });
    const emulator = createSofJsonEmulator(createSofBackend(token));
    const seen: { body: Record<string, unknown>; contentType: string | null }[] = [];
    const fetch: FetchLike = async (url, init) => {
      const body = JSON.parse(String(init?.body)) as Record<string, unknown>;
      seen.push({ body, contentType: new Headers(init?.headers).get('content-type') });
      const canned = reply?.(body);
      return canned === undefined ? emulator.fetch(url, init) : new Response(typeof canned === 'string' ? canned : JSON.stringify(canned), { status: 200 });
    };
    return { token, emulator, seen, driver: createSofJsonDriver({ url: 'http://127.0.0.1:9/sof', id: 't', client: '测试客户端', fetch, timeoutMs: 300, interactiveTimeoutMs: 300 }) };
  }

  it('posts {fn, args} as text/plain with the standard names (SOF_ExportExchangeUserCert), or the mapped ones', async () => {
    const { seen, driver } = await rig();
    await driver.listCertificates();
    expect(seen.map((s) => s.body)).toEqual([
      { fn: 'SOF_GetUserList', args: [] },
      { fn: 'SOF_ExportUserCert', args: ['cert-1'] },
      { fn: 'SOF_ExportExchangeUserCert', args: ['cert-1'] },
    ]);
    expect(seen[0]?.contentType).toBe('text/plain;charset=UTF-8');
    const fetch: FetchLike = async () => new Response(JSON.stringify({ code: 0, result: '' }));
    const names: string[] = [];
    const mapped = createSofJsonDriver({
      url: 'http://127.0.0.1:9/sof',
      id: 't',
      client: 'c',
      functionNames: { SOF_GetUserList: 'GetUserList' },
      fetch: async (url, init) => (names.push(String(JSON.parse(String(init?.body)).fn)), fetch(url, init)),
    });
    await mapped.listCertificates();
    expect(names).toEqual(['GetUserList']);
  });

  it('reads "error" for what the SOR table lacks, keeps "message", and ignores an "error" that is no client code', async () => {
    const cancel = await rig((b) => (b['fn'] === 'SOF_SignData' ? { code: 0x0b000001, message: '用户取消', error: 'USER_CANCELLED' } : undefined));
    await expect(cancel.driver.sign('cert-1', 'x')).rejects.toMatchObject({ code: 'USER_CANCELLED', details: { vendorCode: 0x0b000001, vendorText: '用户取消' } });
    const odd = await rig((b) => (b['fn'] === 'SOF_SignData' ? { code: 0x0b000001, message: '出错了', error: 'SOMETHING_ELSE' } : undefined));
    await expect(odd.driver.sign('cert-1', 'x')).rejects.toMatchObject({ code: 'CLIENT_REPORTED_ERROR', details: { vendorText: '出错了' } });
  });

  it('a wrong PIN reported only as SOR_UnknownErr (no "error") still gives the tries left', async () => {
    const { driver } = await rig((b) => (b['fn'] === 'SOF_Login' && (b['args'] as string[])[1] !== '123456' ? { code: 0x0b000001 } : undefined));
    await expect(driver.login('cert-1', '000000')).rejects.toMatchObject({ code: 'PIN_INCORRECT', details: { remaining: 3 } });
  });

  it('a code named like a prototype property ("constructor", "__proto__", "toString") is CLIENT_REPORTED_ERROR, not a TypeError', async () => {
    for (const code of ['constructor', '__proto__', 'toString']) {
      const { driver } = await rig((b) => (b['fn'] === 'SOF_Login' || b['fn'] === 'SOF_SignData' ? { code } : undefined));
      await expect(driver.sign('cert-1', 'x')).rejects.toMatchObject({ name: 'YizhengError', code: 'CLIENT_REPORTED_ERROR', details: { vendorCode: code } });
      await expect(driver.login('cert-1', '123456')).rejects.toMatchObject({ name: 'YizhengError' });
    }
  });

  it('a login is a success only for true ("true"): null, -1, "error" or {} is CLIENT_PROTOCOL_ERROR', async () => {
    for (const result of [null, -1, 'error', {}]) {
      const { driver } = await rig((b) => (b['fn'] === 'SOF_Login' ? { code: 0, result } : undefined));
      await expect(driver.login('cert-1', '123456')).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR' });
    }
  });

  it('a signature shorter than 16 bytes ("true", "null", "fail") is CLIENT_PROTOCOL_ERROR', async () => {
    for (const result of ['true', 'null', 'fail', 'QUJDREVGR0hJSktMTU5P']) {
      const { driver } = await rig((b) => (b['fn'] === 'SOF_SignData' ? { code: 0, result } : undefined));
      await expect(driver.sign('cert-1', 'x')).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR' });
    }
  });

  it('caps what the client says: vendorText at 200 characters, the user list at 64 certificates', async () => {
    const { driver } = await rig((b) => (b['fn'] === 'SOF_SignData' ? { code: 0x0b000409, message: '错'.repeat(5000) } : undefined));
    const error = (await driver.sign('cert-1', 'x').catch((e: unknown) => e)) as { details: { vendorText: string } };
    expect(error.details.vendorText).toHaveLength(200);
    expect(parseSofUserList('名||id&&&'.repeat(1000))).toHaveLength(64);
  });

  it('malformed replies are CLIENT_PROTOCOL_ERROR: no code, success without result, HTTP errors, not JSON', async () => {
    for (const bad of [{ result: 'x' }, { code: 0 }, { code: '' }, '[1,2]', 'SOR_OK']) {
      const { driver } = await rig(() => bad);
      await expect(driver.listCertificates()).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR' });
    }
    const http500 = createSofJsonDriver({ url: 'http://127.0.0.1:9/sof', id: 't', client: 'c', fetch: async () => new Response('oops', { status: 500 }) });
    await expect(http500.listCertificates()).rejects.toMatchObject({ code: 'CLIENT_PROTOCOL_ERROR', details: { reason: 'SOF_GetUserList: HTTP 500' } });
  });

  it('is pluggable at both ends: a protocol of your own, with async requests (a session) and extra calls', async () => {
    const token = await createSoftwareToken({ certificates, signatureFormat: 'der' });
    const backend = createSofBackend(token);
    const bodies: unknown[] = [];
    const fetch: FetchLike = async (_url, init) => {
      const body = JSON.parse(String(init?.body)) as { method: string; params: unknown[]; session?: string };
      bodies.push(body);
      if (body.method === 'open') return new Response(JSON.stringify({ errno: 0, data: 's1' }));
      const r = await backend.call(body.method, body.params);
      return new Response(JSON.stringify(r.ok ? { errno: 0, data: r.value } : { errno: r.code, errmsg: r.text }));
    };
    let session: string | undefined;
    const base = sofJsonProtocol();
    const driver = createSofJsonDriver({
      url: 'http://127.0.0.1:9/x',
      id: 't',
      client: 'c',
      fetch,
      protocol: {
        ...base,
        async request({ name, args }, send) {
          session ??= String((await send({ method: 'open', params: [] }, 'open'))['data']);
          return { method: name, params: args, session };
        },
        reply: (body) => (body['errno'] === 0 ? { ok: true, value: body['data'] } : { ok: false, code: body['errno'] as number, text: String(body['errmsg']) }),
      },
    });
    expect((await driver.listCertificates()).map((c) => c.label)).toEqual(['张三']);
    expect(bodies.slice(0, 2)).toEqual([{ method: 'open', params: [] }, { method: 'SOF_GetUserList', params: [], session: 's1' }]);
    await expect(driver.login('nope', '123456')).rejects.toMatchObject({ code: 'CERT_NOT_FOUND' });
  });
});
