import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config/app-config';
import { Clock } from '@app/clock/clock';
import { AuditService } from '@app/audit/audit.service';
import { AdviceForwarder } from '@app/outbox/advice-forwarder.service';
import type { AdviceKind } from '@app/outbox/outbox-entry.entity';
import { OutboxRepository } from '@app/outbox/outbox.repository';
import type { JsonObject } from '@app/persistence/column-types';
import { afterCommit, Database, type Tx } from '@app/persistence/database';
import { QrCodesRepository } from '@app/qr-codes/qr-codes.repository';
import type { Payment } from './payment.entity';
import {
  allows,
  columnsOf,
  IllegalTransitionError,
  phaseOf,
  stampsOf,
  phasePredicate,
  TRANSITIONS,
  type TransitionName,
} from './payment-states';
import { PaymentWrites } from './payment-writes.repository';
import { ScanSignal } from './scan-signal.service';
import { type ClaimedScan, ScanWaiter } from './scan-waiter.service';
import { buildUpstreamAdvice, type HubIdentity } from './upstream-messages';

/** Columns a transition may write besides the state it moves to. */
export type PaymentChanges = Partial<Omit<Payment, 'id' | 'state' | 'settlement' | 'updatedAt'>>;

/** What the partner's approval put on the payment. */
export interface Approval {
  approvedAmount: number;
  upstreamRequest: JsonObject;
  upstreamResponse: JsonObject;
  /** How long the partner took to answer. */
  partnerMs?: number;
  partnerRef?: string;
}

/** Fields of the retailer's advice carried upstream with it (docs/protocol.md §7). */
export type AdviceFields = Record<string, unknown>;

/**
 * The payment lifecycle (docs/payment-states.md): the only code that changes a
 * payment's state. Each transition is one conditional update — it moves the
 * payment only from the phases `TRANSITIONS` allows, so of racing writers
 * exactly one wins — written with the advice it queues and its audit event in
 * the caller's transaction. A transition asked of a payment read in a phase
 * it cannot leave that way throws `IllegalTransitionError`.
 */
@Injectable()
export class PaymentLifecycle {
  private readonly hub: HubIdentity;

  constructor(
    config: AppConfig,
    private readonly clock: Clock,
    private readonly db: Database,
    private readonly payments: PaymentWrites,
    private readonly qrCodes: QrCodesRepository,
    private readonly outbox: OutboxRepository,
    private readonly forwarder: AdviceForwarder,
    private readonly audit: AuditService,
    private readonly waiter: ScanWaiter,
    private readonly signal: ScanSignal,
  ) {
    this.hub = config.hub.hub;
  }

  /** Stores a new payment: held for its scan, or on its way to a partner already known. */
  async admit(tx: Tx, payment: Payment): Promise<void> {
    const name = payment.state === 'WAITING_SCAN' ? 'hold' : 'sendAtOnce';
    if (payment.state !== TRANSITIONS[name].to) throw new IllegalTransitionError(name, phaseOf(payment));
    // A payment stored on its way upstream was released by an early scan or routed by the retailer: as good as scanned.
    await this.payments.insert(tx, name === 'sendAtOnce' ? { ...payment, scannedAt: payment.createdAt } : payment);
    await this.event(tx, name, payment);
  }

  /** A scan accepted for the waiting payment; its wait is released once this commits. */
  async claimForScan(tx: Tx, payment: Payment, claim: ClaimedScan): Promise<boolean> {
    const { partnerId, upstreamId } = claim;
    if (!(await this.move(tx, 'claimForScan', payment, { partnerId, upstreamId, waitDeadline: null }))) return false;
    await this.signal.announce(tx, payment.id);
    afterCommit(tx, () => this.signal.released(payment.id, claim));
    return true;
  }

