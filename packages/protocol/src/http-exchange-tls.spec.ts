import { HttpExchange } from './http-exchange';
import { ProtocolHttpClient } from './protocol-client';
import { Pems, selfSigned, startHttpsServer, TestServer } from './spec-support/https-server';

/**
 * Mutual TLS against a real server that asks for a client certificate and
 * refuses a connection without a trusted one.
 */
describe('HttpExchange: mutual TLS', () => {
  let serverTls: Pems;
  let clientTls: Pems;
  let server: TestServer;
  let baseUrl: string;
  const open: HttpExchange[] = [];

  const exchange = (tls: Partial<Pems> & { passphrase?: string } = {}) => {
    const created = new HttpExchange({ baseUrl, ca: serverTls.cert, timeoutMs: 2_000, ...tls });
    open.push(created);
    return created;
  };

  beforeAll(async () => {
    serverTls = selfSigned('localhost');
    clientTls = selfSigned('wallet-connector');
    server = await startHttpsServer(serverTls, { requestCert: true, rejectUnauthorized: true, ca: clientTls.cert });
    baseUrl = `${server.origin}/api`;
  });
  beforeEach(() => {
    server.seen.length = 0;
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((created) => created.close(100)));
  });
  afterAll(() => server.close());

  it('without a client certificate the server refuses the connection: no-answer, nothing arrives', async () => {
    await expect(exchange().send('/v2/charges', { body: { amount: 1 } })).resolves.toEqual({
      kind: 'no-answer',
      reason: expect.stringMatching(/^connection error: /),
    });
    expect(server.seen).toEqual([]);
  });

  it('with the client certificate the server accepts it and sees who it is', async () => {
    const result = await exchange(clientTls).send('/v2/charges', { body: { amount: 1 } });
    expect(result).toMatchObject({ kind: 'answered', status: 200 });
    expect(server.seen).toMatchObject([{ url: '/api/v2/charges', clientName: 'wallet-connector' }]);
  });

  it('a client certificate the server does not trust is refused', async () => {
    const stranger = selfSigned('stranger');
    await expect(exchange(stranger).send('/v2/charges', { body: { amount: 1 } })).resolves.toMatchObject({
      kind: 'no-answer',
    });
    expect(server.seen).toEqual([]);
  });

  it('an encrypted client key is opened with its passphrase', async () => {
    const encrypted = selfSigned('encrypted-connector', 'k3y-pass');
    expect(encrypted.key).toMatch(/ENCRYPTED PRIVATE KEY/);
    const strict = await startHttpsServer(serverTls, {
      requestCert: true,
      rejectUnauthorized: true,
      ca: encrypted.cert,
    });
    try {
      const withKey = new HttpExchange({
        baseUrl: strict.origin,
        ca: serverTls.cert,
        ...encrypted,
        passphrase: 'k3y-pass',
      });
      open.push(withKey);
      await expect(withKey.send('/p', { body: {} })).resolves.toMatchObject({ kind: 'answered', status: 200 });
      expect(strict.seen).toMatchObject([{ clientName: 'encrypted-connector' }]);
    } finally {
      await Promise.all(open.splice(0).map((created) => created.close(100)));
      await strict.close();
    }
  });

  it('ProtocolHttpClient passes its client certificate through', async () => {
    server.respond = () => ({ status: 201, body: JSON.stringify({ id: 'r-1' }) });
    const client = new ProtocolHttpClient({ baseUrl, username: 'u', password: 'p', ca: serverTls.cert, ...clientTls });
    try {
      await expect(client.post('/payments', { id: 'q-1' }, 'request')).resolves.toEqual({
        kind: 'successful',
        status: 201,
        body: { id: 'r-1' },
      });
      expect(server.seen).toMatchObject([{ clientName: 'wallet-connector' }]);
    } finally {
      await client.close(100);
    }
  });
});
