import { PaymentAlreadySettledError, PaymentNotConfirmableError } from '@app/errors/advice-errors';
import type { Payment } from '@app/lifecycle/payment.entity';
import { columnsOf, STORED_PHASES, type StoredPhase } from '@app/lifecycle/payment-states';
import type { AdviceKind } from './advice.entity';
import { decideAdvice, type AdviceAction } from './advice-decision';

/*
 * docs/protocol.md §7 as a table: what a confirmation or a reversal does to a
 * payment in each phase (with or without a reversal already accepted while it
 * was waiting or in flight), or the decline it gets.
 */
type Expected = AdviceAction | [typeof PaymentAlreadySettledError | typeof PaymentNotConfirmableError, string];

const settled = (message: string): Expected => [PaymentAlreadySettledError, message];
const notConfirmable = (message: string): Expected => [PaymentNotConfirmableError, message];

const TABLE: Array<[AdviceKind, StoredPhase, boolean, Expected]> = [
  // Confirmations
  ['CONFIRMATION', 'APPROVED', false, 'forward'],
  ['CONFIRMATION', 'CONFIRMED', false, 'nothing'],
  ['CONFIRMATION', 'REVERSED', false, settled('Payment already reversed')],
  ['CONFIRMATION', 'REVERSED', true, settled('Payment already reversed')],
  ['CONFIRMATION', 'UNKNOWN', false, settled('Payment already reversed')],
  ['CONFIRMATION', 'WAITING_SCAN', false, notConfirmable('Payment not yet complete')],
  ['CONFIRMATION', 'SENDING', false, notConfirmable('Payment not yet complete')],
  ['CONFIRMATION', 'SENDING', true, settled('Payment already reversed')],
  ['CONFIRMATION', 'CLOSED', true, settled('Payment already reversed')],
  ['CONFIRMATION', 'CLOSED', false, notConfirmable('Payment was not approved')],
  ['CONFIRMATION', 'DECLINED', false, notConfirmable('Payment was not approved')],
  ['CONFIRMATION', 'NO_SCAN', false, notConfirmable('Payment was not approved')],
  // Reversals
  ['REVERSAL', 'APPROVED', false, 'forward'],
  ['REVERSAL', 'REVERSED', false, 'nothing'],
  ['REVERSAL', 'REVERSED', true, 'nothing'],
  ['REVERSAL', 'CONFIRMED', false, settled('Payment already confirmed')],
  ['REVERSAL', 'SENDING', false, 'reverse-when-answered'],
  ['REVERSAL', 'SENDING', true, 'nothing'],
  ['REVERSAL', 'WAITING_SCAN', false, 'close-wait'],
  ['REVERSAL', 'CLOSED', true, 'nothing'],
  ['REVERSAL', 'CLOSED', false, 'nothing'],
  ['REVERSAL', 'DECLINED', false, 'nothing'],
  ['REVERSAL', 'UNKNOWN', false, 'nothing'],
  ['REVERSAL', 'NO_SCAN', false, 'nothing'],
];

function aPayment(phase: StoredPhase, reversalRequested: boolean): Payment {
  const { state, settlement } = columnsOf(phase);
  return { tranId: 'TRAN1', state, settlement: settlement ?? 'NONE', reversalRequested } as Payment;
}

describe('the advice decision table (docs/protocol.md §7)', () => {
  it.each(TABLE)('%s on a %s payment (reversal requested: %s) → %p', (kind, phase, reversalRequested, expected) => {
    const decision = decideAdvice(kind, aPayment(phase, reversalRequested), 'REQ1');
    if (typeof expected === 'string') {
      expect(decision).toBe(expected);
      return;
    }
    const [errorClass, message] = expected;
    expect(decision).toBeInstanceOf(errorClass);
    expect(decision).toMatchObject({ message, extra: { tranId: 'TRAN1', originalId: 'REQ1' } });
  });

  it('covers every phase for both kinds', () => {
    for (const kind of ['CONFIRMATION', 'REVERSAL'] as const) {
      const covered = new Set(TABLE.filter(([k]) => k === kind).map(([, phase]) => phase));
      expect([...covered].sort()).toEqual([...STORED_PHASES].sort());
    }
  });
});
