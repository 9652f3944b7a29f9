import {
  acceptBasicAuth,
  connectorContract,
  ELECTRUM_WIRE,
  electrumDialect,
  startPartnerDouble,
  upstreamPaymentRequest,
} from '@qr-hub/connector-kit/testing';
import { ElectrumHttpConnector } from './electrum-http.connector';

/*
 * The kit's contract suite against its partner double speaking the interface itself
 * (Basic auth, /payments, /payments/confirmations, /payments/reversals under /qr/v1) over
 * real HTTPS. The interface addresses advices by the hub's request id: no references.
 */
const USER = 'qr-hub';
const PASSWORD = 'hub-upstream-secret';

connectorContract('electrum-http', async () => {
  const double = await startPartnerDouble({
    dialect: electrumDialect,
    basePath: '/qr/v1',
    authorize: acceptBasicAuth(USER, PASSWORD),
  });
  const connector = new ElectrumHttpConnector(
    {
      baseUrl: double.baseUrl,
      username: USER,
      password: PASSWORD,
      tls: { ca: double.ca, rejectUnauthorized: true },
      allowPlainHttp: false,
      connections: 8,
    },
    1_000,
  );
  return {
    connector,
    partnerRefs: 'never',
    wire: ELECTRUM_WIRE,
    stopPartner: () => double.close(),
    async close() {
      await double.close();
      await connector.close();
    },
  };
});

describe('electrum-http: mutual TLS (options.tls.certFile + keyFile)', () => {
  it('shows its client certificate to a partner that asks for one, and is refused without it', async () => {
    const double = await startPartnerDouble({
      dialect: electrumDialect,
      basePath: '/qr/v1',
      authorize: acceptBasicAuth(USER, PASSWORD),
      tls: { requireClientCert: true },
    });
    const client = double.clientCertificate;
    const base = { baseUrl: double.baseUrl, username: USER, password: PASSWORD, allowPlainHttp: false, connections: 1 };
    const withCert = new ElectrumHttpConnector(
      { ...base, tls: { ca: double.ca, cert: client?.cert, key: client?.key, rejectUnauthorized: true } },
      1_000,
    );
    const without = new ElectrumHttpConnector({ ...base, tls: { ca: double.ca, rejectUnauthorized: true } }, 1_000);
    try {
      expect(client).toBeDefined();
      const call = { timeoutMs: 1_000 };
      await expect(withCert.pay(upstreamPaymentRequest(1000), call)).resolves.toMatchObject({ kind: 'successful' });
      await expect(without.pay(upstreamPaymentRequest(1000), call)).resolves.toMatchObject({
        kind: 'unknown',
        reason: expect.stringMatching(/^connection error/),
      });
    } finally {
      await Promise.all([withCert.close(), without.close(), double.close()]);
    }
  });
});
