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
