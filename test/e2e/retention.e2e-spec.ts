import { randomUUID } from 'node:crypto';
import { LessThan } from 'typeorm';
import { AuditMessage } from '@app/audit/audit-message.entity';
import { Database, managerOf } from '@app/persistence/database';
import { QrCode } from '@app/qr-codes/qr-code.entity';
import type { RetentionOverview } from '@app/retention/retention-stats';
import { RetentionPurge } from '@app/retention/retention-purge.service';
import { RETAILER, SANDBOX, WALLET } from '../factories/hub-config.factory';
import { aPaymentConfirmation, aPaymentReversal, aScanNotification } from '../factories/messages.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { FakeClock } from '../utils/fake-clock';
import { createQr, Post, poster, startPay, waitFor } from '../utils/flows';
import { HubStore } from '../utils/lifecycle-db';
import { PartnerServer, startPartnerServer } from '../utils/partner-server';
import { deliveredSale, getAs, parkedSale, postAs, Sale } from '../utils/operator-flows';

/*
 * The retention policy (README "Configuration", docs/decisions.md
 * "Retention"): with the defaults — payments 400 days, audit rows and unused
 * QR codes 90 — the purge deletes what is final and older, and nothing that
 * is younger or unfinished. Purge batches of 2 rows, so every kind takes
 * several batches and the walk passes rows it keeps.
 */

const DAY = 86_400_000;

