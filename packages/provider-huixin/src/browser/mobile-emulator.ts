/**
 * Test support (not exported): Huixin's mobile signing service as the driver assumes it, on a
 * loopback HTTP port, with a software token standing in for the phone app.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SoftwareToken } from '@yizheng/core/software-token';

type Fault = 'not-json' | 'missing-fields' | 'silent' | 'http-500';

interface Session {
  status: 'waiting' | 'scanned' | 'bound' | 'cancelled' | 'expired';
  readonly requests: Map<string, { status: 'waiting' | 'signed' | 'cancelled' | 'expired'; readonly data: string; signature?: string }>;
}

/** The emulated service and the phone's actions. */
export interface MobileService {
  /** The service's base URL. */
  readonly endpoint: string;
  /** The app scans the QR code of `sessionId` (the user then confirms: the session is bound). */
  scan(sessionId: string): Promise<void>;
  /** The app signs every waiting request of `sessionId`. */
  confirm(sessionId: string): Promise<void>;
  /** The user declines on the phone (session and its requests). */
  decline(sessionId: string): void;
  /** The session runs out of time. */
  expire(sessionId: string): void;
  /** Forgets the session (the service answers 404). */
  drop(sessionId: string): void;
  /** Makes the next answer faulty. */
  tamper(fault: Fault): void;
  /** Stops the service. */
  stop(): Promise<void>;
}

/** Starts the service; the app's key is `token` (its first certificate). */
export async function startMobileService(token: SoftwareToken): Promise<MobileService> {
  const sessions = new Map<string, Session>();
  const faults: Fault[] = [];
  let counter = 0;
  const session = (id: string): Session => {
    const s = sessions.get(id);
    if (!s) throw new Error(`no session ${id}`);
    return s;
  };

  async function route(method: string, path: string, body: Record<string, unknown>): Promise<[number, unknown]> {
    if (method === 'POST' && path === '/sessions') {
      const id = `s${++counter}`;
      sessions.set(id, { status: 'waiting', requests: new Map() });
      return [200, { sessionId: id, qrCode: `huixin-mobile://bind?session=${id}`, expiresAt: new Date(Date.now() + 60_000).toISOString() }];
    }
    const m = /^\/sessions\/([\w-]+)(?:\/signatures(?:\/([\w-]+))?)?$/.exec(path);
    const s = m?.[1] === undefined ? undefined : sessions.get(m[1]);
    if (!m || !s) return [404, { error: 'not found' }];
    const [cert] = await token.listCertificates();
    if (method === 'GET' && m[2] === undefined && !path.endsWith('/signatures')) {
      return [200, { status: s.status, ...(s.status === 'bound' && { certificate: cert?.certificate, label: cert?.label }) }];
    }
    if (method === 'POST' && path.endsWith('/signatures')) {
      const requestId = `r${++counter}`;
      s.requests.set(requestId, { status: s.status === 'cancelled' ? 'cancelled' : 'waiting', data: String(body['data']) });
      return [200, { requestId }];
    }
    const request = m[2] === undefined ? undefined : s.requests.get(m[2]);
    if (method === 'GET' && request) {
      return [200, { status: request.status, ...(request.signature !== undefined && { signature: request.signature, signatureFormat: 'der' }) }];
    }
    return [404, { error: 'not found' }];
  }

  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      const fault = faults.shift();
      if (fault === 'silent') return;
      if (fault === 'http-500') return void res.writeHead(500).end('oops');
      if (fault === 'not-json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('<html>');
      const body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
      void route(req.method ?? 'GET', req.url ?? '/', body).then(([status, answer]) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(fault === 'missing-fields' ? {} : answer));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    async scan(id) {
      session(id).status = 'bound';
    },
    async confirm(id) {
      const [cert] = await token.listCertificates();
      for (const request of session(id).requests.values()) {
        if (request.status !== 'waiting' || !cert) continue;
        request.signature = (await token.sign(cert.id, request.data)).signature;
        request.status = 'signed';
      }
    },
    decline(id) {
      const s = session(id);
      s.status = 'cancelled';
      for (const r of s.requests.values()) r.status = 'cancelled';
    },
    expire(id) {
      const s = session(id);
      s.status = 'expired';
      for (const r of s.requests.values()) r.status = 'expired';
    },
    drop(id) {
      sessions.delete(id);
    },
    tamper(fault) {
      faults.push(fault);
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
