import { aPaymentConfirmation, aScanNotification } from '../factories/messages.factory';
import { OPERATOR, RETAILER, SANDBOX } from '../factories/hub-config.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { createQr, payWithScan, poster, Post, startPay, waitFor } from '../utils/flows';
import { parseMetrics, Sample, valueOf } from '../utils/prometheus';

describe('metrics (docs/protocol.md §11): GET /metrics in the Prometheus text format', () => {
  let hub: TestApp;
  let post: Post;
  const scrape = async (): Promise<Sample[]> => {
    const res = await hub.raw().get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    return parseMetrics(res.text);
  };

  beforeAll(async () => {
    hub = await createTestApp({ initialDelayMs: 50, maxDelayMs: 200 });
    post = poster(hub.baseUrl);
  });
  afterAll(() => hub.close());

  it('needs no credentials by default and has process metrics and every configured partner', async () => {
    const samples = await scrape();
    expect(valueOf(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(valueOf(samples, 'qrhub_payments_waiting_for_scan')).toBe(0);
    expect(valueOf(samples, 'qrhub_outbox_pending', { partner: 'sandbox' })).toBe(0);
    expect(valueOf(samples, 'qrhub_outbox_parked', { partner: 'sandbox' })).toBe(0);
    expect(valueOf(samples, 'qrhub_outbox_oldest_pending_age_seconds', { partner: 'sandbox' })).toBe(0);
    // Late partner answers that disagree with the retailer's outcome (test/e2e/reconciliation.e2e-spec.ts).
    expect(valueOf(samples, 'qrhub_late_answers_disagreeing')).toBe(0);
  });

  it('counts requests by operation and status, and partner calls by partner and outcome', async () => {
    const approved = await payWithScan(post, await createQr(post, 10000), 10000, SANDBOX);
    expect(approved.answer.status).toBe(201);
    const declined = await payWithScan(post, await createQr(post, 10051), 10051, SANDBOX);
    expect(declined.answer.status).toBe(400);
    expect((await post('/qr/v1/qrCodes', {}, RETAILER)).status).toBe(400);

    const samples = await scrape();
    expect(valueOf(samples, 'qrhub_http_requests_total', { operation: 'createQrCode', status: '201' })).toBe(2);
    expect(valueOf(samples, 'qrhub_http_requests_total', { operation: 'createQrCode', status: '400' })).toBe(1);
    expect(valueOf(samples, 'qrhub_http_requests_total', { operation: 'pay', status: '201' })).toBe(1);
    expect(valueOf(samples, 'qrhub_http_requests_total', { operation: 'pay', status: '400' })).toBe(1);
    expect(valueOf(samples, 'qrhub_http_requests_total', { operation: 'notifyScan', status: '202' })).toBe(2);
    const payLatency = { operation: 'pay', status: '201' };
    expect(valueOf(samples, 'qrhub_http_request_duration_seconds_count', payLatency)).toBe(1);
    expect(valueOf(samples, 'qrhub_http_request_duration_seconds_bucket', { ...payLatency, le: '60' })).toBe(1);

    const sandboxPay = { partner: 'sandbox', call: 'pay' };
    expect(valueOf(samples, 'qrhub_partner_calls_total', { ...sandboxPay, outcome: 'successful' })).toBe(1);
    expect(valueOf(samples, 'qrhub_partner_calls_total', { ...sandboxPay, outcome: 'failed' })).toBe(1);
    expect(
      valueOf(samples, 'qrhub_partner_call_duration_seconds_count', { ...sandboxPay, outcome: 'successful' }),
    ).toBe(1);
  });

  it('shows payments waiting for their scan', async () => {
    const tranId = await createQr(post, 10000);
    const pay = startPay(post, tranId, 10000);
    await waitFor('a waiting payment', async () => valueOf(await scrape(), 'qrhub_payments_waiting_for_scan') === 1);
    expect((await post('/qr/v1/scans', aScanNotification(tranId, SANDBOX.id), SANDBOX)).status).toBe(202);
    expect((await pay.answer).status).toBe(201);
    expect(valueOf(await scrape(), 'qrhub_payments_waiting_for_scan')).toBe(0);
  });

  it('shows the outbox per partner: a refused advice is parked for an operator', async () => {
    // Sandbox cents 98: the payment is approved, every advice refused (400) → parked.
    const paid = await payWithScan(post, await createQr(post, 10098), 10098, SANDBOX);
    expect(paid.answer.status).toBe(201);
    expect((await post('/qr/v1/payments/confirmations', aPaymentConfirmation(paid.id), RETAILER)).status).toBe(202);

    await waitFor(
      'the parked advice',
      async () => valueOf(await scrape(), 'qrhub_outbox_parked', { partner: 'sandbox' }) === 1,
    );
    const samples = await scrape();
    expect(valueOf(samples, 'qrhub_outbox_pending', { partner: 'sandbox' })).toBe(0);
    expect(
      valueOf(samples, 'qrhub_partner_calls_total', { partner: 'sandbox', call: 'confirm', outcome: 'failed' }),
    ).toBe(1);
    expect(valueOf(samples, 'qrhub_http_requests_total', { operation: 'confirmPayment', status: '202' })).toBe(1);
  });
});

describe('operations endpoints behind the operator credential (OPS_AUTH=operator)', () => {
  let hub: TestApp;
  beforeAll(async () => {
    hub = await createTestApp({ env: { OPS_AUTH: 'operator' } });
  });
  afterAll(() => hub.close());

  const get = (path: string, auth?: { id: string; password: string }) => {
    const req = hub.raw().get(path);
    return auth ? req.auth(auth.id, auth.password) : req;
  };

  it.each(['/metrics', '/health/live', '/health/ready', '/docs', '/docs-json', '/METRICS', '/metrics/'])(
    '%s: 401 ErrorDetail without credentials, 403 for a retailer, open to the operator',
    async (path) => {
      const anonymous = await get(path).expect(401);
      expect(anonymous.headers['www-authenticate']).toBe('Basic realm="qr"');
      expect(anonymous.body).toMatchObject({ errorType: 'GENERAL_ERROR' });
      expect((await get(path, { id: OPERATOR.id, password: 'wrong' })).status).toBe(401);
      const retailer = await get(path, RETAILER).expect(403);
      expect(retailer.body).toMatchObject({ errorType: 'GENERAL_ERROR', errorMessage: 'Operator credential required' });
      expect((await get(path, OPERATOR)).status).not.toBe(401);
      expect((await get(path, OPERATOR)).status).not.toBe(403);
    },
  );

  it('serves the operator what it asked for', async () => {
    expect((await get('/metrics', OPERATOR).expect(200)).text).toContain('qrhub_http_requests_total');
    await get('/health/live', OPERATOR).expect(200);
    expect((await get('/docs-json', OPERATOR).expect(200)).body).toHaveProperty('openapi');
  });

  it('leaves the protocol as it was', async () => {
    await createQr(poster(hub.baseUrl), 10000);
  });
});
