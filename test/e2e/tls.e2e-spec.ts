import request from 'supertest';
import { RETAILER } from '../factories/hub-config.factory';
import { aCreateQrCodeRequest } from '../factories/messages.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { testTls } from '../utils/test-tls';

/**
 * SPEC §3: mutual TLS with TLS_CA_FILE + TLS_REQUIRE_CLIENT_CERT=true. The
 * shared test certificate is its own CA, so it also serves as a client
 * certificate that CA signed.
 */
describe('mutual TLS (SPEC §3)', () => {
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
