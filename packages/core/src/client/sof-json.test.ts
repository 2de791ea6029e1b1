/**
 * SOF over JSON through real loopback sockets (node:http and a ws server) in front of the
 * emulator, running the shared token driver checks for both wires.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { verifySignature } from '../crypto/index';
import { createSofBackend, createSofJsonEmulator, tokenDriverChecks, type SofJsonEmulator, type TokenDriverHarness } from '../software-token/index';
import { createTestCa, issueCertificatePair, privateKeyToPem } from '../testing/index';
import { createSofJsonDriver } from './index';

const ca = createTestCa({ subject: 'CN=SOF Test CA', keyAlgorithm: 'ec' });
const pair = issueCertificatePair({ subject: 'CN=张三, O=示例公司', issuer: ca });

/** Serves the emulator over HTTP (a POST per call) or a WebSocket (key changes pushed as events); returns the URL and a stop function. */
async function serve(emulator: SofJsonEmulator, wire: 'http' | 'ws'): Promise<[string, () => Promise<void>]> {
  if (wire === 'ws') {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const off = emulator.backend.onChange(() => server.clients.forEach((c) => c.send(JSON.stringify({ event: 'keychange' }))));
    server.on('connection', (socket) => socket.on('message', (data) => void emulator.answer(String(data)).then((r) => r !== undefined && socket.send(r))));
    const stop = async (): Promise<void> => {
      off();
      server.clients.forEach((c) => c.terminate());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    };
    return [`ws://127.0.0.1:${(server.address() as AddressInfo).port}/sof`, stop];
  }
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => void emulator.answer(body).then((r) => r !== undefined && res.writeHead(200, { 'access-control-allow-origin': '*' }).end(r)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const stop = async (): Promise<void> => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return [`http://127.0.0.1:${(server.address() as AddressInfo).port}/sof`, stop];
}

describe.each(['http', 'ws'] as const)('SOF over JSON through a real %s socket', (wire) => {
  const harness: TokenDriverHarness = {
    certificates: [{ certificate: pair.signing.pem, privateKey: privateKeyToPem(pair.signing.key), encryptionCertificate: pair.encryption.pem }],
    provider: 'testca',
    async start(token) {
      const emulator = createSofJsonEmulator(createSofBackend(token));
      const [url, stop] = await serve(emulator, wire);
      const driver = createSofJsonDriver({ url, id: 'test-sof', provider: 'testca', client: '测试客户端', pinLength: { min: 6, max: 16 }, timeoutMs: 300, interactiveTimeoutMs: 300 });
      return { driver, tamper: (fault) => (wire === 'ws' || fault !== 'wrong-id') && (emulator.tamperNext(fault), true), stop };
    },
    notRunning: () => createSofJsonDriver({ url: `${wire}://127.0.0.1:1/sof`, id: 'test-sof', client: '测试客户端' }),
    verify: ({ certificate, text, signature }) => verifySignature({ certificate, data: text, signature: signature.signature, format: signature.format }),
  };
  for (const check of tokenDriverChecks(harness)) it(check.name, check.run);
});
