import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock, TimerHandle } from '@app/clock/clock';
import type { PartnerConfig } from '@app/config/hub-config.schema';
import type { ErrorDetail } from '@app/errors/error-detail';
import { ErrorType } from '@app/errors/error-type';
import { classifyStatus, MessageKind, type JsonBody as JsonObject } from '@qr-hub/protocol';
import type {
  PartnerCallOptions,
  PartnerConnector,
  PartnerConnectorFactory,
  PartnerOutcome,
} from '@app/partners/partner-connector';
import { PartnerConnectorType } from '@app/partners/partner-connector.decorator';
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
    this.remember(id, amount);
    const decision = sandboxDecision(amount);
    switch (decision.kind) {
      case 'hang':
        return { kind: 'hang' };
      case 'fault':
        return now(this.error(500, request, ErrorType.GENERAL_ERROR, 'Sandbox partner fault'));
      case 'decline':
        return now(this.error(400, request, decision.errorType, decision.errorMessage, decision.providerErrorCode));
      case 'approve': {
        const body = approvedPaymentResponse(request, {
          partnerId: this.partnerId,
          time: new Date((this.options.now ?? Date.now)()).toISOString(),
          transactionIdentifier: randomUUID(),
        });
        const delayMs = decision.delayMs > 0 ? (this.options.slowMs ?? decision.delayMs) : 0;
        return { kind: 'answer', delayMs, status: 201, body };
      }
    }
  }

  advise(kind: AdviceKind, advice: JsonObject): SimulatedAnswer {
    if (typeof advice.requestId !== 'string') {
      return this.error(400, advice, ErrorType.FORMAT_ERROR, 'requestId missing');
    }
    const payment = this.payments.get(advice.requestId);
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

  private remember(id: string, amount: number): void {
    this.payments.set(id, { amount, attempts: { confirmation: 0, reversal: 0 } });
    // Maps iterate in insertion order, so the first key is the oldest payment.
    while (this.payments.size > this.maxRemembered) {
      const oldest = this.payments.keys().next().value;
      if (oldest === undefined) break;
      this.payments.delete(oldest);
    }
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

/** Classifies a simulated answer with the seed's status table, as a real connector would. */
export function sandboxOutcome(answer: SimulatedAnswer, kind: MessageKind): PartnerOutcome {
  const { status, body } = answer;
  switch (classifyStatus(status, kind)) {
    case 'successful':
      return { kind: 'successful', status, body };
    case 'unknown':
      return { kind: 'unknown', status, reason: `status ${status}` };
    case 'failed': {
      const error = answer.error ?? {
        id: randomUUID(),
        errorType: ErrorType.GENERAL_ERROR,
        errorMessage: `Partner answered ${status}`,
        providerErrorCode: String(status),
      };
      return { kind: 'failed', status, error };
    }
  }
}

interface PendingCall {
  timers: Set<TimerHandle>;
  settled: boolean;
  resolve(outcome: PartnerOutcome): void;
}

/**
 * A partner simulated in-process (docs/protocol.md §8), for demos and tests. Delays and
 * timeouts run on the injected clock, so tests with a fake clock drive the
 * "hang" and "slow" rules without sleeping.
 */
export class SandboxConnector implements PartnerConnector {
  private readonly partner: SandboxPartner;
  private readonly calls = new Set<PendingCall>();

  constructor(
    partnerId: string,
    private readonly clock: Clock,
    options: Omit<SandboxPartnerOptions, 'now'> = {},
  ) {
    this.partner = new SandboxPartner(partnerId, { ...options, now: () => clock.now() });
  }

  pay(request: JsonObject, options: PartnerCallOptions): Promise<PartnerOutcome> {
    const answer = this.partner.pay(request);
    if (answer.kind === 'answer' && answer.delayMs === 0) return Promise.resolve(sandboxOutcome(answer, 'request'));
    return this.answerLater(answer.kind === 'hang' ? null : answer, options);
  }

  confirm(advice: JsonObject): Promise<PartnerOutcome> {
    return Promise.resolve(sandboxOutcome(this.partner.advise('confirmation', advice), 'confirmation'));
  }

  reverse(advice: JsonObject): Promise<PartnerOutcome> {
    return Promise.resolve(sandboxOutcome(this.partner.advise('reversal', advice), 'reversal'));
  }

  /** Settles calls still waiting as unknown and cancels their timers. */
  close(): Promise<void> {
    for (const call of [...this.calls]) {
      call.timers.forEach((t) => this.clock.clearTimer(t));
      call.timers.clear();
      this.calls.delete(call);
      this.settle(call, { kind: 'unknown', reason: 'partner connector closed' });
    }
    return Promise.resolve();
  }

  /**
   * Races a delayed (or never-coming, `null`) answer against the caller's
   * timeout. An answer after the timeout goes to `onLateAnswer` and changes
   * nothing already reported (docs/protocol.md §5).
   */
  private answerLater(
    answer: (SimulatedAnswer & { delayMs: number }) | null,
    options: PartnerCallOptions,
  ): Promise<PartnerOutcome> {
    return new Promise((resolve) => {
      const call: PendingCall = { timers: new Set(), settled: false, resolve };
      this.calls.add(call);
      const timeout = this.schedule(call, options.timeoutMs, () =>
        this.settle(call, { kind: 'unknown', reason: 'timeout' }),
      );
      if (!answer) return;
      this.schedule(call, answer.delayMs, () => {
        if (!call.settled) {
          this.clock.clearTimer(timeout);
          call.timers.delete(timeout);
          this.settle(call, sandboxOutcome(answer, 'request'));
        } else {
          try {
            options.onLateAnswer?.({ status: answer.status, body: answer.body, receivedAt: this.clock.now() });
          } catch {
            // A failing recorder must not throw out of a timer and crash the hub; it logs its own errors.
          }
        }
      });
    });
  }

  private schedule(call: PendingCall, ms: number, fn: () => void): TimerHandle {
    const handle = this.clock.setTimer(() => {
      call.timers.delete(handle);
      fn();
      if (call.timers.size === 0) this.calls.delete(call);
    }, ms);
    call.timers.add(handle);
    return handle;
  }

  private settle(call: PendingCall, outcome: PartnerOutcome): void {
    if (call.settled) return;
    call.settled = true;
    if (call.timers.size === 0) this.calls.delete(call);
    call.resolve(outcome);
  }
}

/** The `sandbox` connector type: no settings needed (docs/protocol.md §8). */
@PartnerConnectorType('sandbox')
@Injectable()
export class SandboxConnectorFactory implements PartnerConnectorFactory {
  constructor(private readonly clock: Clock) {}

  validate(): string[] {
    return [];
  }

  create(partner: PartnerConfig): PartnerConnector {
    return new SandboxConnector(partner.id, this.clock);
  }
}
