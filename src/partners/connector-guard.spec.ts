import type { Logger } from '@nestjs/common';
import { upstreamPaymentRequest, upstreamAdviceFor } from '@qr-hub/connector-kit/testing';
import { guarded, MAX_PARTNER_REF, OVERRUN_GRACE_MS } from './connector-guard';
import type { LateAnswer, PartnerConnector, PayOutcome } from './partner-connector';

/* docs/adding-a-connector.md, "What the core expects back": enforced around every connector. */
const request = upstreamPaymentRequest(1000);
const advice = upstreamAdviceFor('CONFIRMATION', request);
const reversal = upstreamAdviceFor('REVERSAL', request);

function logger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, error: (m: string) => void lines.push(m) } as unknown as Logger & { lines: string[] };
}

function connector(pay: PartnerConnector['pay']): PartnerConnector {
  return {
    pay,
    confirm: () => new Promise(() => undefined),
    reverse: () => Promise.reject(new Error('socket hang up')),
  };
}

describe('the connector guard', () => {
  it('turns a call that rejects into unknown, naming the error', async () => {
    const guard = guarded(
      connector(() => Promise.reject(new Error('boom'))),
      'w',
      logger(),
    );
    await expect(guard.pay(request, { timeoutMs: 100 })).resolves.toEqual({
      kind: 'unknown',
      reason: 'connector error: boom',
    });
    await expect(guard.reverse(reversal, { timeoutMs: 100, partnerRef: null })).resolves.toEqual({
      kind: 'unknown',
      reason: 'connector error: socket hang up',
    });
  });

  it('stops waiting for a call that overruns its timeout', async () => {
    const guard = guarded(
      connector(() => new Promise(() => undefined)),
      'w',
      logger(),
    );
    const started = Date.now();
    await expect(guard.confirm(advice, { timeoutMs: 50, partnerRef: 'r' })).resolves.toEqual({
      kind: 'unknown',
      reason: 'connector overran its timeout (50 ms)',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(50 + OVERRUN_GRACE_MS - 20);
  });

  it('passes a good outcome through and drops a reference that could not be stored', async () => {
    const log = logger();
    let answer: PayOutcome = {
      kind: 'failed',
      status: 400,
      error: { id: 'e', errorType: 'DECLINED_BY_PARTNER', errorMessage: 'No' },
      partnerRef: 'ch_1',
    };
    const late: LateAnswer[] = [];
    const guard = guarded(
      connector((_r, call) => {
        call.onLateAnswer?.({ body: null, receivedAt: 1, partnerRef: 'x'.repeat(MAX_PARTNER_REF + 1) });
        return Promise.resolve(answer);
      }),
      'w',
      log,
    );
    await expect(guard.pay(request, { timeoutMs: 100, onLateAnswer: (a) => late.push(a) })).resolves.toEqual(answer);
    expect(late).toEqual([{ body: null, receivedAt: 1 }]);
    answer = { kind: 'unknown', reason: 'timeout', partnerRef: '' };
    await expect(guard.pay(request, { timeoutMs: 100 })).resolves.toEqual({ kind: 'unknown', reason: 'timeout' });
    // One for the late answer's 257 characters, one for the empty reference.
    expect(log.lines).toEqual([
      expect.stringMatching(/^partner w: connector reported an unusable partnerRef/),
      expect.stringMatching(/^partner w: connector reported an unusable partnerRef/),
    ]);
  });
});
