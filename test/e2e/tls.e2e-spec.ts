import { connect, TLSSocket } from 'node:tls';
import request from 'supertest';
import { RETAILER } from '../factories/hub-config.factory';
import { aCreateQrCodeRequest } from '../factories/messages.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { testTls } from '../utils/test-tls';

/**
 * docs/protocol.md §3: mutual TLS with TLS_CA_FILE + TLS_REQUIRE_CLIENT_CERT=true. The
 * shared test certificate is its own CA, so it also serves as a client
 * certificate that CA signed.
 */
describe('mutual TLS (docs/protocol.md §3)', () => {
  const tls = testTls();
  let hub: TestApp;

  beforeAll(async () => {
    hub = await createTestApp({ env: { TLS_CA_FILE: tls.certFile, TLS_REQUIRE_CLIENT_CERT: 'true' } });
  });
  afterAll(() => hub?.close());

  const createQr = () =>
    request(hub.baseUrl)
      .post('/qr/v1/qrCodes')
      .ca(tls.cert)
      .auth(RETAILER.id, RETAILER.password)
      .set('Content-Type', 'application/json')
      .send(aCreateQrCodeRequest());

  it('a client with a certificate the CA signed is served', async () => {
    const res = await createQr().cert(tls.cert).key(tls.key);
    expect(res.status).toBe(201);
  });

  it('a client without a certificate is refused in the TLS handshake, before any HTTP answer', async () => {
    await expect(createQr().then((r) => r.status)).rejects.toThrow(
      /certificate required|socket hang up|ECONNRESET|EPROTO|alert/i,
    );
  });
});

/**
 * docs/protocol.md §3, the "intermediate" TLS profile: TLS 1.2 only with ECDHE key
 * exchange and AEAD ciphers (forward secrecy, no CBC or SHA-1 MACs), TLS 1.3
 * with Node's suites; nothing older than TLS 1.2.
 */
describe('TLS protocol versions and cipher suites (docs/protocol.md §3)', () => {
  const tls = testTls();
  let hub: TestApp;
  let port: number;

  beforeAll(async () => {
    hub = await createTestApp();
    port = Number(new URL(hub.baseUrl).port);
  });
  afterAll(() => hub?.close());

  /** The negotiated protocol and cipher, or the handshake error. */
  function handshake(options: {
    ciphers?: string;
    minVersion?: 'TLSv1' | 'TLSv1.2';
    maxVersion?: 'TLSv1.1' | 'TLSv1.2';
  }) {
    return new Promise<{ protocol: string | null; cipher: string }>((resolve, reject) => {
      const socket: TLSSocket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: tls.cert, ...options });
      socket.once('secureConnect', () => {
        resolve({ protocol: socket.getProtocol(), cipher: socket.getCipher().name });
        socket.end();
      });
      socket.once('error', reject);
    });
  }

  it.each(['AES128-SHA', 'AES128-GCM-SHA256', 'ECDHE-RSA-AES128-SHA', 'ECDHE-RSA-AES256-SHA384'])(
    'refuses a TLS 1.2 client that offers only %s (no forward secrecy or no AEAD)',
    async (cipher) => {
      await expect(handshake({ ciphers: cipher, maxVersion: 'TLSv1.2' })).rejects.toThrow(
        /handshake failure|no shared cipher|alert|ECONNRESET/i,
      );
    },
  );

  it.each(['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305'])(
    'serves a TLS 1.2 client offering %s',
    async (cipher) => {
      await expect(handshake({ ciphers: cipher, maxVersion: 'TLSv1.2' })).resolves.toEqual({
        protocol: 'TLSv1.2',
        cipher,
      });
    },
  );

  it('serves TLS 1.3 with its default suites', async () => {
    const { protocol, cipher } = await handshake({});
    expect(protocol).toBe('TLSv1.3');
    expect(cipher).toMatch(/^TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)$/);
  });

  it('refuses TLS 1.1', async () => {
    await expect(
      handshake({ minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }),
    ).rejects.toThrow(/protocol version|alert|ECONNRESET|unsupported protocol/i);
  });
});
