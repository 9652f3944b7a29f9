import { randomUUID } from 'node:crypto';
import {
  defineConnector,
  SandboxPartner,
  type AdviceCall,
  type AdviceOutcome,
  type ConnectorClock,
  type PartnerConnector,
  type PartnerOutcome,
  type PayCall,
  type PayOutcome,
  type SandboxPartnerOptions,
  type SimulatedAnswer,
  type TimerHandle,
} from '@qr-hub/connector-kit';
import {
  classifyStatus,
  ErrorType,
  type JsonBody,
  type MessageKind,
  type PaymentConfirmation,
  type PaymentRequest,
  type PaymentResponse,
  type PaymentReversal,
} from '@qr-hub/protocol';

/** Classifies a simulated answer with the protocol's status table, as a real connector would. */
export function sandboxOutcome<TBody>(answer: SimulatedAnswer, kind: MessageKind): PartnerOutcome<TBody> {
  const { status, body, partnerRef } = answer;
  const ref = partnerRef !== undefined ? { partnerRef } : {};
  switch (classifyStatus(status, kind)) {
    case 'successful':
      return { kind: 'successful', status, body: body as TBody, ...ref };
    case 'unknown':
      return { kind: 'unknown', status, reason: `status ${status}` };
    case 'failed': {
      const error = answer.error ?? {
        id: randomUUID(),
        errorType: ErrorType.GENERAL_ERROR,
        errorMessage: `Partner answered ${status}`,
        providerErrorCode: String(status),
      };
      return { kind: 'failed', status, error, ...ref };
    }
  }
}

interface PendingCall {
  timers: Set<TimerHandle>;
  settled: boolean;
  resolve(outcome: PayOutcome): void;
}

const asJson = (message: object): JsonBody => message as JsonBody;

/**
 * A partner simulated in-process (docs/protocol.md §8), for demos and tests. Delays and
 * timeouts run on the hub's clock, so tests with a fake clock drive the
 * "hang" and "slow" rules without sleeping.
 */
export class SandboxConnector implements PartnerConnector {
  private readonly partner: SandboxPartner;
  private readonly calls = new Set<PendingCall>();

  constructor(
    partnerId: string,
    private readonly clock: ConnectorClock,
    options: Omit<SandboxPartnerOptions, 'now'> = {},
  ) {
    this.partner = new SandboxPartner(partnerId, { ...options, now: () => clock.now() });
  }

  pay(request: PaymentRequest, call: PayCall): Promise<PayOutcome> {
    const answer = this.partner.pay(asJson(request));
    if (answer.kind === 'answer' && answer.delayMs === 0) {
      return Promise.resolve(sandboxOutcome<PaymentResponse>(answer, 'request'));
    }
    return this.answerLater(answer.kind === 'hang' ? null : answer, call);
  }

  /* The simulated partner finds a payment by the hub's request id, so it needs no reference. */
  confirm(advice: PaymentConfirmation, _call?: AdviceCall): Promise<AdviceOutcome> {
    return Promise.resolve(sandboxOutcome(this.partner.advise('confirmation', asJson(advice)), 'confirmation'));
  }

  reverse(advice: PaymentReversal, _call?: AdviceCall): Promise<AdviceOutcome> {
    return Promise.resolve(sandboxOutcome(this.partner.advise('reversal', asJson(advice)), 'reversal'));
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
  private answerLater(answer: (SimulatedAnswer & { delayMs: number }) | null, options: PayCall): Promise<PayOutcome> {
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
          this.settle(call, sandboxOutcome<PaymentResponse>(answer, 'request'));
        } else {
          try {
            options.onLateAnswer?.({
              status: answer.status,
              body: answer.body,
              outcome: classifyStatus(answer.status, 'request'),
              ...(answer.partnerRef !== undefined && { partnerRef: answer.partnerRef }),
              receivedAt: this.clock.now(),
            });
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

  private settle(call: PendingCall, outcome: PayOutcome): void {
    if (call.settled) return;
    call.settled = true;
    if (call.timers.size === 0) this.calls.delete(call);
    call.resolve(outcome);
  }
}

/** The `sandbox` connector type: no options; refused in production (docs/protocol.md §8). */
export const sandboxConnector = defineConnector({
  type: 'sandbox',
  description: 'a simulated wallet (in-process; outcomes chosen by the cents of the amount)',
  allowedInProduction: false,
  options: (h) => h.object({}),
  create: (_options, context) => new SandboxConnector(context.partnerId, context.clock),
});
