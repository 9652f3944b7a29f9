/**
 * The one suite every partner connector must pass (docs/protocol.md §8, STYLE: partner
 * connectors). It drives the connector through the sandbox rules
 * (`src/partners/connectors/sandbox/sandbox-rules.ts`): the in-process sandbox
 * applies them itself; a connector to a real partner is run against the test
 * partner server, which answers by the same rules.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ErrorType } from '@app/errors/error-type';
import type { AdviceOutcome, LateAnswer, PartnerConnector, PayOutcome } from '@app/partners/partner-connector';
import type { PaymentRequest, PaymentReversal } from '@qr-hub/protocol';
import { aPaymentConfirmation, aPaymentRequest, aPaymentReversal, ZAR } from './factories/messages.factory';

/** A connector under test and how to drive its time. */
export interface ContractHarness {
  connector: PartnerConnector;
  close(): Promise<void>;
  /** Moves a fake clock by `ms`; absent → the connector runs on real time. */
  advanceTime?(ms: number): void;
}

/** Generous for calls that should answer at once. */
const PROMPT = { timeoutMs: 5_000, partnerRef: null };

/** An advice as plain JSON, as the hub stores and sends it (a reversal's fields include a confirmation's). */
function json(message: object): PaymentReversal {
  return JSON.parse(JSON.stringify(message)) as PaymentReversal;
}

/** A PaymentRequest as the hub sends it upstream, for `amount` cents. */
export function upstreamPayment(amount: number): PaymentRequest {
  const tranId = randomBytes(16).toString('hex');
  const request = aPaymentRequest(tranId, {
    client: { id: 'qr-hub', name: 'QR Hub' },
    amounts: { requestAmount: { amount, currency: ZAR } },
    partner: { id: 'wallet-a', name: 'Wallet A' },
    partnerPaymentToken: `tok-${randomUUID()}`,
  });
  return JSON.parse(JSON.stringify(request)) as PaymentRequest;
}

interface Tracked<T> {
  promise: Promise<T>;
  settled: boolean;
  value?: T;
}

