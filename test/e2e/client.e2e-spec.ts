import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Advice } from '@app/advices/advice.entity';
import { Payment } from '@app/lifecycle/payment.entity';
import { LateAnswerEvent, PayOutcome, QrHubClient, QrHubClientOptions, silentLogger } from '@qr-hub/client';
import { RETAILER } from '../factories/hub-config.factory';
import { aCreateQrCodeRequest, aPaymentRequest } from '../factories/messages.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { poster, scanWhenWaiting, waitFor } from '../utils/flows';
import { partnerCalls, PartnerServer, startPartnerServer } from '../utils/partner-server';
import { testTls } from '../utils/test-tls';

/** The partner answers `..92` this late; the POS gives up on `pay` sooner. */
const PARTNER_LATE_MS = 1_200;
const POS_SHORT_TIMEOUT_MS = 600;

/** A sale for `amount` cents: the QR code request and the payment for it, without ids (the client makes them). */
function sale(amount: number) {
  const zar = { amount, currency: '710' };
  const {
    id: _qrId,
    time: _qrTime,
    ...qr
  } = aCreateQrCodeRequest({
    amounts: { requestAmount: zar },
    qrProperties: { value: zar },
  });
  const pay = (tranId: string) => {
    const { id: _id, time: _time, ...request } = aPaymentRequest(tranId, { amounts: { requestAmount: zar } });
    return request;
  };
  return { qr, pay };
}

/**
 * The retailer client library against the real hub (HTTPS, Basic auth, its
 * real database) and a real partner server following the sandbox rules: the
 * protocol's client duties as a POS sees them.
 */
