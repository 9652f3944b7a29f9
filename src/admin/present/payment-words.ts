import type { OutboxStatus } from '@app/outbox/outbox-entry.entity';
import type { Payment, UnknownReason } from '@app/lifecycle/payment.entity';

/** How a row is coloured: done and well, still moving, needs a look, or ended without money moving. */
export type Tone = 'ok' | 'pending' | 'attention' | 'ended';

/** A payment's state as the console, its CSV and the admin API say it. */
export interface PaymentWords {
  text: string;
  tone: Tone;
}

/** The facts the words are made from: the lifecycle's columns and the advice the hub owes for it. */
export type WordFacts = Pick<Payment, 'state' | 'settlement' | 'reversalRequested' | 'error' | 'unknownReason'> & {
  /** The status of the confirmation or reversal the hub owes the partner, if any. */
  advice?: OutboxStatus | null;
};

const UNKNOWN_WORDS: Record<UnknownReason, string> = {
  PARTNER_TIMEOUT: 'partner timed out',
  PARTNER_ERROR: 'partner answered without a decision',
  PARTNER_UNREACHABLE: 'partner unreachable',
  UNREADABLE_APPROVAL: 'approval unreadable',
  PARTNER_NOT_CONFIGURED: 'partner not configured',
  HUB_STOPPED: 'hub stopped mid-payment',
  STORAGE_FAILURE: 'outcome not recorded',
};

const DELIVERY_WORDS: Record<OutboxStatus, string> = {
  PENDING: 'delivery pending',
  DELIVERED: 'delivered',
  PARKED: 'delivery parked',
  RESOLVED: 'resolved by an operator',
};

/**
 * What happened to a payment, in words (docs/operations-console.md): derived
 * from the lifecycle's phase (docs/payment-states.md), why an outcome was
 * unknown, the partner's errorType, and where the advice the hub owes stands.
 */
export function paymentWords(f: WordFacts): PaymentWords {
  const delivery = f.advice ? ` · ${DELIVERY_WORDS[f.advice]}` : '';
  const adviceTone: Tone = f.advice === 'PARKED' ? 'attention' : f.advice === 'PENDING' ? 'pending' : 'ok';
  switch (f.state) {
    case 'WAITING_SCAN':
      return { text: "Waiting for the customer's scan", tone: 'pending' };
    case 'SENDING':
      return f.reversalRequested
        ? { text: 'With the partner · retailer reversed, reversal follows the answer', tone: 'pending' }
        : { text: 'With the partner — awaiting its answer', tone: 'pending' };
    case 'APPROVED':
      if (f.settlement === 'CONFIRMED') return { text: `Approved · confirmed${delivery}`, tone: adviceTone };
      if (f.settlement === 'REVERSED') return { text: `Approved · reversed${delivery}`, tone: adviceTone };
      return { text: 'Approved · awaiting confirmation', tone: 'pending' };
    case 'DECLINED':
      return { text: `Declined — ${errorTypeOf(f.error) ?? 'by the partner'}`, tone: 'ended' };
    case 'UNKNOWN': {
      const why = f.unknownReason ? UNKNOWN_WORDS[f.unknownReason] : 'outcome unknown';
      return { text: `Reversed — ${why}${delivery}`, tone: f.advice === 'DELIVERED' ? 'ended' : adviceTone };
    }
    case 'NO_SCAN':
      return { text: 'Not scanned — the wait ran out', tone: 'ended' };
    case 'CLOSED':
      return f.reversalRequested
        ? { text: 'Cancelled — retailer reversed before the scan', tone: 'ended' }
        : { text: 'Closed — retailer or hub went away before the scan', tone: 'ended' };
  }
}

function errorTypeOf(error: Payment['error']): string | null {
  const type = error?.errorType;
  return typeof type === 'string' && type ? type : null;
}