  /** The wait ended without a scan: NO_SCAN after its time, CLOSED when retailer, hub or holder went away. */
  endWait(tx: Tx, payment: Payment, why: 'timeout' | 'closed'): Promise<boolean> {
    return this.move(tx, why === 'timeout' ? 'expireWait' : 'closeWait', payment, { waitDeadline: null });
  }

  /** The retailer reversed a payment still waiting for its scan: closed, its wait answered. */
  async reverseWaiting(tx: Tx, payment: Payment): Promise<boolean> {
    // reversalRequested: a later confirmation is "after reversal" (docs/protocol.md §7).
    if (!(await this.move(tx, 'reverseWaiting', payment, { reversalRequested: true, waitDeadline: null })))
      return false;
    afterCommit(tx, () => this.waiter.end(payment.id, 'disconnected'));
    return true;
  }

  /** The retailer reversed a payment in flight: reversed once the partner answers (see `approve`). */
  reverseWhenAnswered(tx: Tx, payment: Payment): Promise<boolean> {
    return this.move(tx, 'reverseWhenAnswered', payment, { reversalRequested: true });
  }

  /**
   * The partner approved, in one transaction of its own: the QR code is paid,
   * and a reversal the retailer asked for while it was in flight is queued with
   * the retailer's reason (docs/protocol.md §7). False when the payment was no
   * longer in flight.
   */
  async approve(payment: Payment, approval: Approval): Promise<boolean> {
    if (!allows('approve', phaseOf(payment))) throw new IllegalTransitionError('approve', phaseOf(payment));
    return this.db.transaction(async (tx) => {
      const { partnerRef, ...rest } = approval;
      const changes: PaymentChanges = { ...rest, ...(partnerRef !== undefined && { partnerRef }) };
      // The code first, then the payment: the lock order of every transaction about a code.
      await this.qrCodes.lock(tx, payment.tranId);
      const now = this.clock.now();
      // The row as this update left it: a reversal that committed first is seen here,
      // one that comes later finds the payment APPROVED and is forwarded as usual.
      const moved = await this.payments.moveReadingReversal(tx, payment.id, this.where('approve'), {
        ...changes,
        ...columnsOf('APPROVED'),
        ...stampsOf('approve', now),
        updatedAt: now,
      });
      if (!moved) return false;
      await this.event(tx, 'approve', payment);
      await this.qrCodes.markPaid(tx, payment.tranId, payment.id);
      if (moved.reversalRequested) {
        const approved = { ...payment, ...changes, state: 'APPROVED' as const, settlement: 'NONE' as const };
        const asked = await this.payments.acceptedReversal(tx, payment.id);
        // Forwarded with the retailer's reason (TIMEOUT when its POS gave up first), linked to its advice.
        await this.settle(
          tx,
          'reverseOnApproval',
          approved,
          { reversalReason: asked?.reason ?? 'CANCELLED' },
          asked?.id,
        );
      }
      return true;
    });
  }

  /** The partner declined, in one transaction of its own. */
  decline(payment: Payment, changes: PaymentChanges): Promise<boolean> {
    return this.db.transaction((tx) => this.move(tx, 'decline', payment, changes));
  }

  /**
   * The outcome of a payment in flight is unknown (docs/protocol.md §5.5, §10): UNKNOWN with
   * its timeout reversal queued; false when it was no longer in flight.
   */
  async markUnknown(tx: Tx, payment: Payment, changes: PaymentChanges = {}): Promise<boolean> {
    if (!(await this.move(tx, 'markUnknown', payment, changes))) return false;
    await this.queue(tx, 'REVERSAL', { ...payment, ...changes }, { reversalReason: 'TIMEOUT' }, null, true);
    return true;
  }

  /** The retailer's confirmation of an approved payment, queued for its partner. */
  confirm(tx: Tx, payment: Payment, fields: AdviceFields, adviceId: string): Promise<boolean> {
    return this.settle(tx, 'confirm', payment, fields, adviceId);
  }

