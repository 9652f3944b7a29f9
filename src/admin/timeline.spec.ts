import type { Advice } from '@app/advices/advice.entity';
import type { OutboxEntry } from '@app/outbox/outbox-entry.entity';
import type { AuditMessage } from '@app/audit/audit-message.entity';
import type { Payment } from '@app/lifecycle/payment.entity';
import { buildTimeline, TransactionRecords } from './timeline';

const T0 = Date.parse('2025-03-01T10:00:00.000Z');

function aPayment(changes: Partial<Payment> = {}): Payment {
  return {
    id: 'pay-1',
    tranId: 'tran-1',
    clientId: '1234',
    partnerId: 'sandbox',
    upstreamId: 'up-1',
    state: 'APPROVED',
    settlement: 'NONE',
    reversalRequested: false,
    amount: 1000,
    currency: '710',
    approvedAmount: 1000,
    instanceId: 'i1',
    waitDeadline: null,
    request: {},
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
    createdAt: T0 + 10,
    updatedAt: T0 + 50,
    ...changes,
  };
}

function anAudit(changes: Partial<AuditMessage>): AuditMessage {
  return {
    seq: 1,
    direction: 'OUT',
    operation: 'pay',
    messageId: 'up-1',
    tranId: 'tran-1',
    institutionId: 'sandbox',
    httpStatus: 201,
    outcome: 'successful',
    requestBody: null,
    responseBody: null,
    durationMs: 30,
    createdAt: T0 + 50,
    ...changes,
  };
}

const records = (changes: Partial<TransactionRecords>): TransactionRecords => ({
  qrCode: null,
  payments: [],
  scans: [],
  advices: [],
  outbox: [],
  attempts: [],
  audit: [],
  ...changes,
});

describe('buildTimeline', () => {
  it('splits the upstream audit row into the request (sent durationMs earlier) and the answer', () => {
    const events = buildTimeline(records({ payments: [aPayment()], audit: [anAudit({})] }));
    expect(events.map((e) => [e.time.slice(11), e.title])).toEqual([
      ['10:00:00.010Z', 'Payment received'],
      ['10:00:00.020Z', 'Sent to partner'],
      ['10:00:00.050Z', 'Partner approved'],
    ]);
  });

  it('shows a decline with the partner’s errorType', () => {
    const declined = anAudit({
      outcome: 'failed',
      httpStatus: 400,
      responseBody: { errorType: 'INSUFFICIENT_FUNDS', errorMessage: 'No money' },
    });
    const events = buildTimeline(records({ payments: [aPayment({ state: 'DECLINED' })], audit: [declined] }));
    expect(events.at(-1)).toMatchObject({ title: 'Partner declined', status: 'DECLINED' });
    expect(events.at(-1)?.detail).toContain('INSUFFICIENT_FUNDS: No money');
  });

  it('falls back to the payment row when the audit rows were lost (upstream outcome, late answer)', () => {
    const late = { status: 201, body: {}, receivedAt: new Date(T0 + 900).toISOString() };
    const payment = aPayment({ state: 'UNKNOWN', lateResponse: late, error: null });
    const events = buildTimeline(records({ payments: [payment] }));
    expect(events.map((e) => [e.kind, e.title, e.status])).toEqual([
      ['PAYMENT_RECEIVED', 'Payment received', 'UNKNOWN'],
      ['UPSTREAM_ANSWER', 'Partner answer unknown', 'UNKNOWN'],
      ['LATE_ANSWER', 'Late partner answer', 'LATE'],
    ]);
    expect(events[2].time).toBe(late.receivedAt);
  });

  it('does not repeat a late answer the audit trail already has', () => {
    const late = { status: 201, body: {}, receivedAt: new Date(T0 + 900).toISOString() };
    const audit = [anAudit({}), anAudit({ seq: 2, direction: 'LATE', createdAt: T0 + 900 })];
    const events = buildTimeline(records({ payments: [aPayment({ lateResponse: late })], audit }));
    expect(events.filter((e) => e.kind === 'LATE_ANSWER')).toHaveLength(1);
  });

  it('never shows an advice queued before it was received, nor an operator action without its name', () => {
    const advice: Advice = {
      id: 'adv-1',
      kind: 'CONFIRMATION',
      requestId: 'pay-1',
      clientId: '1234',
      paymentId: 'pay-1',
      contentHash: 'h',
      answerStatus: 202,
      body: {},
      createdAt: T0 + 101,
    };
    const entry: OutboxEntry = {
      id: 'out-1',
      paymentId: 'pay-1',
      partnerId: 'sandbox',
      kind: 'CONFIRMATION',
      sourceAdviceId: 'adv-1',
      body: { tranId: 'tran-1' },
      status: 'RESOLVED',
      attempts: 1,
      nextAttemptAt: T0,
      leaseOwner: null,
      leaseUntil: null,
      lastError: '400 GENERAL_ERROR: refused',
      resolvedBy: 'ops',
      // Stamped a millisecond before the advice row in the same transaction.
      createdAt: T0 + 100,
      updatedAt: T0 + 300,
      deliveredAt: null,
    };
    const admin = anAudit({
      direction: 'ADMIN',
      operation: 'resolveAdvice',
      messageId: 'out-1',
      institutionId: 'ops',
      outcome: 'RESOLVED',
      requestBody: { operator: { id: 'ops', name: 'Night Shift' } },
      createdAt: T0 + 300,
    });
    const attempt = {
      seq: 1,
      outboxId: 'out-1',
      instanceId: 'i',
      outcome: 'failed',
      httpStatus: 400,
      detail: 'refused',
      createdAt: T0 + 200,
    };
    const events = buildTimeline(records({ advices: [advice], outbox: [entry], attempts: [attempt], audit: [admin] }));
    expect(events.map((e) => e.title)).toEqual([
      'Confirmation received',
      'Confirmation queued',
      'Confirmation refused',
      'Operator resolved advice',
    ]);
    expect(events[1].detail).toContain('resolved by ops');
    expect(events[3].detail).toBe('advice out-1 · by Night Shift (ops)');
  });
});
