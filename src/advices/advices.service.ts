import { linkToTransaction } from '@app/audit/audit-link';
import { Injectable } from '@nestjs/common';
import { Clock } from '@app/clock/clock';
import type { BasicAdviceDto } from '@app/common/dto/payment-confirmation.dto';
import { DuplicateRecordError, HubError, InvalidAmountError, PaymentNotFoundError } from '@app/errors/hub-error';
import { JsonObject } from '@app/persistence/column-types';
import { Database, isUniqueViolation, type Tx } from '@app/persistence/database';
import { Payment } from '@app/lifecycle/payment.entity';
import { PaymentsRepository } from '@app/lifecycle/payments.repository';
import { PaymentLifecycle } from '@app/lifecycle/payment-lifecycle';
import { withoutUndefined } from '@app/lifecycle/upstream-messages';
import { Advice, AdviceKind } from './advice.entity';
import { contentHash } from './advice-content';
import { AdviceAction, decideAdvice } from './advice-decision';
import { AdvicesRepository } from './advices.repository';

/**
 * `confirmPayment` and `reversePayment` (docs/protocol.md §7): stored before they are
 * acknowledged, idempotent by advice id, and forwarded to the partner by the
 * AdviceForwarder. The advice and the payment's lifecycle transition (with
 * the outbox row it queues) are written in one transaction.
 */
@Injectable()
export class AdvicesService {
  constructor(
    private readonly clock: Clock,
    private readonly db: Database,
    private readonly advices: AdvicesRepository,
    private readonly payments: PaymentsRepository,
    private readonly lifecycle: PaymentLifecycle,
  ) {}

  /** Accepts the advice (the caller answers 202 with its echo) or throws the error to answer. */
  async accept(kind: AdviceKind, advice: BasicAdviceDto, clientId: string): Promise<JsonObject> {
    const body = withoutUndefined(advice as unknown as JsonObject);
    const hash = contentHash(kind, body);
    const repeat = await this.replayIfKnown(advice.id, kind, hash, clientId, body);
    if (repeat) return repeat;
    try {
      const outcome = await this.db.transaction(async (tx) => {
        const payment = await this.payments.find(advice.requestId, tx);
        if (!payment || payment.clientId !== clientId) {
          // docs/protocol.md §7: an unknown request; a reversal of it is remembered so the request is declined if it comes.
          if (kind === 'REVERSAL') await this.store(tx, advice.id, kind, hash, clientId, null, 404, body);
          return notFound(advice);
        }
        linkToTransaction(payment.tranId);
        const action = this.checkedAction(kind, payment, advice);
        if (action instanceof HubError) return action;
        const applied = await this.apply(tx, kind, action, payment, advice);
        // Lost a race to another advice: the transaction is rolled back, nothing stored.
        if (applied instanceof HubError) throw applied;
        await this.store(tx, advice.id, kind, hash, clientId, payment.id, 202, body);
        return null;
      });
      if (outcome) throw outcome;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // The same advice id raced in twice: answer as for a repeat.
      const raced = await this.replayIfKnown(advice.id, kind, hash, clientId, body);
      if (raced) return raced;
      throw error;
    }
    return body;
  }

  /** A repeated advice gets its first answer again; the same id with other content is a duplicate. */
  private async replayIfKnown(
    id: string,
    kind: AdviceKind,
    hash: string,
    clientId: string,
    body: JsonObject,
  ): Promise<JsonObject | null> {
    const previous = await this.advices.find(id);
    if (!previous) return null;
    // Another retailer's advice id: refused without a word about that retailer's payment (docs/protocol.md §3).
    if (previous.clientId !== clientId) throw new DuplicateRecordError('Advice id already used');
    if (previous.kind !== kind || previous.contentHash !== hash) {
      throw new DuplicateRecordError('Advice id reused with other content', { originalId: previous.requestId });
    }
    if (previous.answerStatus === 404) throw notFound(body as unknown as BasicAdviceDto);
    return body;
  }

  private checkedAction(kind: AdviceKind, payment: Payment, advice: BasicAdviceDto): AdviceAction | HubError {
    const action = decideAdvice(kind, payment, advice.requestId);
    if (action instanceof HubError) return action;
    const final = advice.amounts?.approvedAmount;
    // docs/protocol.md §7: an advice may settle at most what was approved; before the
    // partner has answered, at most what was asked for.
    const ceiling =
      payment.state === 'APPROVED'
        ? (payment.approvedAmount ?? 0)
        : payment.state === 'SENDING' || payment.state === 'WAITING_SCAN'
          ? payment.amount
          : null;
    if (final && ceiling !== null) {
      if (final.currency !== payment.currency || final.amount > ceiling) {
        return new InvalidAmountError('Amount exceeds approved amount', {
          tranId: payment.tranId,
          originalId: advice.requestId,
        });
      }
    }
    return action;
  }

  /**
   * Applies the decided action with a conditional update; when another
   * request changed the payment first (several instances, docs/protocol.md §10), decides
   * again on what it is now.
   */
  private async apply(
    tx: Tx,
    kind: AdviceKind,
    action: AdviceAction,
    payment: Payment,
    advice: BasicAdviceDto,
  ): Promise<AdviceAction | HubError> {
    const again = async (): Promise<AdviceAction | HubError> => {
      const current = await this.payments.find(payment.id, tx);
      if (!current) return notFound(advice);
      const next = this.checkedAction(kind, current, advice);
      return next instanceof HubError ? next : this.apply(tx, kind, next, current, advice);
    };
    if (action === 'close-wait') {
      return (await this.lifecycle.reverseWaiting(tx, payment)) ? action : again();
    }
    if (action === 'reverse-when-answered') {
      return (await this.lifecycle.reverseWhenAnswered(tx, payment)) ? action : again();
    }
    if (action !== 'forward') return action;
    const fields = {
      reversalReason: (advice as { reversalReason?: string }).reversalReason,
      amounts: advice.amounts,
      stan: advice.stan,
      rrn: advice.rrn,
    };
    const settled =
      kind === 'CONFIRMATION'
        ? await this.lifecycle.confirm(tx, payment, fields, advice.id)
        : await this.lifecycle.reverse(tx, payment, fields, advice.id);
    return settled ? action : again();
  }

  private store(
    tx: Tx,
    id: string,
    kind: AdviceKind,
    contentHash: string,
    clientId: string,
    paymentId: string | null,
    answerStatus: number,
    body: JsonObject,
  ): Promise<void> {
    const row: Advice = {
      id,
      kind,
      requestId: String(body.requestId),
      clientId,
      paymentId,
      contentHash,
      answerStatus,
      body,
      createdAt: this.clock.now(),
    };
    return this.advices.insert(tx, row);
  }
}

function notFound(advice: BasicAdviceDto): HubError {
  return new PaymentNotFoundError({ originalId: advice.requestId, tranId: advice.tranId });
}
