import { DataSource } from 'typeorm';
import { AuditRepository } from '@app/audit/audit.repository';
import { AuditService } from '@app/audit/audit.service';
import { SystemClock } from '@app/clock/clock';
import { AppConfig } from '@app/config/app-config';
import { loadEnv } from '@app/config/env.validation';
import type { HubConfig } from '@app/config/load-hub-config';
import type { AdviceForwarder } from '@app/outbox/advice-forwarder.service';
import { OutboxRepository } from '@app/outbox/outbox.repository';
import { dataSourceOptions } from '@app/persistence/data-source';
import { Database, type Tx } from '@app/persistence/database';
import { execute } from '@app/persistence/sql-table';
import { QrCodesRepository } from '@app/qr-codes/qr-codes.repository';
import { HUB_SCHEMA } from '@app/store/hub-schema';
import { PaymentLifecycle } from './payment-lifecycle';
import type { Payment } from './payment.entity';
import { IllegalTransitionError, phaseOf, TRANSITIONS, type StoredPhase, type TransitionName } from './payment-states';
import { PaymentWrites } from './payment-writes.repository';
import { PaymentsRepository } from './payments.repository';
import { ScanSignal } from './scan-signal.service';
import { ScanWaiter, type WaitResult } from './scan-waiter.service';

/*
 * Each transition of the payment lifecycle against a real SQLite store: what
 * it writes (state, the advice it queues, its audit event, all in one
 * transaction), that it loses cleanly to a writer that moved the payment
 * first, and that it refuses loudly a payment read in a phase it cannot leave.
 */

const hubConfig = { hub: { institutionId: 'qr-hub', name: 'QR Hub' } } as unknown as HubConfig;

let dataSource: DataSource;
let db: Database;
let lifecycle: PaymentLifecycle;
let payments: PaymentsRepository;
let writes: PaymentWrites;
let waiter: ScanWaiter;
let wakes = 0;
let seq = 0;

beforeAll(async () => {
  dataSource = await new DataSource(dataSourceOptions({ type: 'sqlite', file: ':memory:' }, HUB_SCHEMA)).initialize();
  db = new Database(dataSource);
  const clock = new SystemClock();
  const config = new AppConfig(loadEnv({ LOG_LEVEL: 'silent' }), hubConfig);
  payments = new PaymentsRepository(db);
  writes = new PaymentWrites(db);
  waiter = new ScanWaiter(clock);
  const forwarder = { wake: () => void wakes++ } as unknown as AdviceForwarder;
  lifecycle = new PaymentLifecycle(
    config,
    clock,
    db,
    writes,
    new QrCodesRepository(db),
    new OutboxRepository(db),
    forwarder,
    new AuditService(new AuditRepository(db), clock),
    waiter,
    new ScanSignal(db, payments, writes, waiter, clock, config),
  );
});
afterAll(() => dataSource.destroy());

/** Columns of each phase a payment is stored in for a test. */
const STORED: Record<StoredPhase, Pick<Payment, 'state' | 'settlement'>> = {
  WAITING_SCAN: { state: 'WAITING_SCAN', settlement: 'NONE' },
  SENDING: { state: 'SENDING', settlement: 'NONE' },
  APPROVED: { state: 'APPROVED', settlement: 'NONE' },
  CONFIRMED: { state: 'APPROVED', settlement: 'CONFIRMED' },
  REVERSED: { state: 'APPROVED', settlement: 'REVERSED' },
  DECLINED: { state: 'DECLINED', settlement: 'NONE' },
  UNKNOWN: { state: 'UNKNOWN', settlement: 'NONE' },
  NO_SCAN: { state: 'NO_SCAN', settlement: 'NONE' },
  CLOSED: { state: 'CLOSED', settlement: 'NONE' },
};

