import { HubError, HubErrorExtra } from '@app/errors/hub-error';
import type { Payment } from '@app/lifecycle/payment.entity';
import type { AdviceKind } from './advice.entity';
import { PaymentAlreadySettledError, PaymentNotConfirmableError } from '@app/errors/advice-errors';

/** What an accepted advice does to its payment. */
export type AdviceAction =
  | 'forward' // queue the advice upstream and settle the payment
  | 'nothing' // accept (202) with no upstream call
  | 'reverse-when-answered' // the payment is in flight upstream: reverse it once the partner answers
  | 'close-wait'; // the payment still waits for its scan: close it, nothing went upstream

/**
 * docs/protocol.md §7 as a table: the effect of a confirmation or reversal on a payment
 * in each state, or the error it gets (naming the advice's `requestId` and the payment's tranId).
 */
export function decideAdvice(kind: AdviceKind, payment: Payment, originalId: string): AdviceAction | HubError {
  const ids: HubErrorExtra = { originalId, tranId: payment.tranId };
  const settled = (message: string) => new PaymentAlreadySettledError(message, ids);
  const notApproved = new PaymentNotConfirmableError('Payment was not approved', ids);
  if (kind === 'CONFIRMATION') {
    // A reversal the hub accepted (applied when the partner answers, or closing the wait) settles it too.
    if (payment.reversalRequested) return settled('Payment already reversed');
    switch (payment.state) {
      case 'APPROVED':
        if (payment.settlement === 'REVERSED') return settled('Payment already reversed');
        return payment.settlement === 'CONFIRMED' ? 'nothing' : 'forward';
      case 'UNKNOWN':
        return settled('Payment already reversed');
      case 'WAITING_SCAN':
      case 'SENDING':
        return new PaymentNotConfirmableError('Payment not yet complete', ids);
      default:
        return notApproved;
    }
  }
  switch (payment.state) {
    case 'APPROVED':
      if (payment.settlement === 'CONFIRMED') return settled('Payment already confirmed');
      return payment.settlement === 'REVERSED' ? 'nothing' : 'forward';
    case 'SENDING':
      return payment.reversalRequested ? 'nothing' : 'reverse-when-answered';
    case 'WAITING_SCAN':
      return 'close-wait';
    default:
      // Declined, never scanned, closed, or already reversed by the hub itself (timeout reversal).
      return 'nothing';
  }
}
