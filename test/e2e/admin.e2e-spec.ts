import type { TimelineEvent } from '@app/admin/timeline';
import type { OutboxEntryView, OutboxOverview, TransactionView } from '@app/admin/admin-views';
import { expectErrorDetail } from '../factories/error-detail.matcher';
import { OPERATOR, RETAILER, SANDBOX } from '../factories/hub-config.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { waitFor } from '../utils/flows';
import { HubStore } from '../utils/lifecycle-db';
import { deliveredSale, getAs, parkedSale, postAs, Sale } from '../utils/operator-flows';

/**
 * docs/protocol.md §11 — the operator API behind the console: a transaction's timeline
 * found by any of its ids, the outbox per partner, and retrying or resolving
 * a parked advice, recorded in the audit trail with the operator's name.
 * Payments go through the in-process sandbox partner (cents 98: advices are
 * refused with 400 and parked).
 */

/** The happy path as the timeline must tell it, oldest first. */
const HAPPY_PATH: Array<[TimelineEvent['kind'], string, string]> = [
  ['QR_ISSUED', 'QR code issued', 'PAID'],
  ['PAYMENT_RECEIVED', 'Payment received', 'APPROVED / CONFIRMED'],
  ['SCAN', 'Scan accepted', 'ACCEPTED'],
  ['UPSTREAM_REQUEST', 'Sent to partner', 'SENT'],
  ['UPSTREAM_ANSWER', 'Partner approved', 'APPROVED'],
  ['RETAILER_ANSWER', 'Answered retailer', '201'],
  ['ADVICE_RECEIVED', 'Confirmation received', 'answered 202'],
  ['ADVICE_QUEUED', 'Confirmation queued', 'DELIVERED'],
  ['DELIVERY_ATTEMPT', 'Confirmation delivered', 'DELIVERED'],
];