function aPayment(phase: StoredPhase): Payment {
  const n = ++seq;
  const now = Date.now();
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    tranId: `TRAN${n}`,
    clientId: 'retailer-1',
    partnerId: phase === 'WAITING_SCAN' ? null : 'wallet-a',
    upstreamId: phase === 'WAITING_SCAN' ? null : `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    ...STORED[phase],
    reversalRequested: false,
    amount: 1250,
    currency: '710',
    approvedAmount: phase === 'APPROVED' ? 1250 : null,
    instanceId: 'instance-1',
    waitDeadline: phase === 'WAITING_SCAN' ? now + 60_000 : null,
    request: { id: 'r', tranId: `TRAN${n}` },
    upstreamRequest: null,
    upstreamResponse: null,
    error: null,
    partnerRef: null,
    lateResponse: null,
    terminalId: 'T1',
    scannedAt: null,
    answeredAt: null,
    approvedAt: null,
    settledAt: null,
    partnerMs: null,
    unknownReason: null,
    createdAt: now,
    updatedAt: now,
  };
}

async function stored(phase: StoredPhase, extra: Partial<Payment> = {}): Promise<Payment> {
  const payment = { ...aPayment(phase), ...extra };
  await db.transaction((tx) => writes.insert(tx, payment));
  return payment;
}

/** Runs transition `name` on `payment` the way its callers do. */
function run(name: TransitionName, payment: Payment): Promise<boolean> {
  const inTx = (work: (tx: Tx) => Promise<boolean>) => db.transaction(work);
  const claim = {
    partnerId: 'wallet-a',
    upstreamId: `20000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`,
    partnerName: 'Wallet A',
    partnerPaymentToken: null,
  };
  const approval = { approvedAmount: payment.amount, upstreamRequest: { id: 'up' }, upstreamResponse: { ok: true } };
  switch (name) {
    case 'hold':
    case 'sendAtOnce':
      return inTx((tx) => lifecycle.admit(tx, payment).then(() => true));
    case 'claimForScan':
      return inTx((tx) => lifecycle.claimForScan(tx, payment, claim));
    case 'expireWait':
      return inTx((tx) => lifecycle.endWait(tx, payment, 'timeout'));
    case 'closeWait':
      return inTx((tx) => lifecycle.endWait(tx, payment, 'closed'));
    case 'reverseWaiting':
      return inTx((tx) => lifecycle.reverseWaiting(tx, payment));
    case 'reverseWhenAnswered':
      return inTx((tx) => lifecycle.reverseWhenAnswered(tx, payment));
    case 'approve':
    case 'reverseOnApproval':
      return lifecycle.approve(payment, approval);
    case 'decline':
      return lifecycle.decline(payment, { error: { errorType: 'DECLINED_BY_PARTNER' } });
    case 'markUnknown':
      return inTx((tx) => lifecycle.markUnknown(tx, payment));
    case 'confirm':
      return inTx((tx) => lifecycle.confirm(tx, payment, {}, 'advice-1'));
    case 'reverse':
      return inTx((tx) => lifecycle.reverse(tx, payment, { reversalReason: 'CANCELLED' }, null));
  }
}

const read = (id: string) => db.run((tx) => payments.find(id, tx));
const outboxKinds = async (paymentId: string) =>
  (await db.run((tx) => execute(tx, 'SELECT kind FROM outbox WHERE payment_id = ?', [paymentId]))).rows.map(
    (r) => r.kind,
  );
const events = async (tranId: string) =>
  (
    await db.run((tx) =>
      execute(
        tx,
        "SELECT operation, outcome FROM audit_messages WHERE direction = 'STATE' AND tran_id = ? ORDER BY seq",
        [tranId],
      ),
    )
  ).rows;

/** Where each transition is tried from (the approve that meets a requested reversal is reverseOnApproval). */
function startOf(name: TransitionName): { phase: StoredPhase; extra?: Partial<Payment> } {
  if (name === 'hold') return { phase: 'WAITING_SCAN' };
  if (name === 'sendAtOnce') return { phase: 'SENDING' };
  if (name === 'reverseOnApproval') return { phase: 'SENDING', extra: { reversalRequested: true } };
  return { phase: TRANSITIONS[name].from[0] as StoredPhase };
}

describe('PaymentLifecycle: every transition', () => {
  it.each(Object.keys(TRANSITIONS) as TransitionName[])(
    '%s moves the payment, queues its advice and records its event in one transaction',
    async (name) => {
      const { phase, extra } = startOf(name);
      const rule = TRANSITIONS[name];
      const creating = rule.from.includes('NEW' as never);
      const payment = creating ? { ...aPayment(phase), ...extra } : await stored(phase, extra);
      const wakesBefore = wakes;
      expect(await run(name, payment)).toBe(true);
      const after = await read(payment.id);
      expect(after && phaseOf(after)).toBe(rule.to);
      const expectedEvents = name === 'reverseOnApproval' ? ['approve', 'reverseOnApproval'] : [name];
      expect((await events(payment.tranId)).map((e) => e.operation)).toEqual(expectedEvents);
      const last = (await events(payment.tranId)).at(-1);
      expect(last?.outcome).toBe(`${name === 'reverseOnApproval' ? 'APPROVED' : rule.from[0]}→${rule.to}`);
      expect(await outboxKinds(payment.id)).toEqual(rule.queues ? [rule.queues] : []);
      expect(wakes - wakesBefore).toBe(rule.queues ? 1 : 0);
    },
  );

  it.each(Object.keys(TRANSITIONS) as TransitionName[])(
    '%s stamps the times the console reports on (scanned, answered, approved, settled), and no others',
    async (name) => {
      const { phase, extra } = startOf(name);
      const creating = TRANSITIONS[name].from.includes('NEW' as never);
      const payment = creating ? { ...aPayment(phase), ...extra } : await stored(phase, extra);
      expect(await run(name, payment)).toBe(true);
      const after = (await read(payment.id))!;
      const stamped = (['scannedAt', 'answeredAt', 'approvedAt', 'settledAt'] as const).filter(
        (k) => after[k] !== null,
      );
      const expected: Record<TransitionName, string[]> = {
        hold: [],
        sendAtOnce: ['scannedAt'],
        claimForScan: ['scannedAt'],
        expireWait: [],
        closeWait: [],
        reverseWaiting: [],
        reverseWhenAnswered: [],
        approve: ['answeredAt', 'approvedAt'],
        decline: ['answeredAt'],
        markUnknown: ['answeredAt', 'settledAt'],
        reverseOnApproval: ['answeredAt', 'approvedAt', 'settledAt'],
        confirm: ['settledAt'],
        reverse: ['settledAt'],
      };
      expect(stamped).toEqual(expected[name]);
      for (const k of stamped) expect(after[k]).toBeGreaterThanOrEqual(payment.createdAt);
    },
  );

  it.each(Object.keys(TRANSITIONS).filter((n) => n !== 'hold' && n !== 'sendAtOnce') as TransitionName[])(
    '%s loses, writing nothing, when another writer moved the payment first',
    async (name) => {
      const { phase, extra } = startOf(name);
      const payment = await stored(phase, extra);
      // Another writer (a racing scan, advice or instance) ends the payment first.
      await db.transaction((tx) =>
        execute(tx, "UPDATE payments SET state = 'CLOSED' WHERE id = ?", [payment.id]).then(() => undefined),
      );
      expect(await run(name, payment)).toBe(false);
      expect((await read(payment.id))?.state).toBe('CLOSED');
      expect(await events(payment.tranId)).toEqual([]);
      expect(await outboxKinds(payment.id)).toEqual([]);
    },
  );

  it.each(Object.keys(TRANSITIONS) as TransitionName[])(
    '%s refuses loudly a payment read in a phase it cannot leave',
    async (name) => {
      const wrong: StoredPhase = TRANSITIONS[name].from.includes('DECLINED' as never) ? 'UNKNOWN' : 'DECLINED';
      const payment = aPayment(wrong);
      await expect(run(name, payment)).rejects.toBeInstanceOf(IllegalTransitionError);
      expect(await events(payment.tranId)).toEqual([]);
    },
  );

  it('claimForScan releases the retailer’s held request only once it has committed', async () => {
    const payment = await stored('WAITING_SCAN');
    const released = waiter.wait(payment.id, 60_000)!;
    const claim = {
      partnerId: 'wallet-a',
      upstreamId: '30000000-0000-4000-8000-000000000001',
      partnerName: 'Wallet A',
      partnerPaymentToken: 'tok',
    };
    await expect(
      db.transaction(async (tx) => {
        await lifecycle.claimForScan(tx, payment, claim);
        throw new Error('the scan row could not be stored');
      }),
    ).rejects.toThrow('could not be stored');
    expect(waiter.ids()).toContain(payment.id);
    expect((await read(payment.id))?.state).toBe('WAITING_SCAN');
    await db.transaction((tx) => lifecycle.claimForScan(tx, payment, claim));
    await expect(released).resolves.toEqual<WaitResult>({ end: 'scanned', scan: claim });
  });

  it('reverseOnApproval forwards the reversal with the retailer’s reason, linked to its advice', async () => {
    const payment = await stored('SENDING', { reversalRequested: true });
    await db.run((tx) =>
      execute(
        tx,
        'INSERT INTO advices (id, kind, request_id, client_id, payment_id, content_hash, answer_status, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
          'advice-r',
          'REVERSAL',
          payment.id,
          payment.clientId,
          payment.id,
          'h',
          202,
          JSON.stringify({ reversalReason: 'TIMEOUT' }),
          Date.now(),
        ],
      ),
    );
    expect(await run('approve', payment)).toBe(true);
    const { rows } = await db.run((tx) =>
      execute(tx, 'SELECT source_advice_id, body FROM outbox WHERE payment_id = ?', [payment.id]),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].source_advice_id).toBe('advice-r');
    expect(JSON.parse(String(rows[0].body)).reversalReason).toBe('TIMEOUT');
  });
});