describe('retailer client library against the hub', () => {
  let partner: PartnerServer;
  let hub: TestApp;
  let dir: string;
  const clients: QrHubClient[] = [];

  const client = (options: Partial<QrHubClientOptions> = {}): QrHubClient => {
    const c = new QrHubClient({
      hubUrl: hub.baseUrl,
      username: RETAILER.id,
      password: RETAILER.password,
      ca: testTls().cert,
      timeoutMs: 10_000,
      queueFile: join(dir, `pos-${clients.length}.sqlite`),
      retry: { initialDelayMs: 50, maxDelayMs: 200, pollMs: 100 },
      logger: silentLogger,
      ...options,
    });
    clients.push(c);
    return c;
  };
  const scan = (tranId: string) => scanWhenWaiting(poster(hub.baseUrl), tranId);
  const db = () => hub.app.get(DataSource);
  /** What the partner was sent for the hub's upstream payment of `tranId`. */
  const upstreamId = (tranId: string) =>
    waitFor('the upstream payment', () => partnerCalls(partner, '/payments').find((m) => m.tranId === tranId)?.id);

  /** Creates the QR code and pays it; the wallet scans unless told not to. */
  async function sell(c: QrHubClient, amount: number, scanned = true): Promise<{ tranId: string; paid: PayOutcome }> {
    const { qr, pay } = sale(amount);
    const code = await c.createQrCode(qr);
    const scanning = scanned ? scan(code.tranId) : undefined;
    const paid = await c.pay(pay(code.tranId));
    await scanning;
    return { tranId: code.tranId, paid };
  }

  beforeAll(async () => {
    partner = await startPartnerServer({ lateMs: PARTNER_LATE_MS });
    hub = await createTestApp({
      walletBaseUrl: partner.baseUrl,
      walletCaFile: partner.caFile,
      scanWaitMs: 5_000,
      partnerTimeoutMs: 2_500,
      initialDelayMs: 50,
      maxDelayMs: 200,
    });
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qr-pos-e2e-'));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    rmSync(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await hub.close();
    await partner.close();
  });

  it('happy path: QR code, pay held until the scan, approved; the confirmation reaches the partner', async () => {
    const pos = client();
    const { tranId, paid } = await sell(pos, 1250);
    expect(paid).toMatchObject({
      outcome: 'approved',
      response: { tranId, partner: { id: 'wallet-a' }, amounts: { approvedAmount: { amount: 1250 } } },
    });
    if (paid.outcome !== 'approved') return;
    expect(paid.response.id).toBe(paid.requestId);

    const confirmation = await pos.confirm(paid.response);
    await expect(pos.waitForAdvice(confirmation.id)).resolves.toMatchObject({ status: 'done', lastStatus: 202 });
    const upstream = await upstreamId(tranId);
    await waitFor('the upstream confirmation', () =>
      partnerCalls(partner, '/payments/confirmations').find((m) => m.requestId === upstream),
    );
    expect(pos.pendingAdvices()).toEqual([]);
  });

  it("decline: the partner's INSUFFICIENT_FUNDS is a declined outcome, and nothing is queued", async () => {
    const pos = client();
    const { paid } = await sell(pos, 1051);
    expect(paid).toMatchObject({
      outcome: 'declined',
      status: 400,
      error: { errorType: 'INSUFFICIENT_FUNDS', providerErrorCode: '51' },
    });
    expect(pos.pendingAdvices()).toEqual([]);
  });

  it('unknown (the partner hangs, the POS times out first): a TIMEOUT reversal is queued and delivered', async () => {
    const late: LateAnswerEvent[] = [];
    const pos = client({ timeoutMs: POS_SHORT_TIMEOUT_MS, onLateAnswer: (a) => late.push(a) });
    const started = Date.now();
    const { tranId, paid } = await sell(pos, 1091);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(paid).toMatchObject({ outcome: 'unknown', reason: 'timeout', reversalQueued: true });
    if (paid.outcome !== 'unknown') return;
    expect(paid.reversal.body).toMatchObject({ requestId: paid.requestId, reversalReason: 'TIMEOUT', tranId });

    // The hub took the reversal while the payment was in flight upstream (docs/protocol.md §7) …
    await expect(pos.waitForAdvice(paid.reversal.id)).resolves.toMatchObject({ status: 'done', lastStatus: 202 });
    const stored = await db().getRepository(Advice).findOneBy({ id: paid.reversal.id });
    expect(stored).toMatchObject({ kind: 'REVERSAL', requestId: paid.requestId, answerStatus: 202 });
    await waitFor('the payment to be marked for reversal', async () => {
      const payment = await db().getRepository(Payment).findOneBy({ id: paid.requestId });
      return payment?.reversalRequested === true || payment?.state === 'UNKNOWN';
    });
    // … and its own 503 to the held pay, after its partner timeout, is a late answer that changes nothing.
    await waitFor('the late answer', () => late[0], 10_000);
    expect(late[0]).toMatchObject({ operation: 'pay', messageId: paid.requestId, status: 503, outcome: 'failed' });
    expect(paid.outcome).toBe('unknown');
    const upstream = await upstreamId(tranId);
    await waitFor('one upstream reversal', () =>
      partnerCalls(partner, '/payments/reversals').find((m) => m.requestId === upstream),
    );
    expect(partnerCalls(partner, '/payments/reversals').filter((m) => m.requestId === upstream)).toHaveLength(1);
  });

  it('unknown while waiting for the scan: the reversal closes the payment, so a later scan is declined', async () => {
    const pos = client({ timeoutMs: POS_SHORT_TIMEOUT_MS });
    const { tranId, paid } = await sell(pos, 1000, false);
    expect(paid).toMatchObject({ outcome: 'unknown', reason: 'timeout' });
    if (paid.outcome !== 'unknown') return;
    await expect(pos.waitForAdvice(paid.reversal.id)).resolves.toMatchObject({ status: 'done', lastStatus: 202 });
    await expect(db().getRepository(Payment).findOneBy({ id: paid.requestId })).resolves.toMatchObject({
      state: 'CLOSED',
    });
    const lateScan = await scan(tranId);
    expect(lateScan.status).toBe(400);
    expect(partnerCalls(partner, '/payments').filter((m) => m.tranId === tranId)).toEqual([]);
  });

  it('late answer: an approval after the timeout is logged and ignored; the payment is reversed', async () => {
    const late: LateAnswerEvent[] = [];
    const warnings: string[] = [];
    const pos = client({
      timeoutMs: POS_SHORT_TIMEOUT_MS,
      onLateAnswer: (a) => late.push(a),
      logger: { ...silentLogger, warn: (m) => warnings.push(m) },
    });
    const { tranId, paid } = await sell(pos, 1092);
    expect(paid).toMatchObject({ outcome: 'unknown', reason: 'timeout' });
    if (paid.outcome !== 'unknown') return;

    await waitFor('the late approval', () => late[0], 10_000);
    expect(late[0]).toMatchObject({ operation: 'pay', status: 201, outcome: 'successful' });
    expect(late[0].body).toMatchObject({ id: paid.requestId, amounts: { approvedAmount: { amount: 1092 } } });
    expect(warnings).toContainEqual(expect.stringMatching(/^late answer to pay .*: 201 \(successful\); ignored$/));
    // Nothing changed: the outcome stays unknown, the reversal stands, and the hub reverses the approval upstream.
    expect(paid.outcome).toBe('unknown');
    await expect(pos.waitForAdvice(paid.reversal.id)).resolves.toMatchObject({ status: 'done' });
    const upstream = await upstreamId(tranId);
    await waitFor('the upstream reversal of the approval', () =>
      partnerCalls(partner, '/payments/reversals').find((m) => m.requestId === upstream),
    );
    expect(partnerCalls(partner, '/payments/confirmations').filter((m) => m.requestId === upstream)).toEqual([]);
  });
});