describe('retention: old finished records are purged, young and unfinished ones kept', () => {
  const clock = new FakeClock();
  let partner: PartnerServer;
  let hub: TestApp;
  let store: HubStore;
  let post: Post;
  const t0 = clock.now();

  // Made at t0 (401 days old at the purge).
  let finished: Sale & { outboxId: string };
  let declined: { id: string; tranId: string };
  let parked: Sale & { outboxId: string };
  let pending: { tranId: string; paymentId: string; adviceId: string };
  let waiting: { id: string; tranId: string; answer: Promise<unknown> };
  let inFlight: { id: string; tranId: string; answer: Promise<unknown> };
  let unusedQr: string;
  let unknownReversalId: string;
  // Made at t0 + 300 days (101 days old): the payment is kept, its audit rows are not.
  let middle: Sale;
  // Made at the purge.
  let young: Sale;
  let youngQr: string;

  const db = () => hub.app.get(Database);
  const qrCode = (tranId: string) => db().run((tx) => managerOf(tx).findOneBy(QrCode, { tranId }));
  const auditOf = (tranId: string) => store.audit({ tranId });
  const purge = () => hub.app.get(RetentionPurge);

  beforeAll(async () => {
    partner = await startPartnerServer();
    hub = await createTestApp({
      clock,
      walletBaseUrl: partner.baseUrl,
      walletCaFile: partner.caFile,
      retention: { batchSize: 2, batchPauseMs: 0 },
    });
    store = new HubStore(hub);
    post = poster(hub.baseUrl);

    const f = await deliveredSale(hub, 1000);
    finished = { ...f, outboxId: f.outbox.id };
    const p = await parkedSale(hub, 1098);
    parked = { ...p, outboxId: p.outbox.id };
    // The partner behind wallet-a goes down after approving: its confirmation stays pending, retried.
    const pendingTranId = await createQr(post, 1700);
    const pendingPay = startPay(post, pendingTranId, 1700);
    await store.untilPaymentState(pendingPay.id, 'WAITING_SCAN');
    const pendingScan = aScanNotification(pendingTranId, WALLET.id);
    expect((await post('/qr/v1/scans', pendingScan, WALLET)).status).toBe(202);
    expect((await pendingPay.answer).status).toBe(201);
    partner.setMode('down');
    const pendingAdvice = aPaymentConfirmation(pendingPay.id);
    expect((await post('/qr/v1/payments/confirmations', pendingAdvice, RETAILER)).status).toBe(202);
    pending = { tranId: pendingTranId, paymentId: pendingPay.id, adviceId: pendingAdvice.id };
    await waitFor('the first failed delivery', async () => {
      const [row] = await store.outbox(pending.paymentId, 'CONFIRMATION');
      return row && row.attempts >= 1 && row.status === 'PENDING' ? row : undefined;
    });

    const declinedTranId = await createQr(post, 1051);
    const d = startPay(post, declinedTranId, 1051);
    await store.untilPaymentState(d.id, 'WAITING_SCAN');
    expect((await post('/qr/v1/scans', aScanNotification(declinedTranId, SANDBOX.id), SANDBOX)).status).toBe(202);
    expect((await d.answer).status).toBe(400);
    declined = { id: d.id, tranId: declinedTranId };

    const waitingTranId = await createQr(post, 1200);
    const w = startPay(post, waitingTranId, 1200);
    await store.untilPaymentState(w.id, 'WAITING_SCAN');
    waiting = { id: w.id, tranId: waitingTranId, answer: w.answer };

    // Cents 91: the sandbox never answers; the partner timeout runs on the (fake) clock.
    const inFlightTranId = await createQr(post, 1291);
    const i = startPay(post, inFlightTranId, 1291);
    await store.untilPaymentState(i.id, 'WAITING_SCAN');
    expect((await post('/qr/v1/scans', aScanNotification(inFlightTranId, SANDBOX.id), SANDBOX)).status).toBe(202);
    await store.untilPaymentState(i.id, 'SENDING');
    inFlight = { id: i.id, tranId: inFlightTranId, answer: i.answer };

    unusedQr = await createQr(post, 1300);
    const reversal = aPaymentReversal(randomUUID());
    expect((await post('/qr/v1/payments/reversals', reversal, RETAILER)).status).toBe(404);
    unknownReversalId = reversal.id;
    const stray = aScanNotification('0'.repeat(32), SANDBOX.id);
    expect((await post('/qr/v1/scans', stray, SANDBOX)).status).toBe(400);
    // Audit rows are written in the background: the last one is in before time moves.
    await waitFor('the last audit row', async () => (await store.audit({ messageId: stray.id }))[0]);

    clock.jump(300 * DAY);
    middle = await deliveredSale(hub, 1400);
    await waitFor('its audit rows', async () => (await auditOf(middle.tranId)).length >= 4 || undefined);

    clock.jump(101 * DAY);
    young = await deliveredSale(hub, 1500);
    youngQr = await createQr(post, 1600);
    await waitFor('its audit rows', async () => (await auditOf(young.tranId)).length >= 4 || undefined);
  });

  afterAll(async () => {
    await hub?.close();
    await partner?.close();
  });

  it('deletes what is final and older than the policy, in batches, and keeps the rest', async () => {
    const report = await purge().purge();
    expect(report.error).toBeNull();
    expect(report.batches).toBeGreaterThan(6);

    // A finished payment goes with its QR code, scan, advice, outbox row and delivery attempts.
    expect(await store.payment(finished.paymentId)).toBeNull();
    expect(await qrCode(finished.tranId)).toBeNull();
    expect(await store.scansByTranId(finished.tranId)).toEqual([]);
    expect(await store.advice(finished.adviceId)).toBeNull();
    expect(await store.outbox(finished.paymentId)).toEqual([]);
    expect(await store.attempts(finished.outboxId)).toEqual([]);
    expect(await store.payment(declined.id)).toBeNull();
    expect(await qrCode(declined.tranId)).toBeNull();
    expect(await store.scansByTranId(declined.tranId)).toEqual([]);
    // Unused QR codes, remembered reversals of unknown requests and stray scans go too.
    expect(await qrCode(unusedQr)).toBeNull();
    expect(await store.advice(unknownReversalId)).toBeNull();
    expect(await store.scansByTranId('0'.repeat(32))).toEqual([]);

    // Unfinished: a parked or pending advice keeps its payment and everything of it.
    expect((await store.payment(parked.paymentId))?.state).toBe('APPROVED');
    expect((await store.outbox(parked.paymentId)).map((o) => o.status)).toEqual(['PARKED']);
    expect(await store.advice(parked.adviceId)).not.toBeNull();
    expect(await store.scansByTranId(parked.tranId)).toHaveLength(1);
    expect(await qrCode(parked.tranId)).not.toBeNull();
    expect(await store.attempts(parked.outboxId)).toHaveLength(1);
    expect((await store.outbox(pending.paymentId)).map((o) => o.status)).toEqual(['PENDING']);
    expect(await store.advice(pending.adviceId)).not.toBeNull();
    // A payment still waiting for its scan, and one in flight upstream, with their codes and scan.
    expect((await store.payment(waiting.id))?.state).toBe('WAITING_SCAN');
    expect(await qrCode(waiting.tranId)).not.toBeNull();
    expect((await store.payment(inFlight.id))?.state).toBe('SENDING');
    expect(await store.scansByTranId(inFlight.tranId)).toHaveLength(1);

    // Younger than the policy: kept; audit rows go after 90 days, payments after 400.
    for (const sale of [middle, young]) {
      expect((await store.payment(sale.paymentId))?.settlement).toBe('CONFIRMED');
      expect(await store.advice(sale.adviceId)).not.toBeNull();
      expect(await store.outbox(sale.paymentId)).toHaveLength(1);
      expect(await qrCode(sale.tranId)).not.toBeNull();
    }
    expect(await qrCode(youngQr)).not.toBeNull();
    expect(await auditOf(middle.tranId)).toEqual([]);
    expect((await auditOf(young.tranId)).length).toBeGreaterThanOrEqual(4);
    // Old audit rows stay only with a transaction still unfinished or owing an advice: its timeline is whole.
    const cutoff = clock.now() - 90 * DAY;
    const old = await db().run((tx) => managerOf(tx).find(AuditMessage, { where: { createdAt: LessThan(cutoff) } }));
    const unfinished = new Set([parked.tranId, pending.tranId, waiting.tranId, inFlight.tranId]);
    expect(old.filter((row) => !unfinished.has(row.tranId ?? ''))).toEqual([]);
    expect((await auditOf(parked.tranId)).length).toBeGreaterThanOrEqual(4);
  });

  it('the admin API, the console and /metrics show the oldest record kept per kind', async () => {
    const overview: RetentionOverview = (await getAs(hub, '/admin/v1/retention').expect(200)).body;
    expect(overview.policy).toMatchObject({ auditDays: 90, paymentsDays: 400, qrCodesDays: 90, batchSize: 2 });
    const kind = (k: string) => overview.kinds.find((x) => x.kind === k);
    // The oldest kept payments are the unfinished ones made at t0.
    expect(kind('payments')).toEqual({
      kind: 'payments',
      keptDays: 400,
      oldest: new Date(t0).toISOString(),
      oldestAgeSeconds: 401 * 86_400,
    });
    expect(kind('audit')?.keptDays).toBe(90);
    // The oldest audit rows kept are those of the parked and pending sales, kept with their payments.
    const oldestUnfinished = Math.min(
      ...(await Promise.all([parked.tranId, pending.tranId].map(auditOf))).flat().map((row) => row.createdAt),
    );
    expect(kind('audit')?.oldest).toBe(new Date(oldestUnfinished).toISOString());
    expect(overview.lastPurge?.deleted.payments).toBe(2);
    expect(overview.lastPurge?.error).toBeNull();

    const metrics = (await getAs(hub, '/metrics').expect(200)).text;
    expect(metrics).toContain(`qrhub_oldest_record_age_seconds{kind="payments"} ${401 * 86_400}`);
    expect(metrics).toMatch(/qrhub_oldest_record_age_seconds\{kind="audit"\} \d+/);
    expect(metrics).toContain('qrhub_retention_deleted_total{table="payments"} 2');

    const page = (await getAs(hub, '/console/advices').expect(200)).text.replace(/\s+/g, ' ');
    expect(page).toMatch(/<tr data-kind="payments"> <td>payments<\/td> <td class="num">400 d<\/td>/);
    // Shown in the console's zone (UTC here), with the instant in its datetime attribute.
    const shown = new Date(t0).toISOString().replace('T', ' ').slice(0, 19);
    expect(page).toContain(
      `datetime="${new Date(t0).toISOString()}">${shown}</time></td> <td class="num">401 d 0 h</td>`,
    );
  });

  it('runs by itself a minute after start-up and then every purgeIntervalMinutes; an advice resolved later goes in time', async () => {
    // The operator settles the parked advice by other means: final now, and young.
    await postAs(hub, `/admin/v1/outbox/${parked.outboxId}/resolve`).expect(200);
    const first = purge().last;
    clock.advance(60_000);
    await waitFor('a purge on its own', () => (purge().last !== first ? purge().last : undefined));
    expect((await store.payment(parked.paymentId))?.state).toBe('APPROVED');

    // Held payments have ended meanwhile (the advance fired their timers).
    await waiting.answer;
    await inFlight.answer;
    const second = purge().last;
    clock.jump(401 * DAY);
    clock.advance(60 * 60_000);
    await waitFor('the next purge', () => (purge().last !== second ? purge().last : undefined));
    expect(await store.payment(parked.paymentId)).toBeNull();
    expect(await store.outbox(parked.paymentId)).toEqual([]);
    expect(await store.payment(waiting.id)).toBeNull();
  });
});
