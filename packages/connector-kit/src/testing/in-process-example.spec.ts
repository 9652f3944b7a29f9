import type { JsonBody, PaymentRequest, PaymentResponse } from '@qr-hub/protocol';
import type { AdviceCall, AdviceOutcome, PartnerConnector, PartnerOutcome, PayCall, PayOutcome } from '../connector';
import type { ConnectorClock } from '../define-connector';
import { SandboxPartner, type AdviceKind, type SimulatedAnswer } from '../sandbox/sandbox-partner';
import { connectorContract, ManualClock } from './index';

/*
 * Proves the suite on fake time (`advanceTime`): a connector with its simulated partner
 * in-process, every delay and timeout on the hub's clock, so the timing cases run in
 * milliseconds of real time and are exact on the connector's clock.
 */

class InProcessConnector implements PartnerConnector {
  private readonly partner: SandboxPartner;

  constructor(private readonly clock: ConnectorClock) {
    this.partner = new SandboxPartner('in-process', { now: () => clock.now() });
  }

  pay(request: PaymentRequest, call: PayCall): Promise<PayOutcome> {
    const answer = this.partner.pay(request as unknown as JsonBody);
    return new Promise((resolve) => {
      let settled = false;
      const timer = this.clock.setTimer(() => {
        settled = true;
        resolve({ kind: 'unknown', reason: 'timeout' });
      }, call.timeoutMs);
      if (answer.kind === 'hang') return;
      const deliver = (): void => {
        const outcome = classify<PaymentResponse>(answer, 'pay');
        if (!settled) {
          settled = true;
          this.clock.clearTimer(timer);
          resolve(outcome);
        } else {
          const { status, body, partnerRef } = answer;
          call.onLateAnswer?.({ status, body, partnerRef, outcome: outcome.kind, receivedAt: this.clock.now() });
        }
      };
      if (answer.delayMs > 0) this.clock.setTimer(deliver, answer.delayMs);
      else deliver();
    });
  }

  async confirm(advice: object, call: AdviceCall): Promise<AdviceOutcome> {
    return this.advise('confirmation', advice, call);
  }

  async reverse(advice: object, call: AdviceCall): Promise<AdviceOutcome> {
    return this.advise('reversal', advice, call);
  }

  private advise(kind: AdviceKind, advice: object, call: AdviceCall): AdviceOutcome {
    const answer = this.partner.advise(kind, advice as JsonBody, call.partnerRef ?? undefined);
    return classify(answer, kind);
  }
}

function classify<T>(answer: SimulatedAnswer, kind: 'pay' | AdviceKind): PartnerOutcome<T> {
  const { status, partnerRef } = answer;
  const ref = partnerRef !== undefined ? { partnerRef } : {};
  if (status < 300 || (status === 404 && kind === 'reversal')) {
    return { kind: 'successful', status, body: answer.body as T, ...ref };
  }
  if (status >= 500) return { kind: 'unknown', status, reason: `status ${status}` };
  return { kind: 'failed', status, error: answer.error!, ...ref };
}

connectorContract('kit-example-in-process', async () => {
  const clock = new ManualClock();
  return {
    connector: new InProcessConnector(clock),
    partnerRefs: 'always',
    advanceTime: (ms) => clock.advance(ms),
    wire: { approved: 201, declined: 400, fault: 500, adviceAccepted: 202, adviceRefused: 400, notFound: 404 },
    close: async () => undefined,
  };
});
