import { In } from 'typeorm';
import { Advice } from '@app/advices/advice.entity';
import { DeliveryAttempt } from '@app/outbox/delivery-attempt.entity';
import { OutboxEntry } from '@app/outbox/outbox-entry.entity';
import { AuditMessage } from '@app/audit/audit-message.entity';
import { Payment } from '@app/lifecycle/payment.entity';
import { Database, managerOf } from '@app/persistence/database';
import { Scan } from '@app/scans/scan.entity';
import type { TestApp } from './create-test-app';
import { waitFor } from './flows';

/**
 * Read-only views of a test hub's store for the payment-lifecycle e2e specs
 * (payments, scans, advices). Reads go through the hub's own `Database`, so on
 * SQLite they queue behind the hub's mutex and only ever see committed rows.
 */
export class HubStore {
  constructor(private readonly hub: TestApp) {}

  private get db(): Database {
    return this.hub.app.get(Database);
  }

  payment(id: string): Promise<Payment | null> {
    return this.db.run((tx) => managerOf(tx).findOneBy(Payment, { id }));
  }

  paymentsByTranId(tranId: string): Promise<Payment[]> {
    return this.db.run((tx) => managerOf(tx).findBy(Payment, { tranId }));
  }

  countPayments(ids: string[], state: Payment['state']): Promise<number> {
    return this.db.run((tx) => managerOf(tx).countBy(Payment, { id: In(ids), state }));
  }

  scansByTranId(tranId: string): Promise<Scan[]> {
    return this.db.run((tx) => managerOf(tx).find(Scan, { where: { tranId }, order: { createdAt: 'ASC' } }));
  }

  advice(id: string): Promise<Advice | null> {
    return this.db.run((tx) => managerOf(tx).findOneBy(Advice, { id }));
  }

  outbox(paymentId: string, kind?: OutboxEntry['kind']): Promise<OutboxEntry[]> {
    return this.db.run((tx) => managerOf(tx).findBy(OutboxEntry, kind ? { paymentId, kind } : { paymentId }));
  }

  outboxBySource(sourceAdviceId: string): Promise<OutboxEntry | null> {
    return this.db.run((tx) => managerOf(tx).findOneBy(OutboxEntry, { sourceAdviceId }));
  }

  attempts(outboxId: string): Promise<DeliveryAttempt[]> {
    return this.db.run((tx) => managerOf(tx).find(DeliveryAttempt, { where: { outboxId }, order: { seq: 'ASC' } }));
  }

  audit(where: {
    direction?: AuditMessage['direction'];
    messageId?: string;
    tranId?: string;
    operation?: string;
  }): Promise<AuditMessage[]> {
    return this.db.run((tx) => managerOf(tx).find(AuditMessage, { where, order: { seq: 'ASC' } }));
  }

  /** Waits until the payment is stored in `state` (e.g. WAITING_SCAN: the hub holds it for a scan). */
  async untilPaymentState(id: string, state: Payment['state'], ms = 10_000): Promise<Payment> {
    return waitFor(
      `payment ${id} in ${state}`,
      async () => {
        const p = await this.payment(id);
        return p?.state === state ? p : undefined;
      },
      ms,
    );
  }

  /** Waits until the payment's only outbox entry of `kind` has `status`. */
  async untilOutbox(paymentId: string, kind: OutboxEntry['kind'], status: OutboxEntry['status'], ms = 10_000) {
    return waitFor(
      `${kind} of ${paymentId} ${status}`,
      async () => {
        const rows = await this.outbox(paymentId, kind);
        return rows.length === 1 && rows[0].status === status ? rows[0] : undefined;
      },
      ms,
    );
  }
}

/** Resolves 'pending' when `promise` has not settled within `ms` of real time. */
export function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<'pending'>((resolve) => {
    timer = setTimeout(() => resolve('pending'), ms);
  });
  return Promise.race([promise, pending]).finally(() => clearTimeout(timer));
}
