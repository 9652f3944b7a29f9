import { ErrorType, type ErrorDetail, type JsonBody as JsonObject } from '@qr-hub/protocol';

/*
 * The simulated partner's documented, deterministic behaviour (docs/protocol.md §8), chosen
 * by the cents of the requested amount so a tester at a till can pick an
 * outcome by typing a price (R10.51 → insufficient funds). The hub's in-process
 * `sandbox` connector and the kit's partner double (any dialect) both answer
 * from this file, so the connector contract drives every connector the same way.
 */

/** How long `92` ("approve slowly") waits before answering. */
export const SANDBOX_SLOW_MS = 300;

/** What the simulated partner does with a PaymentRequest. */
export type SandboxDecision =
  | { kind: 'approve'; delayMs: number }
  | { kind: 'decline'; status: 400; errorType: ErrorType; providerErrorCode: string; errorMessage: string }
  | { kind: 'hang' }
  | { kind: 'fault'; status: 500 };

/** What the simulated partner does with one attempt of an advice (confirmation or reversal). */
export type AdviceDecision =
  | { kind: 'accept'; status: 202 }
  | { kind: 'fault'; status: 500 }
  | { kind: 'refuse'; status: 400; errorType: ErrorType; providerErrorCode: string; errorMessage: string };

/** One row of the documented rule table (README / docs render it). */
export interface SandboxRule {
  /** The cents of `amounts.requestAmount.amount`, e.g. `51` or `00–49`. */
  cents: string;
  /** Cents values the row covers, for checks that the table and the code agree. */
  examples: readonly number[];
  pay: string;
  advices: string;
}

/** The rule table, in the order the docs show it. */
export const SANDBOX_RULES: readonly SandboxRule[] = [
  { cents: '00–49', examples: [0, 1, 49], pay: 'approved in full (201)', advices: 'accepted (202)' },
  {
    cents: '51',
    examples: [51],
    pay: 'declined: 400 INSUFFICIENT_FUNDS, providerErrorCode "51"',
    advices: 'accepted (202)',
  },
  {
    cents: '57',
    examples: [57],
    pay: 'declined: 400 DECLINED_BY_PARTNER, providerErrorCode "57"',
    advices: 'accepted (202)',
  },
  { cents: '91', examples: [91], pay: 'never answers (caller times out → unknown)', advices: 'accepted (202)' },
  {
    cents: '92',
    examples: [92],
    pay: `approved after ${SANDBOX_SLOW_MS} ms (a late answer when the timeout is shorter)`,
    advices: 'accepted (202)',
  },
  { cents: '96', examples: [96], pay: 'answers 500 (unknown)', advices: 'accepted (202)' },
  {
    cents: '97',
    examples: [97],
    pay: 'approved in full (201)',
    advices: 'each advice answers 500 twice, then 202 on the third try',
  },
  {
    cents: '98',
    examples: [98],
    pay: 'approved in full (201)',
    advices: 'refused: 400 GENERAL_ERROR, providerErrorCode "98" (parked)',
  },
  {
    cents: 'any other',
    examples: [50, 52, 56, 58, 90, 93, 95, 99],
    pay: 'approved in full (201)',
    advices: 'accepted (202)',
  },
];

/** Behaviour that does not depend on the amount, for the docs next to the table. */
export const SANDBOX_NOTES: readonly string[] = [
  'The cents are those of amounts.requestAmount.amount (minor units): 1051 = R10.51 → rule 51.',
  'Advices follow the rule of the payment they name (requestId); the partner remembers the last 10,000 payments.',
  'A reversal of a payment the partner never saw answers 404: nothing to reverse, counted as done (docs/protocol.md §7).',
  'A confirmation of a payment the partner never saw answers 404 UNABLE_TO_LOCATE_RECORD (failed).',
  'A reused PaymentRequest id answers 400 DUPLICATE_RECORD; one without a whole requestAmount 400 FORMAT_ERROR.',
];

/** The cents of an amount in minor units (0–99), also for negative amounts. */
export function centsOf(amountMinor: number): number {
  if (!Number.isSafeInteger(amountMinor)) throw new RangeError(`amount must be a whole number, got ${amountMinor}`);
  return ((amountMinor % 100) + 100) % 100;
}

/** What the simulated partner does with a payment of `amountMinor` (see `SANDBOX_RULES`). */
export function sandboxDecision(amountMinor: number): SandboxDecision {
  switch (centsOf(amountMinor)) {
    case 51:
      return decline(ErrorType.INSUFFICIENT_FUNDS, '51', 'Insufficient funds');
    case 57:
      return decline(ErrorType.DECLINED_BY_PARTNER, '57', 'Declined by partner');
    case 91:
      return { kind: 'hang' };
    case 92:
      return { kind: 'approve', delayMs: SANDBOX_SLOW_MS };
    case 96:
      return { kind: 'fault', status: 500 };
    default:
      return { kind: 'approve', delayMs: 0 };
  }
}

