import { randomUUID } from 'node:crypto';
import { ErrorType, type ErrorDetail, type JsonBody as JsonObject } from '@qr-hub/protocol';
import {
  adviceDecision,
  approvedPaymentResponse,
  requestAmountOf,
  sandboxDecision,
  sandboxErrorDetail,
} from './sandbox-rules';

/** An HTTP-like answer of the simulated partner: what a real partner would put on the wire. */
export interface SimulatedAnswer {
  status: number;
  body: JsonObject | null;
  /** The ErrorDetail carried by a non-2xx answer (also in `body`). */
  error?: ErrorDetail;
  /** The partner's own reference for the payment, on its answers to a payment it took in. */
  partnerRef?: string;
}

/** The simulated partner's answer to a payment: after `delayMs`, or never. */
export type SandboxPayAnswer = ({ kind: 'answer'; delayMs: number } & SimulatedAnswer) | { kind: 'hang' };

export type AdviceKind = 'confirmation' | 'reversal';

export interface SandboxPartnerOptions {
  /** Delay of the "approve slowly" rule (`92`); default `SANDBOX_SLOW_MS`. */
  slowMs?: number;
  /** Payments remembered for their advices; the oldest are forgotten beyond this. Default 10,000. */
  maxRemembered?: number;
  /** Time source for the messages' `time`. Default `Date.now`. */
  now?: () => number;
}

interface RememberedPayment {
  amount: number;
  /** The partner's own reference (its `thirdPartyIdentifiers` entry on an approval). */
  ref: string;
  attempts: Record<AdviceKind, number>;
}

const DEFAULT_MAX_REMEMBERED = 10_000;

/**
 * The simulated partner's state and answers, without any timing: it remembers
 * each payment's amount (keyed by the PaymentRequest id, which advices name as
 * `requestId`) and how often each advice for it was tried, and answers by the
 * rules in `sandbox-rules.ts`. The sandbox connector and the tests' HTTPS
 * partner server share it, so both behave identically.
 */
export class SandboxPartner {
  private readonly payments = new Map<string, RememberedPayment>();
  /** Request id by partner reference, for dialects that address advices by the partner's reference. */
  private readonly byRef = new Map<string, string>();
  private readonly maxRemembered: number;

  constructor(
    readonly partnerId: string,
    private readonly options: SandboxPartnerOptions = {},
  ) {
    this.maxRemembered = options.maxRemembered ?? DEFAULT_MAX_REMEMBERED;
  }

  pay(request: JsonObject): SandboxPayAnswer {
    const amount = requestAmountOf(request);
    const id = typeof request.id === 'string' ? request.id : undefined;
    if (amount === undefined || id === undefined) {
      return now(this.error(400, request, ErrorType.FORMAT_ERROR, 'id or requestAmount missing or invalid'));
    }
    if (this.payments.has(id)) return now(this.error(400, request, ErrorType.DUPLICATE_RECORD, 'Duplicate request id'));
    // Remembered whatever the outcome: a timed-out payment gets a timeout reversal (docs/protocol.md §5).
    const ref = this.remember(id, amount);
    const decision = sandboxDecision(amount);
    switch (decision.kind) {
      case 'hang':
        return { kind: 'hang' };
      case 'fault':
        return now(this.error(500, request, ErrorType.GENERAL_ERROR, 'Sandbox partner fault'));
      case 'decline': {
        const answer = this.error(400, request, decision.errorType, decision.errorMessage, decision.providerErrorCode);
        return now({ ...answer, partnerRef: ref });
      }
      case 'approve': {
        const body = approvedPaymentResponse(request, {
          partnerId: this.partnerId,
          time: new Date((this.options.now ?? Date.now)()).toISOString(),
          transactionIdentifier: ref,
        });
        const delayMs = decision.delayMs > 0 ? (this.options.slowMs ?? decision.delayMs) : 0;
        return { kind: 'answer', delayMs, status: 201, body, partnerRef: ref };
      }
    }
  }

  /**
   * Answers one attempt of an advice. The payment is found by the advice's `requestId`, or,
   * for a dialect that addresses advices by the partner's own reference, by `partnerRef`.
   */
  advise(kind: AdviceKind, advice: JsonObject, partnerRef?: string): SimulatedAnswer {
    const requestId = partnerRef !== undefined ? this.byRef.get(partnerRef) : advice.requestId;
    if (partnerRef === undefined && typeof requestId !== 'string') {
      return this.error(400, advice, ErrorType.FORMAT_ERROR, 'requestId missing');
    }
    const payment = typeof requestId === 'string' ? this.payments.get(requestId) : undefined;
    if (!payment) {
      // 404 to a reversal means "nothing to reverse" and counts as done (docs/protocol.md §7); to a confirmation it is a failure.
      return this.error(404, advice, ErrorType.UNABLE_TO_LOCATE_RECORD, 'No such payment');
    }
    payment.attempts[kind] += 1;
    const decision = adviceDecision(payment.amount, payment.attempts[kind]);
    switch (decision.kind) {
      case 'accept':
        return { status: 202, body: { ...advice } }; // advices are echoed whole (docs/protocol.md §2)
      case 'fault':
        return this.error(500, advice, ErrorType.GENERAL_ERROR, 'Sandbox advice fault; try again');
      case 'refuse':
        return this.error(400, advice, decision.errorType, decision.errorMessage, decision.providerErrorCode);
    }
  }

  /** The partner's reference for the payment with request id `requestId`, if it took one in. */
  refOf(requestId: string): string | undefined {
    return this.payments.get(requestId)?.ref;
  }

  private remember(id: string, amount: number): string {
    const ref = randomUUID();
    this.payments.set(id, { amount, ref, attempts: { confirmation: 0, reversal: 0 } });
    this.byRef.set(ref, id);
    // Maps iterate in insertion order, so the first key is the oldest payment.
    while (this.payments.size > this.maxRemembered) {
      const oldest = this.payments.entries().next().value;
      if (oldest === undefined) break;
      this.payments.delete(oldest[0]);
      this.byRef.delete(oldest[1].ref);
    }
    return ref;
  }

  private error(
    status: number,
    message: JsonObject,
    errorType: ErrorType,
    errorMessage: string,
    providerErrorCode?: string,
  ): SimulatedAnswer {
    const error = sandboxErrorDetail(message, { errorType, errorMessage, providerErrorCode }, randomUUID());
    return { status, body: { ...error }, error };
  }
}

function now(answer: SimulatedAnswer): SandboxPayAnswer {
  return { kind: 'answer', delayMs: 0, ...answer };
}
