import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { expectErrorDetail } from '../factories/error-detail.matcher';
import { OTHER_RETAILER, RETAILER, WALLET } from '../factories/hub-config.factory';
import {
  aPaymentConfirmation,
  aPaymentRequest,
  aPaymentReversal,
  aScanNotification,
  Overrides,
} from '../factories/messages.factory';
import type { PaymentConfirmationDto } from '@app/common/dto/payment-confirmation.dto';
import type { PaymentReversalDto } from '@app/common/dto/payment-reversal.dto';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { Credentials, createQr, Post, poster, waitFor } from '../utils/flows';
import { HubStore } from '../utils/lifecycle-db';
import { partnerCalls, PartnerServer, startPartnerServer } from '../utils/partner-server';

/**
 * docs/protocol.md §7 — `confirmPayment` / `reversePayment`: stored before 202, then
 * forwarded (store-and-forward) to the partner that handled the payment,
 * rewritten to reference the hub's own upstream request. `wallet-a` is a real
 * HTTPS partner server answering by the sandbox amount rules (cents 97:
 * advices fail twice then succeed; 98: advices refused).
 */

const zar = (amount: number) => ({ amount, currency: '710' });
const CONFIRMATIONS = '/payments/confirmations';
const REVERSALS = '/payments/reversals';

interface Paid {
  /** The retailer's PaymentRequest id. */
  id: string;
  tranId: string;
  /** The hub's own PaymentRequest id upstream. */
  upstreamId: string;
  status: number;
  answer: Response;
}

