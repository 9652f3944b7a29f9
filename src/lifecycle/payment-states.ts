import type { Payment, PaymentState, Settlement } from './payment.entity';

/**
 * Where a payment is in its life, as one name (docs/payment-states.md): the
 * stored `state`, with an approved payment split by what the retailer's
 * advices did to it (`settlement`). `NEW` is a payment not stored yet.
 */
export type Phase = 'NEW' | StoredPhase;

/** The phases of a stored payment. */
export const STORED_PHASES = [
  'WAITING_SCAN',
  'SENDING',
  'APPROVED',
  'CONFIRMED',
  'REVERSED',
  'DECLINED',
  'UNKNOWN',
  'NO_SCAN',
  'CLOSED',
] as const;
export type StoredPhase = (typeof STORED_PHASES)[number];

/* Every stored state is a phase of its own (APPROVED is split by settlement): fails to compile otherwise. */
const _everyStateIsAPhase: PaymentState extends StoredPhase ? true : never = true;
void _everyStateIsAPhase;

/** The advice a transition queues upstream in its own transaction, if any. */
export type QueuedAdvice = 'CONFIRMATION' | 'REVERSAL' | null;

/** The payment's time columns a transition sets to its own time (what the console's reports read). */
export type Stamp = 'scannedAt' | 'answeredAt' | 'approvedAt' | 'settledAt';

interface TransitionRule {
  from: readonly Phase[];
  to: Phase;
  queues: QueuedAdvice;
  /** What happened, as the state diagram and the audit trail say it. */
  label: string;
  stamps?: readonly Stamp[];
}

/**
 * The payment lifecycle (docs/protocol.md §5–§7, §10): every change of a
 * payment's state is one of these, made only by `PaymentLifecycle`, and only
 * from the phases listed. docs/payment-states.md draws this table; a test
 * keeps the two the same.
 */
export const TRANSITIONS = {
  hold: { from: ['NEW'], to: 'WAITING_SCAN', queues: null, label: 'stored, held for its scan' },
  sendAtOnce: { from: ['NEW'], to: 'SENDING', queues: null, label: 'stored, partner known (named or early scan)' },
  claimForScan: {
    from: ['WAITING_SCAN'],
    to: 'SENDING',
    queues: null,
    label: 'scan accepted',
    stamps: ['scannedAt'],
  },
  expireWait: { from: ['WAITING_SCAN'], to: 'NO_SCAN', queues: null, label: 'no scan in time' },
  closeWait: {
    from: ['WAITING_SCAN'],
    to: 'CLOSED',
    queues: null,
    label: 'retailer gone, hub stopping or holder died',
  },
  reverseWaiting: { from: ['WAITING_SCAN'], to: 'CLOSED', queues: null, label: 'retailer reversed before the scan' },
  reverseWhenAnswered: {
    from: ['SENDING'],
    to: 'SENDING',
    queues: null,
    label: 'retailer reversed while in flight',
  },
  approve: {
    from: ['SENDING'],
    to: 'APPROVED',
    queues: null,
    label: 'partner approved',
    stamps: ['answeredAt', 'approvedAt'],
  },
  decline: { from: ['SENDING'], to: 'DECLINED', queues: null, label: 'partner declined', stamps: ['answeredAt'] },
  markUnknown: {
    from: ['SENDING'],
    to: 'UNKNOWN',
    queues: 'REVERSAL',
    label: 'outcome unknown, hub reverses (TIMEOUT)',
    stamps: ['answeredAt', 'settledAt'],
  },
  reverseOnApproval: {
    from: ['APPROVED'],
    to: 'REVERSED',
    queues: 'REVERSAL',
    label: 'approved after the retailer reversed',
    stamps: ['settledAt'],
  },
  confirm: {
    from: ['APPROVED'],
    to: 'CONFIRMED',
    queues: 'CONFIRMATION',
    label: 'retailer confirmed',
    stamps: ['settledAt'],
  },
  reverse: {
    from: ['APPROVED'],
    to: 'REVERSED',
    queues: 'REVERSAL',
    label: 'retailer reversed, or approval not answered',
    stamps: ['settledAt'],
  },
} as const satisfies Record<string, TransitionRule>;

export type TransitionName = keyof typeof TRANSITIONS;

/** The phase a stored payment is in. */
export function phaseOf(payment: Pick<Payment, 'state' | 'settlement'>): Phase {
  if (payment.state !== 'APPROVED') return payment.state;
  return payment.settlement === 'NONE' ? 'APPROVED' : payment.settlement;
}

/** The time columns `name` sets, each to `now`. */
export function stampsOf(name: TransitionName, now: number): Partial<Record<Stamp, number>> {
  const rule: TransitionRule = TRANSITIONS[name];
  const stamps: Partial<Record<Stamp, number>> = {};
  for (const stamp of rule.stamps ?? []) stamps[stamp] = now;
  return stamps;
}

/** The columns that put a payment in `phase`. */
export function columnsOf(phase: StoredPhase): { state: PaymentState; settlement?: Settlement } {
  if (phase === 'CONFIRMED' || phase === 'REVERSED') return { state: 'APPROVED', settlement: phase };
  if (phase === 'APPROVED') return { state: 'APPROVED', settlement: 'NONE' };
  return { state: phase };
}

/** SQL that holds for a stored payment in one of `phases` (literals, so partial indexes can serve it). */
export function phasePredicate(phases: readonly Phase[]): string {
  const terms = phases.map((phase) => {
    if (phase === 'NEW') throw new Error('A stored payment is never NEW');
    const { state, settlement } = columnsOf(phase);
    return settlement ? `(state = '${state}' AND settlement = '${settlement}')` : `state = '${state}'`;
  });
  return terms.length === 1 ? terms[0] : `(${terms.join(' OR ')})`;
}

/** Fails loudly: `name` cannot move a payment that is in `phase`. */
export class IllegalTransitionError extends Error {
  constructor(name: TransitionName, phase: Phase) {
    super(
      `Payment lifecycle: ${name} is not allowed from ${phase} (allowed from ${TRANSITIONS[name].from.join(', ')})`,
    );
  }
}

/** Whether `name` may move a payment now in `phase`. */
export function allows(name: TransitionName, phase: Phase): boolean {
  return (TRANSITIONS[name].from as readonly Phase[]).includes(phase);
}
