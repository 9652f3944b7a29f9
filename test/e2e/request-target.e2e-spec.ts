import { DataSource } from 'typeorm';
import { MAX_REQUEST_TARGET } from '@app/common/http/request-target';
import { RETAILER } from '../factories/hub-config.factory';
import { aCreateQrCodeRequest } from '../factories/messages.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';

/**
 * A request-target (path and query) longer than MAX_REQUEST_TARGET characters
 * is answered 414 FORMAT_ERROR before authentication, before the body is read
 * and before any pattern looks at the path. A path of 16,000 slashes once cost
 * about a second of the event loop in a backtracking trailing-slash trim.
 */
describe('request-target length limit', () => {
  let hub: TestApp;

  beforeAll(async () => {
    hub = await createTestApp();
  });
  afterAll(() => hub.close());

  const auditRows = async (): Promise<number> => {
    const [{ n }] = await hub.app.get(DataSource).query('SELECT COUNT(*) AS n FROM audit_messages');
    return Number(n);
  };

  function expectTooLong(res: { status: number; body: Record<string, unknown> }): void {
    expect(res.status).toBe(414);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      errorType: 'FORMAT_ERROR',
      errorMessage: 'Request target too long',
    });
  }

  it('a path of 16,000 slashes without credentials → 414 FORMAT_ERROR, and the hub keeps serving', async () => {
    const before = await auditRows();
    expectTooLong(await hub.raw().get(`${'/'.repeat(16_000)}x`));
    expectTooLong(
      await hub
        .raw()
        .post(`/qr/v1/payments${'/'.repeat(16_000)}`)
        .send({}),
    );
    expect(await auditRows()).toBe(before);
    expect((await hub.raw().get('/health/live')).status).toBe(200);
  });

  it(`a target of ${MAX_REQUEST_TARGET} characters is served, one more is 414 (before authentication)`, async () => {
    const padded = (path: string, length: number) => `${path}?pad=${'a'.repeat(length - path.length - 5)}`;
    expect(padded('/health/live', MAX_REQUEST_TARGET)).toHaveLength(MAX_REQUEST_TARGET);
    expect((await hub.raw().get(padded('/health/live', MAX_REQUEST_TARGET))).status).toBe(200);
    expectTooLong(await hub.raw().get(padded('/health/live', MAX_REQUEST_TARGET + 1)));

    const atLimit = await hub.post(padded('/qr/v1/qrCodes', MAX_REQUEST_TARGET), aCreateQrCodeRequest(), RETAILER);
    expect(atLimit.status).toBe(201);
    // No credentials: the length is refused first, the body is never read.
    expectTooLong(await hub.post(padded('/qr/v1/qrCodes', MAX_REQUEST_TARGET + 1), aCreateQrCodeRequest()));
  });
});