describe('advices: confirmPayment and reversePayment (docs/protocol.md §7)', () => {
  let partner: PartnerServer;
  let hub: TestApp;
  let store: HubStore;
  let post: Post;

  beforeAll(async () => {
    partner = await startPartnerServer();
    hub = await createTestApp({
      walletBaseUrl: partner.baseUrl,
      walletCaFile: partner.caFile,
      scanWaitMs: 1500,
      partnerTimeoutMs: 2000,
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

  /** A payment of `amount` cents through wallet-a (pay, then scan); resolves with the retailer's answer. */
  async function pay(amount: number): Promise<Paid> {
    const tranId = await createQr(post, amount);
    const body = aPaymentRequest(tranId, { amounts: { requestAmount: zar(amount) } });
    const answer = post('/qr/v1/payments', body, RETAILER);
    answer.catch(() => undefined);
    await store.untilPaymentState(body.id, 'WAITING_SCAN');
    expect((await post('/qr/v1/scans', aScanNotification(tranId, WALLET.id), WALLET)).status).toBe(202);
    const res = await answer;
    const upstream = partnerCalls(partner, '/payments').find((m) => m.tranId === tranId);
    return { id: body.id, tranId, upstreamId: upstream?.id as string, status: res.status, answer: res };
  }

  async function approved(amount: number): Promise<Paid> {
    const paid = await pay(amount);
    expect(paid.status).toBe(201);
    return paid;
  }

  /** A payment of `amount` cents held by the hub, waiting for its scan. */
  async function waiting(amount: number) {
    const tranId = await createQr(post, amount);
    const body = aPaymentRequest(tranId, { amounts: { requestAmount: zar(amount) } });
    const answer = post('/qr/v1/payments', body, RETAILER);
    answer.catch(() => undefined);
    await store.untilPaymentState(body.id, 'WAITING_SCAN');
    return { tranId, body, answer };
  }

  /**
   * A payment of `amount` cents (cents 92: the partner answers after 300 ms)
   * that the partner has received and not yet answered.
   */
  async function inFlight(amount: number) {
    const { tranId, body, answer } = await waiting(amount);
    expect((await post('/qr/v1/scans', aScanNotification(tranId, WALLET.id), WALLET)).status).toBe(202);
    const sent = await waitFor('the payment at the partner', () =>
      partnerCalls(partner, '/payments').find((m) => m.tranId === tranId),
    );
    return { tranId, body, answer, sent };
  }

  const confirm = (body: PaymentConfirmationDto, auth: Credentials = RETAILER) =>
    post('/qr/v1/payments/confirmations', body, auth);
  const reverse = (body: PaymentReversalDto, auth: Credentials = RETAILER) =>
    post('/qr/v1/payments/reversals', body, auth);
  const anAdvice = (
    kind: 'confirmation' | 'reversal',
    requestId: string,
    overrides: Overrides<PaymentReversalDto> = {},
  ) => (kind === 'confirmation' ? aPaymentConfirmation(requestId, overrides) : aPaymentReversal(requestId, overrides));
  const send = (kind: 'confirmation' | 'reversal', body: PaymentConfirmationDto | PaymentReversalDto) =>
    kind === 'confirmation' ? confirm(body) : reverse(body as PaymentReversalDto);

  /** What the partner received on `path` for the hub's upstream request `upstreamId`. */
  const upstream = (path: string, upstreamId: string) =>
    partnerCalls(partner, path).filter((m) => m.requestId === upstreamId);

  /**
   * Lets the advice forwarder run: a fresh confirmation is queued behind
   * anything already due and waited for at the partner. After it, an advice
   * that was going to be sent has been.
   */
  async function drainForwarder(): Promise<void> {
    const sentinel = await approved(1000);
    expect((await confirm(aPaymentConfirmation(sentinel.id))).status).toBe(202);
    await waitFor('the sentinel confirmation', () => upstream(CONFIRMATIONS, sentinel.upstreamId)[0]);
  }

  it("confirmation is stored before 202, then delivered to the partner rewritten to the hub's upstream request", async () => {
    const paid = await approved(4000);
    const advice = aPaymentConfirmation(paid.id, { tranId: paid.tranId, stan: '123456' });
    const res = await confirm(advice);
    expect(res.status).toBe(202);
    expect(res.body).toEqual(advice);
    // Durable by the time 202 arrives: the advice and its outbox entry.
    const stored = await store.advice(advice.id);
    expect(stored).toMatchObject({
      kind: 'CONFIRMATION',
      requestId: paid.id,
      paymentId: paid.id,
      clientId: RETAILER.id,
    });
    const entry = await store.outboxBySource(advice.id);
    expect(entry).toMatchObject({ paymentId: paid.id, kind: 'CONFIRMATION', partnerId: WALLET.id });

    const [sent] = await waitFor('the confirmation at the partner', () => {
      const got = upstream(CONFIRMATIONS, paid.upstreamId);
      return got.length > 0 ? got : undefined;
    });
    expect(sent.requestId).toBe(paid.upstreamId);
    expect(sent.requestId).not.toBe(paid.id);
    expect(sent.id).toBe(entry!.id);
    expect(sent.id).not.toBe(advice.id);
    expect(sent.tranId).toBe(paid.tranId);
    expect(sent.stan).toBe('123456');
    expect(await store.untilOutbox(paid.id, 'CONFIRMATION', 'DELIVERED')).toMatchObject({ attempts: 1 });
    expect((await store.payment(paid.id))?.settlement).toBe('CONFIRMED');
  });

  it('reversal is stored before 202, then delivered rewritten, with its reversalReason kept', async () => {
    const paid = await approved(4100);
    const advice = aPaymentReversal(paid.id, { reversalReason: 'RESPONSE_NOT_FINAL' });
    const res = await reverse(advice);
    expect(res.status).toBe(202);
    expect(res.body).toEqual(advice);
    expect(await store.advice(advice.id)).toMatchObject({ kind: 'REVERSAL', requestId: paid.id, paymentId: paid.id });
    const entry = await store.outboxBySource(advice.id);
    expect(entry).toMatchObject({ paymentId: paid.id, kind: 'REVERSAL' });

    const sent = await waitFor('the reversal at the partner', () => upstream(REVERSALS, paid.upstreamId)[0]);
    expect(sent.id).toBe(entry!.id);
    expect(sent.id).not.toBe(advice.id);
    expect(sent.reversalReason).toBe('RESPONSE_NOT_FINAL');
    expect(sent.tranId).toBe(paid.tranId);
    await store.untilOutbox(paid.id, 'REVERSAL', 'DELIVERED');
    expect((await store.payment(paid.id))?.settlement).toBe('REVERSED');
  });

  describe.each(['confirmation', 'reversal'] as const)('idempotency of a %s', (kind) => {
    const path = kind === 'confirmation' ? CONFIRMATIONS : REVERSALS;
    const outboxKind = kind === 'confirmation' ? 'CONFIRMATION' : 'REVERSAL';

    it('the same advice again (same id and content, new time) → 202 again and only ONE upstream advice', async () => {
      const paid = await approved(kind === 'confirmation' ? 4200 : 4300);
      const advice = anAdvice(kind, paid.id, { time: '2026-01-01T10:00:00.000Z' });
      expect((await send(kind, advice)).status).toBe(202);
      await waitFor('the first delivery', () => upstream(path, paid.upstreamId)[0]);

      const repeat = { ...advice, time: '2026-01-01T10:00:07.000Z' };
      const again = await send(kind, repeat);
      expect(again.status).toBe(202);
      expect(again.body.id).toBe(advice.id);
      expect(await store.outbox(paid.id, outboxKind)).toHaveLength(1);
      await drainForwarder();
      expect(upstream(path, paid.upstreamId)).toHaveLength(1);
    });

    it('the same id with other content → 400 DUPLICATE_RECORD', async () => {
      const paid = await approved(kind === 'confirmation' ? 4400 : 4500);
      const advice = anAdvice(kind, paid.id);
      expect((await send(kind, advice)).status).toBe(202);
      const changed = await send(kind, { ...advice, stan: '999999' });
      const error = expectErrorDetail(changed, 400, 'DUPLICATE_RECORD');
      expect(error.id).toBe(advice.id);
      expect(error.originalId).toBe(paid.id);
      expect(await store.outbox(paid.id)).toHaveLength(1);
    });
  });

  it('second confirmation (new id) of an already confirmed payment → 202 and no new upstream advice', async () => {
    const paid = await approved(4600);
    expect((await confirm(aPaymentConfirmation(paid.id))).status).toBe(202);
    await waitFor('the first confirmation', () => upstream(CONFIRMATIONS, paid.upstreamId)[0]);
    const second = aPaymentConfirmation(paid.id);
    const res = await confirm(second);
    expect(res.status).toBe(202);
    expect(res.body.id).toBe(second.id);
    expect(await store.outbox(paid.id)).toHaveLength(1);
    await drainForwarder();
    expect(upstream(CONFIRMATIONS, paid.upstreamId)).toHaveLength(1);
  });

  it('the same confirmation sent twice at once → 202 both times and only ONE upstream advice', async () => {
    const paid = await approved(4650);
    const advice = aPaymentConfirmation(paid.id);
    const answers = await Promise.all([confirm(advice), confirm(advice)]);
    expect(answers.map((r) => r.status)).toEqual([202, 202]);
    expect(await store.outbox(paid.id)).toHaveLength(1);
    await drainForwarder();
    expect(upstream(CONFIRMATIONS, paid.upstreamId)).toHaveLength(1);
  });

  it('two confirmations (new ids) of one payment at once → 202 both times, only ONE upstream advice', async () => {
    for (let i = 0; i < 3; i++) {
      const paid = await approved(4660 + i * 100);
      const answers = await Promise.all([
        confirm(aPaymentConfirmation(paid.id)),
        confirm(aPaymentConfirmation(paid.id)),
      ]);
      const outcomes = answers.map((r) => `${r.status} ${r.body?.errorType ?? ''}`);
      expect({ outcomes, queued: (await store.outbox(paid.id)).length }).toEqual({
        outcomes: ['202 ', '202 '],
        queued: 1,
      });
    }
  });

  it('a confirmation and a reversal of one payment at once → one 202, the other 400 ACCOUNT_ALREADY_SETTLED; one upstream advice', async () => {
    for (let i = 0; i < 3; i++) {
      const paid = await approved(4670 + i * 100);
      const [c, r] = await Promise.all([confirm(aPaymentConfirmation(paid.id)), reverse(aPaymentReversal(paid.id))]);
      const outcomes = [c, r].map((x) => `${x.status} ${x.body?.errorType ?? ''}`).sort();
      const entries = await store.outbox(paid.id);
      // Both answers and what was queued upstream, so a failure shows the whole picture.
      expect({ outcomes, queued: entries.length }).toEqual({
        outcomes: ['202 ', '400 ACCOUNT_ALREADY_SETTLED'],
        queued: 1,
      });
      const settlement = (await store.payment(paid.id))?.settlement;
      expect(settlement).toBe(entries[0].kind === 'CONFIRMATION' ? 'CONFIRMED' : 'REVERSED');
    }
  });

  it('reversal of a payment still waiting for its scan → 202: the payment is closed and nothing goes upstream', async () => {
    const { tranId, body, answer } = await waiting(4680);
    expect((await reverse(aPaymentReversal(body.id))).status).toBe(202);
    // docs/decisions.md: closed at once; the held pay is answered, a later scan declined.
    expectErrorDetail(await answer, 400, 'NO_SCAN_RECEIVED');
    expect((await store.payment(body.id))?.state).toBe('CLOSED');
    const scan = await post('/qr/v1/scans', aScanNotification(tranId, WALLET.id), WALLET);
    expectErrorDetail(scan, 400, 'UNABLE_TO_LOCATE_RECORD');
    expect(partnerCalls(partner, '/payments').filter((m) => m.tranId === tranId)).toHaveLength(0);
    expect(await store.outbox(body.id)).toHaveLength(0);
  });

  it('unknown requestId: confirmation → 404 UNABLE_TO_LOCATE_RECORD with originalId', async () => {
    const requestId = randomUUID();
    const advice = aPaymentConfirmation(requestId);
    const error = expectErrorDetail(await confirm(advice), 404, 'UNABLE_TO_LOCATE_RECORD');
    expect(error.originalId).toBe(requestId);
    expect(error.id).toBe(advice.id);
  });

  it('unknown requestId: reversal → 404 UNABLE_TO_LOCATE_RECORD, and a later pay with that id → 400 ACCOUNT_ALREADY_SETTLED', async () => {
    const requestId = randomUUID();
    const error = expectErrorDetail(await reverse(aPaymentReversal(requestId)), 404, 'UNABLE_TO_LOCATE_RECORD');
    expect(error.originalId).toBe(requestId);

    const tranId = await createQr(post, 4700);
    const late = aPaymentRequest(tranId, { id: requestId, amounts: { requestAmount: zar(4700) } });
    const res = await post('/qr/v1/payments', late, RETAILER);
    expectErrorDetail(res, 400, 'ACCOUNT_ALREADY_SETTLED');
    expect(await store.payment(requestId)).toBeNull();
    expect(partnerCalls(partner, '/payments').filter((m) => m.tranId === tranId)).toHaveLength(0);
  });

  it("another retailer's payment → answered as if it did not exist (404)", async () => {
    const paid = await approved(4800);
    const c = expectErrorDetail(
      await confirm(aPaymentConfirmation(paid.id), OTHER_RETAILER),
      404,
      'UNABLE_TO_LOCATE_RECORD',
    );
    expect(c.originalId).toBe(paid.id);
    const r = expectErrorDetail(
      await reverse(aPaymentReversal(paid.id), OTHER_RETAILER),
      404,
      'UNABLE_TO_LOCATE_RECORD',
    );
    expect(r.originalId).toBe(paid.id);
    expect(await store.outbox(paid.id)).toHaveLength(0);
    expect((await store.payment(paid.id))?.settlement).toBe('NONE');
    // Its owner still can.
    expect((await confirm(aPaymentConfirmation(paid.id))).status).toBe(202);
  });

  it("another retailer reusing an advice id → 400 DUPLICATE_RECORD that names nothing of the first retailer's payment", async () => {
    const paid = await approved(4810);
    const advice = aPaymentConfirmation(paid.id);
    expect((await confirm(advice)).status).toBe(202);
    const theirs = aPaymentConfirmation(randomUUID(), { id: advice.id });
    const error = expectErrorDetail(await confirm(theirs, OTHER_RETAILER), 400, 'DUPLICATE_RECORD');
    expect(error.originalId).not.toBe(paid.id);
    expect(JSON.stringify(error)).not.toContain(paid.id);
    expect(JSON.stringify(error)).not.toContain(paid.tranId);
  });

  it('confirmation after reversal → 400 ACCOUNT_ALREADY_SETTLED', async () => {
    const paid = await approved(4900);
    expect((await reverse(aPaymentReversal(paid.id))).status).toBe(202);
    const error = expectErrorDetail(await confirm(aPaymentConfirmation(paid.id)), 400, 'ACCOUNT_ALREADY_SETTLED');
    expect(error.originalId).toBe(paid.id);
    expect((await store.outbox(paid.id)).map((e) => e.kind)).toEqual(['REVERSAL']);
  });

  it('reversal after confirmation → 400 ACCOUNT_ALREADY_SETTLED', async () => {
    const paid = await approved(5000);
    expect((await confirm(aPaymentConfirmation(paid.id))).status).toBe(202);
    const error = expectErrorDetail(await reverse(aPaymentReversal(paid.id)), 400, 'ACCOUNT_ALREADY_SETTLED');
    expect(error.originalId).toBe(paid.id);
    expect((await store.outbox(paid.id)).map((e) => e.kind)).toEqual(['CONFIRMATION']);
  });

  it('reversal of a declined payment → 202 and no upstream call', async () => {
    const declined = await pay(5051);
    expectErrorDetail(declined.answer, 400, 'INSUFFICIENT_FUNDS');
    const res = await reverse(aPaymentReversal(declined.id));
    expect(res.status).toBe(202);
    expect(await store.outbox(declined.id)).toHaveLength(0);
    await drainForwarder();
    expect(upstream(REVERSALS, declined.upstreamId)).toHaveLength(0);
  });

  it('confirmation of a declined payment → 400', async () => {
    const declined = await pay(5151);
    expectErrorDetail(declined.answer, 400, 'INSUFFICIENT_FUNDS');
    // docs/decisions.md: TRANSACTION_NOT_SUPPORTED, "Payment was not approved".
    const error = expectErrorDetail(await confirm(aPaymentConfirmation(declined.id)), 400, 'TRANSACTION_NOT_SUPPORTED');
    expect(error.originalId).toBe(declined.id);
    expect(await store.outbox(declined.id)).toHaveLength(0);
  });

  it('retailer reversal of a payment the hub already timeout-reversed → 202 and no second upstream reversal', async () => {
    const unknown = await pay(5296);
    expectErrorDetail(unknown.answer, 503, 'UPSTREAM_UNAVAILABLE');
    const timeoutReversal = await waitFor('the timeout reversal', () => upstream(REVERSALS, unknown.upstreamId)[0]);
    expect(timeoutReversal.reversalReason).toBe('TIMEOUT');

    const res = await reverse(aPaymentReversal(unknown.id));
    expect(res.status).toBe(202);
    expect(await store.outbox(unknown.id, 'REVERSAL')).toHaveLength(1);
    await drainForwarder();
    expect(upstream(REVERSALS, unknown.upstreamId)).toHaveLength(1);
  });

  it('confirmation of a payment the hub already timeout-reversed → 400 ACCOUNT_ALREADY_SETTLED', async () => {
    const unknown = await pay(5396);
    expectErrorDetail(unknown.answer, 503, 'UPSTREAM_UNAVAILABLE');
    // docs/decisions.md: the hub reversed it itself.
    expectErrorDetail(await confirm(aPaymentConfirmation(unknown.id)), 400, 'ACCOUNT_ALREADY_SETTLED');
    expect((await store.outbox(unknown.id)).map((e) => e.kind)).toEqual(['REVERSAL']);
  });

  it('reversal while the payment is in flight upstream → 202, and once the partner approves the approval is reversed upstream', async () => {
    // The partner has the payment and answers only after 300 ms (cents 92).
    const { body, answer, sent } = await inFlight(5492);
    const reversal = aPaymentReversal(body.id, { reversalReason: 'TIMEOUT' });
    const res = await reverse(reversal);
    expect(res.status).toBe(202);
    const during = await store.payment(body.id);
    expect(during).toMatchObject({ state: 'SENDING', reversalRequested: true });
    expect(upstream(REVERSALS, sent.id as string)).toHaveLength(0);

    await answer;
    const reversed = await waitFor('the approval reversed upstream', () => upstream(REVERSALS, sent.id as string)[0]);
    expect(reversed.requestId).toBe(sent.id);
    // The retailer's reason goes upstream, and the queued reversal is its advice's.
    expect(reversed.reversalReason).toBe('TIMEOUT');
    expect((await store.outbox(body.id, 'REVERSAL'))[0]?.sourceAdviceId).toBe(reversal.id);
    await store.untilOutbox(body.id, 'REVERSAL', 'DELIVERED');
    expect(await store.payment(body.id)).toMatchObject({ state: 'APPROVED', settlement: 'REVERSED' });
    // Applied once: a confirmation now is refused, and the reversal is not sent twice.
    expectErrorDetail(await confirm(aPaymentConfirmation(body.id)), 400, 'ACCOUNT_ALREADY_SETTLED');
    await drainForwarder();
    expect(upstream(REVERSALS, sent.id as string)).toHaveLength(1);
  });

  it('confirmation after a reversal accepted while the payment was in flight → 400 ACCOUNT_ALREADY_SETTLED, also before the partner answers', async () => {
    const { body, answer } = await inFlight(5392);
    expect((await reverse(aPaymentReversal(body.id))).status).toBe(202);
    const early = expectErrorDetail(await confirm(aPaymentConfirmation(body.id)), 400, 'ACCOUNT_ALREADY_SETTLED');
    expect(early.originalId).toBe(body.id);
    await answer;
    expectErrorDetail(await confirm(aPaymentConfirmation(body.id)), 400, 'ACCOUNT_ALREADY_SETTLED');
    expect((await store.outbox(body.id)).map((e) => e.kind)).toEqual(['REVERSAL']);
  });

  it('reversal of a payment in flight with approvedAmount above the amount asked for → 400 INVALID_AMOUNT, and the payment goes on', async () => {
    const { body, answer } = await inFlight(5592);
    const tooMuch = aPaymentReversal(body.id, { amounts: { approvedAmount: zar(5593) } });
    expect((await store.payment(body.id))?.state).toBe('SENDING');
    const error = expectErrorDetail(await reverse(tooMuch), 400, 'INVALID_AMOUNT');
    expect(error.originalId).toBe(body.id);
    expect((await answer).status).toBe(201);
    expect(await store.payment(body.id)).toMatchObject({
      state: 'APPROVED',
      settlement: 'NONE',
      reversalRequested: false,
    });
  });

  it("confirmation of a payment closed by the retailer's reversal while it waited for its scan → 400 ACCOUNT_ALREADY_SETTLED", async () => {
    const { body, answer } = await waiting(4690);
    expect((await reverse(aPaymentReversal(body.id))).status).toBe(202);
    expectErrorDetail(await answer, 400, 'NO_SCAN_RECEIVED');
    expectErrorDetail(await confirm(aPaymentConfirmation(body.id)), 400, 'ACCOUNT_ALREADY_SETTLED');
    expect(await store.outbox(body.id)).toHaveLength(0);
  });

  it('a PaymentRequest reusing the id of a payment that was since reversed → 400 DUPLICATE_RECORD (docs/protocol.md §5.1)', async () => {
    const paid = await approved(4910);
    expect((await reverse(aPaymentReversal(paid.id))).status).toBe(202);
    const tranId = await createQr(post, 4910);
    const again = aPaymentRequest(tranId, { id: paid.id, amounts: { requestAmount: zar(4910) } });
    const error = expectErrorDetail(await post('/qr/v1/payments', again, RETAILER), 400, 'DUPLICATE_RECORD');
    expect(error.id).toBe(paid.id);
    expect(partnerCalls(partner, '/payments').filter((m) => m.tranId === tranId)).toHaveLength(0);
  });

  describe.each(['confirmation', 'reversal'] as const)('amounts in a %s', (kind) => {
    it('approvedAmount above the approved amount → 400 INVALID_AMOUNT', async () => {
      const paid = await approved(kind === 'confirmation' ? 5500 : 5600);
      const approvedAmount = paid.answer.body.amounts.approvedAmount.amount as number;
      const advice = anAdvice(kind, paid.id, { amounts: { approvedAmount: zar(approvedAmount + 1) } });
      const error = expectErrorDetail(await send(kind, advice), 400, 'INVALID_AMOUNT');
      expect(error.originalId).toBe(paid.id);
      expect(await store.outbox(paid.id)).toHaveLength(0);
      expect(await store.advice(advice.id)).toBeNull();
    });
  });

  it('partial confirmation (approvedAmount below the approved amount) → 202 and forwarded with that amount', async () => {
    const paid = await approved(5700);
    const advice = aPaymentConfirmation(paid.id, { amounts: { approvedAmount: zar(5000) } });
    expect((await confirm(advice)).status).toBe(202);
    const sent = await waitFor('the partial confirmation', () => upstream(CONFIRMATIONS, paid.upstreamId)[0]);
    expect(sent.amounts).toEqual({ approvedAmount: zar(5000) });
  });

  it('store-and-forward retries: partner fails twice (cents 97) → it sees the confirmation three times, 3 attempts, DELIVERED', async () => {
    const paid = await approved(5897);
    const advice = aPaymentConfirmation(paid.id);
    expect((await confirm(advice)).status).toBe(202);
    const entry = await store.untilOutbox(paid.id, 'CONFIRMATION', 'DELIVERED');
    expect(entry.attempts).toBe(3);
    const seen = upstream(CONFIRMATIONS, paid.upstreamId);
    expect(seen).toHaveLength(3);
    // The same advice repeated, not three different ones.
    expect(new Set(seen.map((m) => m.id))).toEqual(new Set([entry.id]));
    const attempts = await store.attempts(entry.id);
    expect(attempts.map((a) => [a.outcome, a.httpStatus])).toEqual([
      ['unknown', 500],
      ['unknown', 500],
      ['successful', 202],
    ]);
  });

  it('failed final answer (cents 98 → 400) → outbox PARKED after ONE attempt, no more retries', async () => {
    const paid = await approved(5998);
    expect((await confirm(aPaymentConfirmation(paid.id))).status).toBe(202);
    const parked = await store.untilOutbox(paid.id, 'CONFIRMATION', 'PARKED');
    expect(parked.attempts).toBe(1);
    await drainForwarder();
    await drainForwarder();
    const [after] = await store.outbox(paid.id, 'CONFIRMATION');
    expect(after).toMatchObject({ status: 'PARKED', attempts: 1 });
    expect((await store.attempts(parked.id)).map((a) => [a.outcome, a.httpStatus])).toEqual([['failed', 400]]);
    expect(upstream(CONFIRMATIONS, paid.upstreamId)).toHaveLength(1);
  });

  it('advices survive the partner being down for a while: delivered once it is back', async () => {
    const paid = await approved(6000);
    partner.setMode('down');
    try {
      const advice = aPaymentConfirmation(paid.id);
      expect((await confirm(advice)).status).toBe(202);
      const entry = await waitFor('three failed attempts while the partner is down', async () => {
        const [e] = await store.outbox(paid.id, 'CONFIRMATION');
        return e && e.attempts >= 3 ? e : undefined;
      });
      expect(entry.status).toBe('PENDING');
      expect(upstream(CONFIRMATIONS, paid.upstreamId)).toHaveLength(0);
      partner.setMode('normal');
      await waitFor('the confirmation after the partner came back', () => upstream(CONFIRMATIONS, paid.upstreamId)[0]);
      const delivered = await store.untilOutbox(paid.id, 'CONFIRMATION', 'DELIVERED');
      expect(delivered.attempts).toBeGreaterThanOrEqual(4);
      expect(upstream(CONFIRMATIONS, paid.upstreamId)).toHaveLength(1);
    } finally {
      partner.setMode('normal');
    }
  });

  it('no advice was ever in flight to the partner twice at once (inFlightMax ≤ 1)', () => {
    expect(partnerCalls(partner, CONFIRMATIONS).length + partnerCalls(partner, REVERSALS).length).toBeGreaterThan(10);
    expect(partner.inFlightMax).toBeLessThanOrEqual(1);
  });
});
