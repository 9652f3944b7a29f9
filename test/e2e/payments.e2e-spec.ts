import type { Response } from 'supertest';
import { expectErrorDetail } from '../factories/error-detail.matcher';
import { OTHER_RETAILER, RETAILER, WALLET } from '../factories/hub-config.factory';
import { aPaymentRequest, aScanNotification, Overrides } from '../factories/messages.factory';
import type { PaymentRequestDto } from '@app/common/dto/payment-request.dto';
import { Database } from '@app/persistence/database';
import { PaymentWrites } from '@app/lifecycle/payment-writes.repository';
import { QrCodesRepository } from '@app/qr-codes/qr-codes.repository';
import { ScansRepository } from '@app/scans/scans.repository';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { FakeClock } from '../utils/fake-clock';
import { createQr, Post, poster, waitFor } from '../utils/flows';
import { HubStore, settledWithin } from '../utils/lifecycle-db';
import { partnerCalls, PartnerServer, startPartnerServer } from '../utils/partner-server';

/**
 * docs/protocol.md §5 — `pay`: the hub holds the retailer's request until the partner's
 * scan, then sends its own PaymentRequest upstream. Real HTTPS both ways: the
 * retailer and the partner talk to a real hub, and `wallet-a` is a real HTTPS
 * partner server answering by the sandbox amount rules (README "Sandbox partner").
 */

const zar = (amount: number) => ({ amount, currency: '710' });
/** How long the real-time hub holds a payment for its scan. */
const SCAN_WAIT_MS = 1000;
/** How long the real-time hub waits for the partner. */
const PARTNER_TIMEOUT_MS = 1000;
/** The partner server's "approve slowly" (cents 92) delay: later than PARTNER_TIMEOUT_MS. */
const LATE_MS = 1500;

