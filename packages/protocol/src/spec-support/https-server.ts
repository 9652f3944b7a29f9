/**
 * A real HTTPS server for the package's specs, with certificates made by the
 * openssl command line: the package's sources, specs included, import only
 * node and its own dependencies (test/packages.spec.ts), so no npm certificate
 * generator. Not part of the build (tsconfig.build.json excludes it).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, Server, ServerOptions } from 'node:https';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

export interface Pems {
  cert: string;
  key: string;
}

/**
 * A self-signed P-256 certificate for `localhost` and 127.0.0.1, valid two
 * days; the key is encrypted when a passphrase is given.
 */
export function selfSigned(commonName: string, passphrase?: string): Pems {
  const dir = mkdtempSync(join(tmpdir(), 'qr-protocol-tls-'));
  try {
    const [keyFile, certFile] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-sha256', '-days', '2'],
        ...['-subj', `/CN=${commonName}`, '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
        ...['-keyout', keyFile, '-out', certFile],
        ...(passphrase === undefined ? ['-nodes'] : ['-passout', `pass:${passphrase}`]),
      ],
      { stdio: 'pipe' },
    );
    return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One request as the server received it. */
export interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Common name of the client certificate, when one was presented. */
  clientName?: string;
}

/** What the server answers: status, raw body text, and how long it waits first. */
export interface Reply {
  status: number;
  body?: string;
  delayMs?: number;
}

export interface TestServer {
  /** `https://127.0.0.1:<port>` */
  origin: string;
  seen: Seen[];
  /** Decides each answer; replace it per test. Default: 200 `{}`. */
  respond: (request: Seen) => Reply;
  close(): Promise<void>;
}

export async function startHttpsServer(tls: Pems, options: ServerOptions = {}): Promise<TestServer> {
  const test: Omit<TestServer, 'origin' | 'close'> = { seen: [], respond: () => ({ status: 200, body: '{}' }) };
  const server: Server = createServer({ ...options, cert: tls.cert, key: tls.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      const seen: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        ...(peer?.subject?.CN !== undefined && { clientName: String(peer.subject.CN) }),
      };
      test.seen.push(seen);
      const { status, body = '', delayMs = 0 } = test.respond(seen);
      setTimeout(() => res.writeHead(status, { 'content-type': 'application/json' }).end(body), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(test, {
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  });
}

/** A port nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