  /**
   * An approved payment reversed: by the retailer (`adviceId`), or by the hub
   * when the retailer was told it failed (reason TIMEOUT, no advice).
   */
  reverse(tx: Tx, payment: Payment, fields: AdviceFields, adviceId: string | null): Promise<boolean> {
    return this.settle(tx, 'reverse', payment, fields, adviceId);
  }

  /**
   * docs/protocol.md §5.5: a partner's answer after the hub gave up, kept for reconciliation; the state
   * stays. `updated_at` moves to the moment it arrived: the late-answer list (idx_payments_late_answers)
   * is ordered by it, and retention keeps the payment from then on.
   */
  recordLateAnswer(payment: Payment, lateResponse: JsonObject, partnerRef: string | undefined): Promise<void> {
    const changes = { lateResponse, updatedAt: this.clock.now(), ...(partnerRef !== undefined && { partnerRef }) };
    return this.db.run((tx) => this.payments.update(tx, payment.id, changes));
  }

  private async settle(
    tx: Tx,
    name: 'confirm' | 'reverse' | 'reverseOnApproval',
    payment: Payment,
    fields: AdviceFields,
    adviceId: string | null | undefined,
  ): Promise<boolean> {
    if (!(await this.move(tx, name, payment, {}))) return false;
    // A reversal of the hub's own making goes once per payment: the first reason to reverse it is the one sent.
    const unlessQueued = name === 'reverseOnApproval' || adviceId === null;
    await this.queue(tx, TRANSITIONS[name].queues, payment, fields, adviceId ?? null, unlessQueued);
    return true;
  }

  /** Queues `kind` for the payment's partner in `tx`; the forwarder is woken once it commits. */
  private async queue(
    tx: Tx,
    kind: AdviceKind,
    payment: Payment,
    fields: AdviceFields,
    sourceAdviceId: string | null,
    unlessQueued: boolean,
  ): Promise<void> {
    const now = this.clock.now();
    const time = new Date(now).toISOString();
    const queued = await this.outbox.queueAdvice(
      tx,
      {
        paymentId: payment.id,
        partnerId: payment.partnerId ?? '',
        kind,
        sourceAdviceId,
        build: (id) => buildUpstreamAdvice(kind, payment, id, time, this.hub, fields),
        unlessQueued,
      },
      now,
    );
    if (queued) afterCommit(tx, () => this.forwarder.wake());
  }

  /** One transition: the conditional update, and its audit event when it won. */
  private async move(tx: Tx, name: TransitionName, payment: Payment, changes: PaymentChanges): Promise<boolean> {
    const phase = phaseOf(payment);
    if (!allows(name, phase)) throw new IllegalTransitionError(name, phase);
    const target = columnsOf(TRANSITIONS[name].to);
    const now = this.clock.now();
    const columns = { ...changes, ...target, ...stampsOf(name, now), updatedAt: now };
    if (!(await this.payments.move(tx, payment.id, this.where(name), columns))) {
      return false;
    }
    await this.event(tx, name, payment);
    return true;
  }

  private readonly predicates = new Map<TransitionName, string>();

  /** The SQL a payment must match to take `name`: one fixed text per transition. */
  private where(name: TransitionName): string {
    let sql = this.predicates.get(name);
    if (sql === undefined) {
      sql = phasePredicate(TRANSITIONS[name].from);
      this.predicates.set(name, sql);
    }
    return sql;
  }

  /** The transition's audit event: the payment's id, the transition, and the phases it left and reached. */
  private event(tx: Tx, name: TransitionName, payment: Payment): Promise<void> {
    const from = TRANSITIONS[name].from.length === 1 ? TRANSITIONS[name].from[0] : phaseOf(payment);
    return this.audit.recordTransition(tx, {
      operation: name,
      paymentId: payment.id,
      tranId: payment.tranId,
      partnerId: payment.partnerId,
      outcome: `${from}→${TRANSITIONS[name].to}`,
    });
  }
}