describe('pay (docs/protocol.md §5)', () => {
  let partner: PartnerServer;
  let hub: TestApp;
  let store: HubStore;
  let post: Post;

  beforeAll(async () => {
    partner = await startPartnerServer({ lateMs: LATE_MS, hangMs: 5000 });
    hub = await createTestApp({
      walletBaseUrl: partner.baseUrl,
      walletCaFile: partner.caFile,
      scanWaitMs: SCAN_WAIT_MS,
      partnerTimeoutMs: PARTNER_TIMEOUT_MS,
      initialDelayMs: 50,
      maxDelayMs: 200,
    });
    store = new HubStore(hub);
    post = poster(hub.baseUrl);
  });
  afterAll(async () => {
    await hub?.close();
    await partner?.close();
  });

  /** A PaymentRequest for `amount` cents (ZAR) against `tranId`. */
  function aPay(tranId: string, amount: number, overrides: Overrides<PaymentRequestDto> = {}): PaymentRequestDto {
    return aPaymentRequest(tranId, { amounts: { requestAmount: zar(amount) }, ...overrides });
  }

  /** Sends `pay` (held by the hub); the answer is caught here so an early failure is not unhandled. */
  function send(body: PaymentRequestDto, auth = RETAILER): Promise<Response> {
    const answer = post('/qr/v1/payments', body, auth);
    answer.catch(() => undefined);
    return answer;
  }

  /** Pays `body` with a scan by wallet-a once the hub holds it; resolves with both answers. */
  async function payScanned(body: PaymentRequestDto) {
    const answer = send(body);
    await store.untilPaymentState(body.id, 'WAITING_SCAN');
    const scanBody = aScanNotification(body.tranId, WALLET.id);
    const scan = await post('/qr/v1/scans', scanBody, WALLET);
    return { scan, scanBody, answer: await answer };
  }

  const upstreamPayments = (tranId: string) => partnerCalls(partner, '/payments').filter((m) => m.tranId === tranId);
  const upstreamReversals = (requestId: string) =>
    partnerCalls(partner, '/payments/reversals').filter((m) => m.requestId === requestId);

  it("waits for the scan, then answers 201 PaymentResponse; the partner gets the hub's own PaymentRequest", async () => {
    const tranId = await createQr(post, 2000);
    const body = aPay(tranId, 2000);
    const answer = send(body);
    await store.untilPaymentState(body.id, 'WAITING_SCAN');
    // Held: nothing answered, nothing sent upstream before the scan.
    expect(await settledWithin(answer, 100)).toBe('pending');
    expect(upstreamPayments(tranId)).toHaveLength(0);

    const scanBody = aScanNotification(tranId, WALLET.id);
    const scan = await post('/qr/v1/scans', scanBody, WALLET);
    expect(scan.status).toBe(202);
    const res = await answer;

    expect(res.status).toBe(201);
    expect(res.body.id).toBe(body.id);
    expect(res.body.tranId).toBe(tranId);
    expect(res.body.partner).toEqual({ id: WALLET.id, name: scanBody.partner.name });
    expect(res.body.amounts.requestAmount).toEqual(zar(2000));
    expect(res.body.amounts.approvedAmount).toEqual(zar(2000));
    expect(Array.isArray(res.body.tenders)).toBe(true);
    expect(res.body.tenders).toHaveLength(1);
    expect(res.body.tenders[0]).toMatchObject({ tenderType: 'WALLET', amount: zar(2000) });
    expect(res.body.thirdPartyIdentifiers).toEqual(expect.arrayContaining(body.thirdPartyIdentifiers));

    const sent = upstreamPayments(tranId);
    expect(sent).toHaveLength(1);
    const upstream = sent[0];
    const received = partner.received.find((m) => m.body === upstream)!;
    expect(received.auth).toBe('qr-hub');
    expect(typeof upstream.id).toBe('string');
    expect(upstream.id).not.toBe(body.id);
    expect(upstream.client).toEqual(expect.objectContaining({ id: 'qr-hub' }));
    expect(upstream.tranId).toBe(tranId);
    expect(upstream.partner).toEqual(expect.objectContaining({ id: WALLET.id }));
    expect(upstream.partnerPaymentToken).toBe(scanBody.partnerPaymentToken);
    expect(upstream.amounts).toEqual({ requestAmount: zar(2000) });
    expect(upstream.thirdPartyIdentifiers).toEqual([
      ...body.thirdPartyIdentifiers,
      { institutionId: 'qr-hub', transactionIdentifier: body.id },
    ]);
    const row = await store.payment(body.id);
    expect(row).toMatchObject({
      state: 'APPROVED',
      upstreamId: upstream.id,
      partnerId: WALLET.id,
      approvedAmount: 2000,
    });
  });

  it('reused payment id → 400 DUPLICATE_RECORD', async () => {
    const tranId = await createQr(post, 2100, { singleUse: false });
    const body = aPay(tranId, 2100);
    expect((await payScanned(body)).answer.status).toBe(201);
    const otherTran = await createQr(post, 2100);
    const again = await send({ ...aPay(otherTran, 2100), id: body.id });
    const error = expectErrorDetail(again, 400, 'DUPLICATE_RECORD');
    expect(error.id).toBe(body.id);
    expect(upstreamPayments(otherTran)).toHaveLength(0);
  });

  it('reused payment id while the first payment still waits for its scan → 400 DUPLICATE_RECORD', async () => {
    const tranId = await createQr(post, 2200);
    const body = aPay(tranId, 2200);
    const first = send(body);
    await store.untilPaymentState(body.id, 'WAITING_SCAN');
    const otherTran = await createQr(post, 2200);
    expectErrorDetail(await send({ ...aPay(otherTran, 2200), id: body.id }), 400, 'DUPLICATE_RECORD');
    // The first payment is untouched: its scan still releases it.
    expect((await post('/qr/v1/scans', aScanNotification(tranId, WALLET.id), WALLET)).status).toBe(202);
    expect((await first).status).toBe(201);
  });

  it('unknown tranId → 400 INVALID_TRAN_ID', async () => {
    const tranId = 'a'.repeat(32);
    const res = await send(aPay(tranId, 1000));
    const error = expectErrorDetail(res, 400, 'INVALID_TRAN_ID');
    expect(error.tranId).toBe(tranId);
  });

  it("another retailer's tranId → 400 INVALID_TRAN_ID (answered like an unknown one)", async () => {
    const tranId = await createQr(post, 1000);
    const body = aPay(tranId, 1000, {
      client: { id: OTHER_RETAILER.id, name: 'Other Retailer' },
      originator: { institution: { id: OTHER_RETAILER.id, name: 'Other Retailer' } },
    });
    const res = await send(body, OTHER_RETAILER);
    const error = expectErrorDetail(res, 400, 'INVALID_TRAN_ID');
    const unknown = expectErrorDetail(await send(aPay('b'.repeat(32), 1000)), 400, 'INVALID_TRAN_ID');
    expect(error.errorMessage).toBe(unknown.errorMessage);
    expect(await store.payment(body.id)).toBeNull();
  });

  it('single-use QR code already paid → 400 INVALID_TRAN_ID', async () => {
    const tranId = await createQr(post, 2300, { singleUse: true });
    expect((await payScanned(aPay(tranId, 2300))).answer.status).toBe(201);
    const second = aPay(tranId, 2300);
    expectErrorDetail(await send(second), 400, 'INVALID_TRAN_ID');
    expect(await store.payment(second.id)).toBeNull();
    expect(upstreamPayments(tranId)).toHaveLength(1);
  });

  it('a QR code that is not single-use may be paid again: the second payment is released by its own scan', async () => {
    const tranId = await createQr(post, 2400, { singleUse: false });
    expect((await payScanned(aPay(tranId, 2400))).answer.status).toBe(201);
    const second = aPay(tranId, 2400);
    const { scan, answer } = await payScanned(second);
    expect({ scan: scan.status, scanError: scan.body?.errorType }).toEqual({ scan: 202, scanError: undefined });
    expect(answer.status).toBe(201);
    expect(answer.body.id).toBe(second.id);
    expect(upstreamPayments(tranId)).toHaveLength(2);
  });

  describe('amount against the QR code value (docs/protocol.md §5.2)', () => {
    it('above the value without overPaymentAllowed → 400 INVALID_AMOUNT', async () => {
      const tranId = await createQr(post, 1000, { overPaymentAllowed: false });
      const body = aPay(tranId, 1100);
      const error = expectErrorDetail(await send(body), 400, 'INVALID_AMOUNT');
      expect(error.tranId).toBe(tranId);
      expect(await store.payment(body.id)).toBeNull();
    });

    it('above the value with overPaymentAllowed → paid', async () => {
      const tranId = await createQr(post, 1000, { overPaymentAllowed: true });
      const { answer } = await payScanned(aPay(tranId, 1100));
      expect(answer.status).toBe(201);
      expect(answer.body.amounts.approvedAmount).toEqual(zar(1100));
    });

    it('below the value without partPaymentAllowed → 400 INVALID_AMOUNT', async () => {
      const tranId = await createQr(post, 1000, { partPaymentAllowed: false });
      const body = aPay(tranId, 900);
      expectErrorDetail(await send(body), 400, 'INVALID_AMOUNT');
      expect(await store.payment(body.id)).toBeNull();
    });

    it('below the value with partPaymentAllowed → paid', async () => {
      const tranId = await createQr(post, 1000, { partPaymentAllowed: true });
      const { answer } = await payScanned(aPay(tranId, 900));
      expect(answer.status).toBe(201);
      expect(answer.body.amounts.approvedAmount).toEqual(zar(900));
    });

    it('currency differs from the QR code → 400 INVALID_AMOUNT', async () => {
      const tranId = await createQr(post, 1000, { overPaymentAllowed: true, partPaymentAllowed: true });
      const body = aPay(tranId, 1000, { amounts: { requestAmount: { amount: 1000, currency: '840' } } });
      expectErrorDetail(await send(body), 400, 'INVALID_AMOUNT');
      expect(await store.payment(body.id)).toBeNull();
    });
  });

  it('no scan within scanWaitMs → 400 NO_SCAN_RECEIVED, and nothing was sent upstream', async () => {
    const tranId = await createQr(post, 2500);
    const body = aPay(tranId, 2500);
    const started = Date.now();
    const res = await send(body);
    const elapsed = Date.now() - started;
    const error = expectErrorDetail(res, 400, 'NO_SCAN_RECEIVED');
    expect(error.tranId).toBe(tranId);
    expect(elapsed).toBeGreaterThanOrEqual(SCAN_WAIT_MS - 50);
    expect(upstreamPayments(tranId)).toHaveLength(0);
    const row = await store.payment(body.id);
    expect(row?.state).toBe('NO_SCAN');
    expect(await store.outbox(body.id)).toHaveLength(0);
  });

  it('partner named and configured in the pay request → routed to it directly, without a scan', async () => {
    const tranId = await createQr(post, 2600);
    const body = aPay(tranId, 2600, { partner: { id: WALLET.id, name: 'Wallet A' } });
    const started = Date.now();
    const res = await send(body);
    expect(res.status).toBe(201);
    expect(Date.now() - started).toBeLessThan(SCAN_WAIT_MS);
    expect(res.body.id).toBe(body.id);
    expect(res.body.partner.id).toBe(WALLET.id);
    const sent = upstreamPayments(tranId);
    expect(sent).toHaveLength(1);
    expect(sent[0].id).not.toBe(body.id);
    expect(sent[0].client).toEqual(expect.objectContaining({ id: 'qr-hub' }));
    expect(await store.scansByTranId(tranId)).toHaveLength(0);
  });

  it('partner named but not configured → the payment waits for the scan as usual', async () => {
    const tranId = await createQr(post, 2650);
    const body = aPay(tranId, 2650, { partner: { id: 'no-such-wallet', name: 'Nobody' } });
    const answer = send(body);
    await store.untilPaymentState(body.id, 'WAITING_SCAN');
    expect(upstreamPayments(tranId)).toHaveLength(0);
    expect((await post('/qr/v1/scans', aScanNotification(tranId, WALLET.id), WALLET)).status).toBe(202);
    const res = await answer;
    expect(res.status).toBe(201);
    expect(res.body.partner.id).toBe(WALLET.id);
  });

  it('partner declines (cents 51) → 400 INSUFFICIENT_FUNDS with its provider code', async () => {
    const tranId = await createQr(post, 1051);
    const body = aPay(tranId, 1051);
    const { scan, answer } = await payScanned(body);
    expect(scan.status).toBe(202);
    const error = expectErrorDetail(answer, 400, 'INSUFFICIENT_FUNDS');
    expect(error.providerErrorCode).toBe('51');
    expect(error.tranId).toBe(tranId);
    expect((await store.payment(body.id))?.state).toBe('DECLINED');
    // A decline is final: nothing to reverse.
    expect(await store.outbox(body.id)).toHaveLength(0);
  });

  it('partner declines (cents 57) → 400 DECLINED_BY_PARTNER with its provider code', async () => {
    const tranId = await createQr(post, 1057);
    const { answer } = await payScanned(aPay(tranId, 1057));
    const error = expectErrorDetail(answer, 400, 'DECLINED_BY_PARTNER');
    expect(error.providerErrorCode).toBe('57');
  });

  it('partner outcome unknown (cents 96 → 500) → 503 UPSTREAM_UNAVAILABLE and a timeout reversal reaches the partner', async () => {
    const tranId = await createQr(post, 1096);
    const body = aPay(tranId, 1096);
    const { answer } = await payScanned(body);
    const error = expectErrorDetail(answer, 503, 'UPSTREAM_UNAVAILABLE');
    expect(error.tranId).toBe(tranId);
    const upstream = upstreamPayments(tranId)[0];
    const reversal = await waitFor('the timeout reversal', () => upstreamReversals(upstream.id as string)[0]);
    expect(reversal.reversalReason).toBe('TIMEOUT');
    expect(reversal.requestId).toBe(upstream.id);
    expect(reversal.id).not.toBe(upstream.id);
    expect(reversal.tranId).toBe(tranId);
    const row = await store.payment(body.id);
    // What the console says of it: why the outcome is unknown, when, and how long the partner took.
    expect(row).toMatchObject({
      state: 'UNKNOWN',
      unknownReason: 'PARTNER_ERROR',
      terminalId: body.originator.terminalId,
    });
    expect(row?.partnerMs).toEqual(expect.any(Number));
    expect(row?.answeredAt).toBeGreaterThanOrEqual(row!.scannedAt!);
    expect(row?.settledAt).toBe(row?.answeredAt);
    await store.untilOutbox(body.id, 'REVERSAL', 'DELIVERED');
  });

  it('partner timeout (cents 91, no answer within partnerTimeoutMs) → 503 UPSTREAM_UNAVAILABLE and a timeout reversal', async () => {
    const tranId = await createQr(post, 1091);
    const body = aPay(tranId, 1091);
    const answer = send(body);
    await store.untilPaymentState(body.id, 'WAITING_SCAN');
    expect((await post('/qr/v1/scans', aScanNotification(tranId, WALLET.id), WALLET)).status).toBe(202);
    const scannedAt = Date.now();
    const res = await answer;
    expectErrorDetail(res, 503, 'UPSTREAM_UNAVAILABLE');
    expect(Date.now() - scannedAt).toBeGreaterThanOrEqual(PARTNER_TIMEOUT_MS - 50);
    const row = await store.payment(body.id);
    expect(row?.unknownReason).toBe('PARTNER_TIMEOUT');
    expect(row?.partnerMs).toBeGreaterThanOrEqual(PARTNER_TIMEOUT_MS - 50);
    const upstream = upstreamPayments(tranId)[0];
    const reversal = await waitFor('the timeout reversal', () => upstreamReversals(upstream.id as string)[0]);
    expect(reversal.reversalReason).toBe('TIMEOUT');
  });

  it('partner down (connection error) → 503 UPSTREAM_UNAVAILABLE; the reversal is queued and delivered once it is back', async () => {
    const tranId = await createQr(post, 2700);
    const body = aPay(tranId, 2700);
    partner.setMode('down');
    try {
      const { answer } = await payScanned(body);
      expectErrorDetail(answer, 503, 'UPSTREAM_UNAVAILABLE');
      const row = await store.payment(body.id);
      expect(row).toMatchObject({ state: 'UNKNOWN', unknownReason: 'PARTNER_UNREACHABLE' });
      const upstreamId = row!.upstreamId!;
      // Still down: the reversal is kept and retried, not dropped.
      const queued = await waitFor('two failed reversal attempts', async () => {
        const [entry] = await store.outbox(body.id, 'REVERSAL');
        return entry && entry.attempts >= 2 ? entry : undefined;
      });
      expect(queued.status).toBe('PENDING');
      expect(upstreamReversals(upstreamId)).toHaveLength(0);
      partner.setMode('normal');
      const reversal = await waitFor(
        'the reversal after the partner came back',
        () => upstreamReversals(upstreamId)[0],
      );
      expect(reversal.reversalReason).toBe('TIMEOUT');
      // The partner never saw the payment: its 404 to the reversal counts as done (docs/protocol.md §7).
      const delivered = await store.untilOutbox(body.id, 'REVERSAL', 'DELIVERED');
      const attempts = await store.attempts(delivered.id);
      expect(attempts[attempts.length - 1]).toMatchObject({ outcome: 'successful', httpStatus: 404 });
      expect(attempts.slice(0, -1).every((a) => a.outcome === 'unknown')).toBe(true);
    } finally {
      partner.setMode('normal');
    }
  });

  it('late partner answer (cents 92 after partnerTimeoutMs) → 503, then recorded against the payment and audited, changing nothing', async () => {
    const tranId = await createQr(post, 1092);
    const body = aPay(tranId, 1092);
    const { answer } = await payScanned(body);
    expectErrorDetail(answer, 503, 'UPSTREAM_UNAVAILABLE');
    const upstream = upstreamPayments(tranId)[0];
    await waitFor('the timeout reversal', () => upstreamReversals(upstream.id as string)[0]);

    const late = await waitFor('the late answer to be recorded', async () => {
      const row = await store.payment(body.id);
      return row?.lateResponse ? row : undefined;
    });
    expect(late.lateResponse).toEqual(expect.objectContaining({ status: 201 }));
    expect((late.lateResponse as { body: { id?: string } }).body.id).toBe(upstream.id);
    const audit = await waitFor('the LATE audit row', async () => {
      const rows = await store.audit({ direction: 'LATE', messageId: upstream.id as string });
      return rows.length > 0 ? rows : undefined;
    });
    expect(audit).toHaveLength(1);
    expect(audit[0].tranId).toBe(tranId);
    expect(audit[0].httpStatus).toBe(201);

    // Nothing else changed: still unknown (reversed), no approval, one reversal, delivered; no confirmation.
    expect(late).toMatchObject({ state: 'UNKNOWN', settlement: 'NONE', approvedAmount: null });
    const entries = await store.outbox(body.id);
    expect(entries.map((e) => [e.kind, e.status])).toEqual([['REVERSAL', 'DELIVERED']]);
    expect(upstreamReversals(upstream.id as string)).toHaveLength(1);
  });

  describe('storage fails after the partner answered (docs/protocol.md §5.5, §10): the hub answers 503 and reverses', () => {
    // The partner server and the database are real; only the moment of the
    // failure is chosen here, by making one storage call reject.
    const storageDown = () => Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
    afterEach(() => jest.restoreAllMocks());

    it('the approval cannot be recorded → 503 UPSTREAM_UNAVAILABLE, and a TIMEOUT reversal reaches the partner once storage is back', async () => {
      const tranId = await createQr(post, 2810);
      const body = aPay(tranId, 2810);
      const payments = hub.app.get(PaymentWrites);
      const qrCodes = hub.app.get(QrCodesRepository);
      const transition = payments.moveReadingReversal.bind(payments);
      const lock = qrCodes.lock.bind(qrCodes);
      let lockFailures = 0;
      // The approval's write fails, and so does the first attempt to store the reversal.
      jest.spyOn(payments, 'moveReadingReversal').mockImplementation((tx, id, where, changes) => {
        if (id !== body.id) return transition(tx, id, where, changes);
        lockFailures = 1;
        return Promise.reject(storageDown());
      });
      jest.spyOn(qrCodes, 'lock').mockImplementation((em, code) => {
        if (code !== tranId || lockFailures === 0) return lock(em, code);
        lockFailures--;
        return Promise.reject(storageDown());
      });
      const { answer } = await payScanned(body);
      const error = expectErrorDetail(answer, 503, 'UPSTREAM_UNAVAILABLE');
      expect(error.tranId).toBe(tranId);
      const upstream = upstreamPayments(tranId)[0];
      expect(upstream).toBeDefined();
      const reversal = await waitFor('the timeout reversal', () => upstreamReversals(upstream.id as string)[0]);
      expect(reversal.reversalReason).toBe('TIMEOUT');
      expect(lockFailures).toBe(0);
      expect((await store.payment(body.id))?.state).toBe('UNKNOWN');
      expect((await store.outbox(body.id)).map((e) => e.kind)).toEqual(['REVERSAL']);
    });

    it('storage fails before the payment goes upstream → 503, nothing sent, and the payment no longer holds its QR code', async () => {
      const tranId = await createQr(post, 2830);
      const body = aPay(tranId, 2830, { partner: { id: WALLET.id, name: 'Wallet A' } });
      const scans = hub.app.get(ScansRepository);
      const forPayment = scans.forPayment.bind(scans);
      jest
        .spyOn(scans, 'forPayment')
        .mockImplementation((id, ...rest) =>
          id === body.id ? Promise.reject(storageDown()) : forPayment(id, ...rest),
        );
      expectErrorDetail(await send(body), 503, 'UPSTREAM_UNAVAILABLE');
      expect(upstreamPayments(tranId)).toHaveLength(0);
      await waitFor('the payment closed', async () =>
        (await store.payment(body.id))?.state === 'UNKNOWN' ? true : undefined,
      );
      expect((await store.outbox(body.id)).map((e) => e.kind)).toEqual(['REVERSAL']);
      // The code is free again: the retailer may try once more.
      jest.restoreAllMocks();
      expect((await send(aPay(tranId, 2830, { partner: { id: WALLET.id, name: 'Wallet A' } }))).status).toBe(201);
    });

    it('the approval commits but the write is reported as failed → 503, and the approved payment is reversed', async () => {
      const tranId = await createQr(post, 2820);
      const body = aPay(tranId, 2820);
      const db = hub.app.get(Database);
      const payments = hub.app.get(PaymentWrites);
      const transaction = db.transaction.bind(db);
      const transition = payments.moveReadingReversal.bind(payments);
      let failAfterCommit = false;
      jest.spyOn(payments, 'moveReadingReversal').mockImplementation((tx, id, where, changes) => {
        if (id === body.id) failAfterCommit = true;
        return transition(tx, id, where, changes);
      });
      jest.spyOn(db, 'transaction').mockImplementation(async (work) => {
        const result = await transaction(work);
        if (!failAfterCommit) return result;
        failAfterCommit = false;
        throw storageDown();
      });
      const { answer } = await payScanned(body);
      expectErrorDetail(answer, 503, 'UPSTREAM_UNAVAILABLE');
      const upstream = upstreamPayments(tranId)[0];
      const reversal = await waitFor('the reversal', () => upstreamReversals(upstream.id as string)[0]);
      expect(reversal.reversalReason).toBe('TIMEOUT');
      expect(await store.payment(body.id)).toMatchObject({ state: 'APPROVED', settlement: 'REVERSED' });
    });
  });

  it('second pay for a QR code whose payment still waits → 400 INVALID_TRAN_ID', async () => {
    const tranId = await createQr(post, 2800, { singleUse: false });
    const first = aPay(tranId, 2800);
    const firstAnswer = send(first);
    await store.untilPaymentState(first.id, 'WAITING_SCAN');
    const second = aPay(tranId, 2800);
    const error = expectErrorDetail(await send(second), 400, 'INVALID_TRAN_ID');
    expect(error.tranId).toBe(tranId);
    expect(await store.payment(second.id)).toBeNull();
    // The first is still the one the scan releases.
    expect((await post('/qr/v1/scans', aScanNotification(tranId, WALLET.id), WALLET)).status).toBe(202);
    const res = await firstAnswer;
    expect(res.status).toBe(201);
    expect(res.body.id).toBe(first.id);
  });

  describe('with a fake clock (default scanWaitMs 30 000)', () => {
    let clock: FakeClock;
    let slowHub: TestApp;
    let slowStore: HubStore;
    let slowPost: Post;

    beforeAll(async () => {
      clock = new FakeClock();
      slowHub = await createTestApp({ clock, walletBaseUrl: partner.baseUrl, walletCaFile: partner.caFile });
      slowStore = new HubStore(slowHub);
      slowPost = poster(slowHub.baseUrl);
    });
    afterAll(() => slowHub?.close());

    function sendSlow(body: PaymentRequestDto): Promise<Response> {
      const answer = slowPost('/qr/v1/payments', body, RETAILER);
      answer.catch(() => undefined);
      return answer;
    }

    it('no scan: still waiting after 29 999 ms, 400 NO_SCAN_RECEIVED at 30 000 ms', async () => {
      expect(slowHub.config.hub.timeouts.scanWaitMs).toBe(30_000);
      const tranId = await createQr(slowPost, 2900);
      const body = aPay(tranId, 2900);
      const answer = sendSlow(body);
      await slowStore.untilPaymentState(body.id, 'WAITING_SCAN');

      clock.advance(29_999);
      expect(await settledWithin(answer, 300)).toBe('pending');
      expect((await slowStore.payment(body.id))?.state).toBe('WAITING_SCAN');

      clock.advance(1);
      const res = await answer;
      expectErrorDetail(res, 400, 'NO_SCAN_RECEIVED');
      expect((await slowStore.payment(body.id))?.state).toBe('NO_SCAN');
      expect(upstreamPayments(tranId)).toHaveLength(0);
    });

    it('expired QR code → 400 INVALID_TRAN_ID', async () => {
      const expiryDate = new Date(clock.now() + 1000).toISOString();
      const tranId = await createQr(slowPost, 3000, { expiryDate });
      clock.advance(1000);
      const body = aPay(tranId, 3000);
      const error = expectErrorDetail(await sendSlow(body), 400, 'INVALID_TRAN_ID');
      expect(error.tranId).toBe(tranId);
      expect(await slowStore.payment(body.id)).toBeNull();
    });

    it('50 payments waiting at once are each released by their own scan (all 201)', async () => {
      const amounts = Array.from({ length: 50 }, (_, i) => 5000 + i * 100);
      const tranIds = await Promise.all(amounts.map((a) => createQr(slowPost, a)));
      const bodies = tranIds.map((t, i) => aPay(t, amounts[i]));
      const answers = bodies.map((b) => sendSlow(b));
      const ids = bodies.map((b) => b.id);
      await waitFor('all 50 payments to wait for their scans', async () =>
        (await slowStore.countPayments(ids, 'WAITING_SCAN')) === 50 ? true : undefined,
      );
      // Every one is held: nothing answered yet.
      expect(await settledWithin(Promise.race(answers), 100)).toBe('pending');

      const scans = tranIds.map((t) => aScanNotification(t, WALLET.id));
      const scanned = await Promise.all(scans.map((s) => slowPost('/qr/v1/scans', s, WALLET)));
      expect(scanned.map((r) => r.status)).toEqual(Array(50).fill(202));

      const results = await Promise.all(answers);
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
      results.forEach((r, i) => {
        expect(r.body.id).toBe(bodies[i].id);
        expect(r.body.tranId).toBe(tranIds[i]);
        expect(r.body.amounts.approvedAmount).toEqual(zar(amounts[i]));
        const upstream = upstreamPayments(tranIds[i]);
        expect(upstream).toHaveLength(1);
        expect(upstream[0].partnerPaymentToken).toBe(scans[i].partnerPaymentToken);
      });
    });
  });
});