function track<T>(promise: Promise<T>): Tracked<T> {
  const tracked: Tracked<T> = { promise, settled: false };
  void promise.then((value) => {
    tracked.settled = true;
    tracked.value = value;
  });
  return tracked;
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Time as the connector sees it: a fake clock moved by the test, or real time. */
class Timeline {
  private virtualMs = 0;
  private readonly startedAt = Date.now();

  constructor(private readonly harness: ContractHarness) {}

  elapsed(): number {
    return this.harness.advanceTime ? this.virtualMs : Date.now() - this.startedAt;
  }

  async pass(ms: number): Promise<void> {
    if (this.harness.advanceTime) {
      await flush();
      this.harness.advanceTime(ms);
      this.virtualMs += ms;
      await flush();
    } else {
      await new Promise((resolve) => setTimeout(resolve, ms));
    }
  }

  /** Lets time pass in small steps until `condition` holds; fails after `maxMs`. */
  async until(condition: () => boolean, maxMs: number): Promise<void> {
    await flush();
    while (!condition()) {
      if (this.elapsed() > maxMs) throw new Error(`condition not met within ${maxMs} ms`);
      await this.pass(5);
    }
  }
}

/** Runs the connector contract against the connector `setup` makes (a fresh one per case). */
export function connectorContract(name: string, setup: () => Promise<ContractHarness>): void {
  describe(`partner connector contract: ${name}`, () => {
    let harness: ContractHarness;
    let connector: PartnerConnector;

    beforeEach(async () => {
      harness = await setup();
      connector = harness.connector;
    });
    afterEach(() => harness.close());

    const pay = (amount: number): Promise<{ request: PaymentRequest; outcome: PayOutcome }> => {
      const request = upstreamPayment(amount);
      return connector.pay(request, PROMPT).then((outcome) => ({ request, outcome }));
    };

    it('approve: ..00 is successful, approving the requested amount for the same tranId', async () => {
      const { request, outcome } = await pay(1000);
      expect(outcome).toMatchObject({ kind: 'successful', status: 201 });
      const body = outcome.kind === 'successful' ? outcome.body : null;
      expect(body).toMatchObject({
        id: request.id,
        tranId: request.tranId,
        amounts: { approvedAmount: { amount: 1000, currency: ZAR } },
        tenders: [{ tenderType: 'WALLET', amount: { amount: 1000, currency: ZAR } }],
      });
      const identifiers = body?.thirdPartyIdentifiers;
      expect(identifiers).toEqual(expect.arrayContaining(request.thirdPartyIdentifiers));
      expect(identifiers).toHaveLength(request.thirdPartyIdentifiers.length + 1);
    });

    it('decline: ..51 is failed with INSUFFICIENT_FUNDS and the provider code', async () => {
      const { request, outcome } = await pay(1051);
      expect(outcome).toMatchObject({
        kind: 'failed',
        status: 400,
        error: { errorType: ErrorType.INSUFFICIENT_FUNDS, providerErrorCode: '51', tranId: request.tranId },
      });
    });

    it('decline: ..57 is failed with DECLINED_BY_PARTNER', async () => {
      const { outcome } = await pay(2057);
      expect(outcome).toMatchObject({
        kind: 'failed',
        status: 400,
        error: { errorType: ErrorType.DECLINED_BY_PARTNER },
      });
    });

    it('unknown: a partner 500 (..96) is unknown', async () => {
      const { outcome } = await pay(1096);
      expect(outcome).toEqual({ kind: 'unknown', status: 500, reason: 'status 500' });
    });

    it('timeout: no answer (..91) is unknown "timeout" after about timeoutMs', async () => {
      const time = new Timeline(harness);
      const call = track(connector.pay(upstreamPayment(1091), { timeoutMs: 200 }));
      await time.until(() => call.settled, 3_000);
      expect(call.value).toMatchObject({ kind: 'unknown', reason: 'timeout' });
      expect(time.elapsed()).toBeGreaterThanOrEqual(190);
      expect(time.elapsed()).toBeLessThan(1_000);
    });

    it('late answer: an approval after the timeout (..92) is reported to onLateAnswer and changes nothing', async () => {
      const late: LateAnswer[] = [];
      const time = new Timeline(harness);
      const call = track(connector.pay(upstreamPayment(1092), { timeoutMs: 100, onLateAnswer: (a) => late.push(a) }));
      await time.until(() => call.settled, 3_000);
      expect(call.value).toMatchObject({ kind: 'unknown', reason: 'timeout' });
      expect(late).toHaveLength(0);

      await time.until(() => late.length > 0, 3_000);
      expect(late).toHaveLength(1);
      expect(late[0]).toMatchObject({ status: 201, body: { amounts: { approvedAmount: { amount: 1092 } } } });
      expect(late[0].receivedAt).toEqual(expect.any(Number));
      await expect(call.promise).resolves.toMatchObject({ kind: 'unknown', reason: 'timeout' });
    });

    it('a slow approval within the timeout (..92) is simply successful', async () => {
      const late: LateAnswer[] = [];
      const time = new Timeline(harness);
      const call = track(connector.pay(upstreamPayment(1092), { timeoutMs: 3_000, onLateAnswer: (a) => late.push(a) }));
      await time.until(() => call.settled, 3_000);
      expect(call.value).toMatchObject({ kind: 'successful', status: 201 });
      expect(late).toEqual([]);
    });

    it('advices of an approved payment are accepted (202, echoed)', async () => {
      const { request } = await pay(1000);
      const confirmation = json(aPaymentConfirmation(request.id));
      const reversal = json(aPaymentReversal(request.id, { reversalReason: 'TIMEOUT' }));
      await expect(connector.confirm(confirmation, PROMPT)).resolves.toMatchObject({
        kind: 'successful',
        status: 202,
        body: { id: confirmation.id, requestId: request.id },
      });
      await expect(connector.reverse(reversal, PROMPT)).resolves.toMatchObject({ kind: 'successful', status: 202 });
    });

    it('advice retry: each advice of a ..97 payment is unknown twice, then successful', async () => {
      const { request, outcome } = await pay(1097);
      expect(outcome.kind).toBe('successful');
      const confirmation = json(aPaymentConfirmation(request.id));
      const confirms: AdviceOutcome[] = [];
      for (let i = 0; i < 3; i++) confirms.push(await connector.confirm(confirmation, PROMPT));
      expect(confirms.map((o) => o.kind)).toEqual(['unknown', 'unknown', 'successful']);
      expect(confirms[0]).toMatchObject({ status: 500 });
      expect(confirms[2]).toMatchObject({ status: 202, body: { id: confirmation.id } });

      const reversal = json(aPaymentReversal(request.id));
      const reverses: AdviceOutcome[] = [];
      for (let i = 0; i < 3; i++) reverses.push(await connector.reverse(reversal, PROMPT));
      expect(reverses.map((o) => o.kind)).toEqual(['unknown', 'unknown', 'successful']);
    });

    it('advice refused: an advice of a ..98 payment is failed, every time', async () => {
      const { request } = await pay(1098);
      const confirmation = json(aPaymentConfirmation(request.id));
      for (let i = 0; i < 2; i++) {
        await expect(connector.confirm(confirmation, PROMPT)).resolves.toMatchObject({
          kind: 'failed',
          status: 400,
          error: { providerErrorCode: '98', originalId: request.id },
        });
      }
      await expect(connector.reverse(json(aPaymentReversal(request.id)), PROMPT)).resolves.toMatchObject({
        kind: 'failed',
      });
    });

    it('reversal of a payment the partner never saw is successful (404: nothing to reverse)', async () => {
      const outcome = await connector.reverse(
        json(aPaymentReversal(randomUUID(), { reversalReason: 'TIMEOUT' })),
        PROMPT,
      );
      expect(outcome).toMatchObject({ kind: 'successful', status: 404 });
    });

    it('confirmation of a payment the partner never saw is failed (404 UNABLE_TO_LOCATE_RECORD)', async () => {
      const outcome = await connector.confirm(json(aPaymentConfirmation(randomUUID())), PROMPT);
      expect(outcome).toMatchObject({
        kind: 'failed',
        status: 404,
        error: { errorType: ErrorType.UNABLE_TO_LOCATE_RECORD },
      });
    });

    it('a timed-out payment (..91) can be reversed', async () => {
      const request = upstreamPayment(3091);
      const time = new Timeline(harness);
      const call = track(connector.pay(request, { timeoutMs: 50 }));
      await time.until(() => call.settled, 3_000);
      expect(call.value?.kind).toBe('unknown');
      const reversal = json(aPaymentReversal(request.id, { reversalReason: 'TIMEOUT' }));
      await expect(connector.reverse(reversal, PROMPT)).resolves.toMatchObject({ kind: 'successful', status: 202 });
    });
  });
}