describe('operator API (docs/protocol.md §11)', () => {
  let hub: TestApp;
  let store: HubStore;
  let sale: Sale;

  beforeAll(async () => {
    hub = await createTestApp({ initialDelayMs: 50, maxDelayMs: 200 });
    store = new HubStore(hub);
    sale = await deliveredSale(hub);
  });
  afterAll(async () => {
    await hub?.close();
  });

  const timeline = (q: string) => getAs(hub, `/admin/v1/transactions?q=${encodeURIComponent(q)}`);
  const outbox = async (): Promise<OutboxOverview> => (await getAs(hub, '/admin/v1/outbox').expect(200)).body;

  describe('access: the operator credentials only (roles operator and viewer; docs/protocol.md §3)', () => {
    const routes: Array<['GET' | 'POST', string]> = [
      ['GET', '/admin/v1/payments'],
      ['GET', '/admin/v1/transactions?q=x'],
      ['GET', '/admin/v1/transactions/x'],
      ['GET', '/admin/v1/outbox'],
      ['POST', '/admin/v1/outbox/x/retry'],
      ['POST', '/admin/v1/outbox/x/resolve'],
      ['GET', '/console'],
      ['GET', '/console/transactions/x'],
      ['GET', '/console/advices'],
      ['POST', '/console/outbox/x/retry'],
    ];

    it.each(routes)('%s %s without credentials → 401 with a Basic challenge', async (method, path) => {
      const res = await (method === 'GET' ? getAs(hub, path, null) : postAs(hub, path, null));
      expectErrorDetail(res, 401, 'GENERAL_ERROR');
      expect(res.headers['www-authenticate']).toBe('Basic realm="qr"');
    });

    it.each(routes)('%s %s as a retailer or a partner → 403', async (method, path) => {
      for (const who of [RETAILER, SANDBOX]) {
        const res = await (method === 'GET' ? getAs(hub, path, who) : postAs(hub, path, who));
        expectErrorDetail(res, 403, 'GENERAL_ERROR');
      }
    });

    it('a wrong operator password → 401', async () => {
      const res = await getAs(hub, '/admin/v1/outbox', { id: OPERATOR.id, password: 'wrong' });
      expectErrorDetail(res, 401, 'GENERAL_ERROR');
    });
  });

  describe('GET /admin/v1/transactions?q=: the whole timeline', () => {
    it('by tranId: every event of a full sale, in time order', async () => {
      const res = await timeline(sale.tranId).expect(200);
      const view = res.body as TransactionView;
      expect(view).toMatchObject({ tranId: sale.tranId, matchedBy: 'tranId' });
      expect(view.events.map((e) => [e.kind, e.title, e.status])).toEqual(HAPPY_PATH);
      const times = view.events.map((e) => Date.parse(e.time));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(view.payments).toEqual([
        expect.objectContaining({ id: sale.paymentId, state: 'APPROVED', settlement: 'CONFIRMED', amount: 1000 }),
      ]);
      expect(view.outbox).toEqual([
        expect.objectContaining({ kind: 'CONFIRMATION', status: 'DELIVERED', attempts: 1, partnerId: 'sandbox' }),
      ]);
      // No secret reaches the operator: the partner's token stays in the hub.
      expect(res.text).not.toMatch(/tok-/);
    });

    it('by every other id of the sale: the same timeline, saying what matched', async () => {
      const payment = await store.payment(sale.paymentId);
      const ids: Array<[string, string]> = [
        ['paymentId', sale.paymentId],
        ['qrRequestId', sale.qrRequestId],
        ['upstreamId', payment!.upstreamId!],
        ['scanId', sale.scanId],
        ['adviceId', sale.adviceId],
        ['outboxId', (await store.outbox(sale.paymentId))[0].id],
      ];
      const expected = (await timeline(sale.tranId).expect(200)).body.events as TimelineEvent[];
      for (const [matchedBy, id] of ids) {
        const view = (await timeline(id).expect(200)).body as TransactionView;
        expect({ matchedBy, tranId: view.tranId }).toEqual({ matchedBy: view.matchedBy, tranId: sale.tranId });
        expect(view.events).toEqual(expected);
      }
    });

    it('an id nothing has → 404 ErrorDetail; no or an overlong q → 400', async () => {
      expectErrorDetail(await timeline('0123456789abcdef0123456789abcdef'), 404, 'UNABLE_TO_LOCATE_RECORD');
      expectErrorDetail(await getAs(hub, '/admin/v1/transactions'), 400, 'FORMAT_ERROR');
      expectErrorDetail(await timeline('x'.repeat(65)), 400, 'FORMAT_ERROR');
    });
  });

  describe('parked advices: outbox, resolve, retry', () => {
    let toResolve: Awaited<ReturnType<typeof parkedSale>>;
    let toRetry: Awaited<ReturnType<typeof parkedSale>>;

    beforeAll(async () => {
      [toResolve, toRetry] = await Promise.all([parkedSale(hub), parkedSale(hub, 2098)]);
    });

    it('GET /admin/v1/outbox: figures per partner and the parked entries', async () => {
      const view = await outbox();
      expect(view.partners).toContainEqual({ partnerId: 'sandbox', pending: 0, parked: 2, oldestPendingMs: 0 });
      const parked = view.parked.find((e) => e.id === toResolve.outbox.id);
      expect(parked).toMatchObject({
        paymentId: toResolve.paymentId,
        tranId: toResolve.tranId,
        partnerId: 'sandbox',
        kind: 'CONFIRMATION',
        status: 'PARKED',
        attempts: 1,
      });
      expect(parked?.lastError).toMatch(/^400 GENERAL_ERROR/);
      expect(view.parked.map((e) => e.id).sort()).toEqual([toResolve.outbox.id, toRetry.outbox.id].sort());
    });

    it('resolve: PARKED → RESOLVED by the operator, audited; it cannot be resolved or retried again', async () => {
      const res = await postAs(hub, `/admin/v1/outbox/${toResolve.outbox.id}/resolve`).expect(200);
      expect(res.body as OutboxEntryView).toMatchObject({ status: 'RESOLVED', resolvedBy: OPERATOR.id, attempts: 1 });
      expect((await store.outbox(toResolve.paymentId))[0]).toMatchObject({ status: 'RESOLVED', resolvedBy: 'ops' });

      const audit = await store.audit({ direction: 'ADMIN', messageId: toResolve.outbox.id });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ operation: 'resolveAdvice', institutionId: 'ops', tranId: toResolve.tranId });
      expect(audit[0].requestBody).toMatchObject({
        operator: { id: 'ops', name: 'Operator' },
        previousStatus: 'PARKED',
      });

      for (const action of ['resolve', 'retry']) {
        const again = await postAs(hub, `/admin/v1/outbox/${toResolve.outbox.id}/${action}`);
        const body = expectErrorDetail(again, 400, 'TRANSACTION_NOT_SUPPORTED');
        expect(body.errorMessage).toBe('Advice is not parked');
      }
      const events = ((await timeline(toResolve.tranId).expect(200)).body as TransactionView).events;
      expect(events.at(-1)).toMatchObject({ kind: 'ADMIN_ACTION', title: 'Operator resolved advice' });
      expect(events.at(-1)?.detail).toContain('by Operator (ops)');
      expect((await outbox()).partners).toContainEqual(expect.objectContaining({ partnerId: 'sandbox', parked: 1 }));
    });

    it('retry: PARKED → PENDING (attempts kept), sent again at once; the sandbox refuses, so it parks again', async () => {
      const res = await postAs(hub, `/admin/v1/outbox/${toRetry.outbox.id}/retry`).expect(200);
      // The forwarder may already have tried again by the time the answer is written.
      expect(res.body as OutboxEntryView).toMatchObject({ status: 'PENDING', attempts: 1 });

      const again = await waitFor('the retried advice parked again', async () => {
        const [entry] = await store.outbox(toRetry.paymentId, 'CONFIRMATION');
        return entry.status === 'PARKED' && entry.attempts === 2 ? entry : undefined;
      });
      expect(again.resolvedBy).toBeNull();
      expect((await store.attempts(toRetry.outbox.id)).map((a) => [a.outcome, a.httpStatus])).toEqual([
        ['failed', 400],
        ['failed', 400],
      ]);
      const audit = await store.audit({ direction: 'ADMIN', messageId: toRetry.outbox.id });
      expect(audit).toEqual([
        expect.objectContaining({ operation: 'retryAdvice', institutionId: OPERATOR.id, outcome: 'PENDING' }),
      ]);
      expect(audit[0].requestBody).toMatchObject({ operator: { id: 'ops', name: 'Operator' }, attempts: 1 });

      const events = ((await timeline(toRetry.paymentId).expect(200)).body as TransactionView).events;
      expect(events.slice(-4).map((e) => e.title)).toEqual([
        'Confirmation queued',
        'Confirmation refused',
        'Operator retried advice',
        'Confirmation refused',
      ]);
    });

    it('an unknown advice id → 404 ErrorDetail', async () => {
      for (const action of ['retry', 'resolve']) {
        expectErrorDetail(await postAs(hub, `/admin/v1/outbox/nope/${action}`), 404, 'UNABLE_TO_LOCATE_RECORD');
      }
    });

    it('a cross-site request is refused (CSRF: the browser would attach the cached credentials)', async () => {
      const { outbox: entry } = await parkedSale(hub, 3098);
      const path = `/admin/v1/outbox/${entry.id}/retry`;
      expectErrorDetail(await postAs(hub, path).set('Origin', 'https://evil.example'), 403, 'GENERAL_ERROR');
      expectErrorDetail(await postAs(hub, path).set('Sec-Fetch-Site', 'cross-site'), 403, 'GENERAL_ERROR');
      expectErrorDetail(await postAs(hub, path).set('Sec-Fetch-Site', 'same-site'), 403, 'GENERAL_ERROR');
      expect((await store.outbox(entry.paymentId))[0]).toMatchObject({ status: 'PARKED', attempts: 1 });
      const host = new URL(hub.baseUrl).host;
      await postAs(hub, path).set('Origin', `https://${host}`).set('Sec-Fetch-Site', 'same-origin').expect(200);
    });
  });
});