/**
 * What the simulated partner does with attempt `attemptNumber` (1 = first) of
 * an advice for a payment of `amountMinor`. `97` exercises store-and-forward
 * retries (docs/protocol.md §7); `98` gives a *failed* final answer, which parks the advice.
 */
export function adviceDecision(amountMinor: number, attemptNumber: number): AdviceDecision {
  if (!Number.isSafeInteger(attemptNumber) || attemptNumber < 1) {
    throw new RangeError(`attemptNumber must be 1 or more, got ${attemptNumber}`);
  }
  switch (centsOf(amountMinor)) {
    case 97:
      return attemptNumber <= 2 ? { kind: 'fault', status: 500 } : { kind: 'accept', status: 202 };
    case 98:
      return { kind: 'refuse', status: 400, ...detail(ErrorType.GENERAL_ERROR, '98', 'Advice refused by partner') };
    default:
      return { kind: 'accept', status: 202 };
  }
}

function decline(errorType: ErrorType, providerErrorCode: string, errorMessage: string): SandboxDecision {
  return { kind: 'decline', status: 400, ...detail(errorType, providerErrorCode, errorMessage) };
}

function detail(errorType: ErrorType, providerErrorCode: string, errorMessage: string) {
  return { errorType, providerErrorCode, errorMessage };
}

// ------------------------------------------------------------- the messages

/** `amounts.requestAmount.amount` of a PaymentRequest, when it is a whole, non-negative number. */
export function requestAmountOf(request: JsonObject): number | undefined {
  const amount = field(field(request.amounts, 'requestAmount'), 'amount');
  return typeof amount === 'number' && Number.isSafeInteger(amount) && amount >= 0 ? amount : undefined;
}

/* The PaymentRequest fields a PaymentResponse echoes (swagger PaymentResponse). */
const ECHOED_FIELDS = [
  'id',
  'originator',
  'client',
  'settlementEntity',
  'receiver',
  'slipData',
  'basketRef',
  'tranType',
  'srcAccType',
  'destAccType',
  'stan',
  'rrn',
  'tranId',
  'partnerPaymentToken',
] as const;

/** What the simulated partner's answer to an approved payment looks like. */
export interface ApprovalContext {
  partnerId: string;
  /** RFC 3339 time of the answer. */
  time: string;
  /** The partner's own reference for the payment (its `thirdPartyIdentifiers` entry). */
  transactionIdentifier: string;
}

/**
 * A swagger PaymentResponse approving `request` in full: the request's fields
 * echoed, `approvedAmount` = `requestAmount`, one WALLET tender, and the
 * partner's own identifier added to the request's `thirdPartyIdentifiers`.
 */
export function approvedPaymentResponse(request: JsonObject, ctx: ApprovalContext): JsonObject {
  const response: JsonObject = {};
  for (const key of ECHOED_FIELDS) if (request[key] !== undefined) response[key] = request[key];
  const requestAmount = field(request.amounts, 'requestAmount');
  const identifiers = Array.isArray(request.thirdPartyIdentifiers) ? request.thirdPartyIdentifiers : [];
  return {
    ...response,
    time: ctx.time,
    partner: request.partner ?? { id: ctx.partnerId, name: ctx.partnerId.slice(0, 40) },
    thirdPartyIdentifiers: [
      ...identifiers,
      { institutionId: ctx.partnerId, transactionIdentifier: ctx.transactionIdentifier },
    ],
    amounts: { requestAmount, approvedAmount: requestAmount },
    tenders: [
      {
        tenderType: 'WALLET',
        accountType: 'ELECTRONIC_PURSE',
        amount: requestAmount,
        reference: ctx.transactionIdentifier.slice(0, 40),
      },
    ],
  };
}

/** The ErrorDetail the simulated partner sends with a non-2xx answer to `message`. */
export function sandboxErrorDetail(
  message: JsonObject,
  error: { errorType: ErrorType; errorMessage: string; providerErrorCode?: string },
  fallbackId: string,
): ErrorDetail {
  const id = typeof message.id === 'string' ? message.id : fallbackId;
  return {
    id,
    ...(typeof message.requestId === 'string' && { originalId: message.requestId }),
    errorType: error.errorType,
    errorMessage: error.errorMessage,
    ...(error.providerErrorCode !== undefined && { providerErrorCode: error.providerErrorCode }),
    ...(typeof message.tranId === 'string' && { tranId: message.tranId }),
  };
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}
