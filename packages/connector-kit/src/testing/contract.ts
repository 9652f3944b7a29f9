/// <reference types="jest" />
import {
  ERROR_TYPES,
  ErrorType,
  type ErrorDetail,
  type PaymentRequest,
  type PaymentResponse,
  type PaymentConfirmation,
  type PaymentReversal,
} from '@qr-hub/protocol';
import type { AdviceOutcome, LateAnswer, PartnerConnector, PayCall, PayOutcome } from '../connector';
import { Timeline, track } from './timeline';
import { upstreamAdviceFor, upstreamPaymentRequest } from './upstream-messages';

/**
 * The HTTP statuses of a dialect, for a connector that reports them in `status`. Each is
 * checked only when declared: the suite is about meaning, a dialect's numbers are its own.
 */
export interface WireDetails {
  /** An approval (Electrum: 201). */
  approved?: number;
  /** A decline, cents 51 and 57 (Electrum: 400). */
  declined?: number;
  /** The partner's fault answer to a payment, cents 96 (Electrum: 500). */
  fault?: number;
  /** An advice accepted (Electrum: 202). */
  adviceAccepted?: number;
  /** The first two answers to an advice of a cents-97 payment (Electrum: 500). */
  adviceFault?: number;
  /** An advice of a cents-98 payment refused (Electrum: 400). */
  adviceRefused?: number;
  /** A confirmation of a payment the partner never saw (Electrum: 404). */
  notFound?: number;
  /** A reversal of a payment the partner never saw (Electrum: 404). */
  nothingToReverse?: number;
}

/** A connector under test, made fresh for each case, and what the suite may expect of it. */
export interface ContractHarness {
  connector: PartnerConnector;
  /** Ends the connector and its partner (double, fake clock, …). */
  close(): Promise<void>;
  /**
   * `always`: the connector reports the partner's reference on approvals, declines and late
   * answers, and confirms and reverses by it. `never`: it reports none (the dialect
   * addresses advices by the hub's `requestId`), and the suite checks none is made up.
   */
  partnerRefs: 'always' | 'never';
  /** Moves the connector's fake clock by `ms`; absent: the connector runs on real time. */
  advanceTime?(ms: number): void;
  wire?: WireDetails;
  /** Makes the partner unreachable (e.g. closes the partner double); enables the unreachable case. */
  stopPartner?(): Promise<void>;
}

/* Generous for calls that should answer at once. */
const PROMPT_MS = 5_000;

type Successful<T> = Extract<T, { kind: 'successful' }>;
type AdviceKind = 'CONFIRMATION' | 'REVERSAL';
type Advice = { kind: 'CONFIRMATION'; message: PaymentConfirmation } | { kind: 'REVERSAL'; message: PaymentReversal };

/**
 * The one suite every partner connector passes (docs/protocol.md §8). It drives the
 * connector by the sandbox rules (cents of the amount: `SANDBOX_RULES`) and checks what the
 * outcomes mean, whatever the partner's dialect: a connector to a real partner runs against
 * `startPartnerDouble` with its dialect's translation; an in-process one applies the rules itself.
 * Every message is built as the hub builds it (`upstreamPaymentRequest`, `upstreamAdvice`).
 */
export function connectorContract(type: string, setup: () => Promise<ContractHarness>): void {
  describe(`partner connector contract: ${type}`, () => {
    let harness: ContractHarness;
    let wire: WireDetails;

    beforeEach(async () => {
      harness = await setup();
      wire = harness.wire ?? {};
    });
    afterEach(async () => {
      // Forgotten first: should the next setup fail, this harness is not closed twice.
      const done = harness;
      harness = undefined as unknown as ContractHarness;
      await done?.close();
    });

    const timeline = (): Timeline => new Timeline(harness.advanceTime);
    /** A call that should answer at once; fake time moves while it is pending. */
    const settle = <T>(what: string, promise: Promise<T>): Promise<T> =>
      timeline().settle(track(promise), PROMPT_MS + 1_000, what);

    const pay = async (amount: number, call: PayCall = { timeoutMs: PROMPT_MS }) => {
      const request = upstreamPaymentRequest(amount);
      const outcome = await timeline().settle(track(harness.connector.pay(request, call)), 3 * PROMPT_MS, 'pay');
      return { request, outcome };
    };

    /** An advice as the hub builds it for `request` (identifiers from the approval, when there was one). */
    const adviceOf = (kind: AdviceKind, request: PaymentRequest, approval?: PaymentResponse): Advice =>
      kind === 'CONFIRMATION'
        ? { kind, message: upstreamAdviceFor('CONFIRMATION', request, approval) }
        : { kind, message: upstreamAdviceFor('REVERSAL', request, approval, approval ? 'CANCELLED' : 'TIMEOUT') };
    /** Sends one advice as the hub does: with the reference it stored for the payment, or null. */
    const advise = (advice: Advice, partnerRef: string | null): Promise<AdviceOutcome> => {
      const call = { timeoutMs: PROMPT_MS, partnerRef };
      return advice.kind === 'CONFIRMATION'
        ? settle('confirm', harness.connector.confirm(advice.message, call))
        : settle('reverse', harness.connector.reverse(advice.message, call));
    };

    const expectStatus = (outcome: { status?: number }, status: number | undefined): void => {
      if (status !== undefined) expect(outcome.status).toBe(status);
    };
    const expectRef = (holder: { partnerRef?: string }): void => {
      if (harness.partnerRefs === 'always') expect(holder.partnerRef).toEqual(expect.stringMatching(/\S/));
      else expect(holder.partnerRef).toBeUndefined();
    };
    const approvalOf = (outcome: PayOutcome, request: PaymentRequest): PaymentResponse => {
      expect(outcome).toMatchObject({ kind: 'successful' });
      const body = (outcome as Successful<PayOutcome>).body;
      expect(body).toMatchObject({
        id: request.id,
        tranId: request.tranId,
        amounts: { approvedAmount: request.amounts.requestAmount },
        partner: { id: expect.any(String) },
      });
      // Identifiers are passed on unaltered: the hub's advices carry them back.
      expect(body.thirdPartyIdentifiers).toEqual(expect.arrayContaining(request.thirdPartyIdentifiers));
      return body;
    };
    const errorOf = (outcome: PayOutcome | AdviceOutcome): ErrorDetail => {
      expect(outcome).toMatchObject({ kind: 'failed' });
      const error = (outcome as Extract<PayOutcome, { kind: 'failed' }>).error;
      expect(error).toMatchObject({ id: expect.any(String), errorMessage: expect.any(String) });
      expect(ERROR_TYPES).toContain(error.errorType);
      return error;
    };

    describe('payments', () => {
      it('..00 is successful: the request approved in full, for its id and tranId; partnerRef as declared', async () => {
        const { request, outcome } = await pay(1000);
        approvalOf(outcome, request);
        expectStatus(outcome, wire.approved);
        expectRef(outcome);
      });

      it.each([
        { amount: 1051, errorType: ErrorType.INSUFFICIENT_FUNDS, providerErrorCode: '51' },
        { amount: 2057, errorType: ErrorType.DECLINED_BY_PARTNER, providerErrorCode: '57' },
      ])(
        '..$providerErrorCode is failed: $errorType, provider code $providerErrorCode, for the tranId; partnerRef as declared',
        async ({ amount, errorType, providerErrorCode }) => {
          const { request, outcome } = await pay(amount);
          expect(errorOf(outcome)).toMatchObject({ errorType, providerErrorCode, tranId: request.tranId });
          expectStatus(outcome, wire.declined);
          expectRef(outcome);
        },
      );

      it("..96 (the partner's fault) is unknown", async () => {
        const { outcome } = await pay(1096);
        expect(outcome.kind).toBe('unknown');
        expectStatus(outcome, wire.fault);
      });

      it('..91 (no answer) is unknown "timeout" after about timeoutMs', async () => {
        const time = timeline();
        const call = track(harness.connector.pay(upstreamPaymentRequest(1091), { timeoutMs: 200 }));
        expect(await time.settle(call, 3_000, 'pay')).toMatchObject({ kind: 'unknown', reason: 'timeout' });
        expect(time.elapsed()).toBeGreaterThanOrEqual(190);
        expect(time.elapsed()).toBeLessThan(1_000);
      });

      it('..92 after the timeout: unknown "timeout", then onLateAnswer once; the outcome stands, the late reference reverses it', async () => {
        const late: LateAnswer[] = [];
        const time = timeline();
        const request = upstreamPaymentRequest(1092);
        const call = track(harness.connector.pay(request, { timeoutMs: 100, onLateAnswer: (a) => late.push(a) }));
        const outcome = await time.settle(call, 3_000, 'pay');
        expect(outcome).toMatchObject({ kind: 'unknown', reason: 'timeout' });
        expect(late).toEqual([]);

        await time.until(() => late.length > 0, 3_000, 'late answer');
        await time.pass(100); // room for a second report, which must not come
        expect(late).toHaveLength(1);
        expect(late[0].receivedAt).toEqual(expect.any(Number));
        if (late[0].outcome !== undefined) expect(late[0].outcome).toBe('successful');
        expectStatus(late[0], wire.approved);
        expectRef(late[0]);
        await expect(call.promise).resolves.toEqual(outcome);

        const reversed = await advise(adviceOf('REVERSAL', request), late[0].partnerRef ?? null);
        expect(reversed.kind).toBe('successful');
        expectStatus(reversed, wire.adviceAccepted);
      });

      it('..92 within the timeout is simply successful, with no late answer', async () => {
        const late: LateAnswer[] = [];
        const { request, outcome } = await pay(1092, { timeoutMs: 3_000, onLateAnswer: (a) => late.push(a) });
        approvalOf(outcome, request);
        expectStatus(outcome, wire.approved);
        expect(late).toEqual([]);
      });

      it('an unreachable partner: pay resolves unknown, never rejects (when the harness can stop its partner)', async () => {
        if (!harness.stopPartner) return;
        await harness.stopPartner();
        const { outcome } = await pay(1000);
        expect(outcome.kind).toBe('unknown');
      });
    });

    describe('advices', () => {
      it('advices of an approved payment are successful, by the reference the payment was reported with', async () => {
        const { request, outcome } = await pay(1000);
        const approval = approvalOf(outcome, request);
        for (const kind of ['CONFIRMATION', 'REVERSAL'] as const) {
          const answer = await advise(adviceOf(kind, request, approval), outcome.partnerRef ?? null);
          expect(answer.kind).toBe('successful');
          expectStatus(answer, wire.adviceAccepted);
        }
      });

      it('..97: each advice, sent again as the hub retries it, is unknown twice, then successful', async () => {
        const { request, outcome } = await pay(1097);
        const approval = approvalOf(outcome, request);
        for (const kind of ['CONFIRMATION', 'REVERSAL'] as const) {
          const advice = adviceOf(kind, request, approval);
          const answers: AdviceOutcome[] = [];
          for (let i = 0; i < 3; i++) answers.push(await advise(advice, outcome.partnerRef ?? null));
          expect(answers.map((a) => a.kind)).toEqual(['unknown', 'unknown', 'successful']);
          expectStatus(answers[0], wire.adviceFault);
        }
      });

      it('..98: advices are failed every time, provider code 98', async () => {
        const { request, outcome } = await pay(1098);
        const approval = approvalOf(outcome, request);
        for (const kind of ['CONFIRMATION', 'CONFIRMATION', 'REVERSAL'] as const) {
          const answer = await advise(adviceOf(kind, request, approval), outcome.partnerRef ?? null);
          expect(errorOf(answer)).toMatchObject({ providerErrorCode: '98' });
          expectStatus(answer, wire.adviceRefused);
        }
      });

      it('a reversal of a payment the partner never saw is successful: nothing to reverse', async () => {
        const answer = await advise(adviceOf('REVERSAL', upstreamPaymentRequest(1000)), null);
        expect(answer.kind).toBe('successful');
        expectStatus(answer, wire.nothingToReverse);
      });

      it('a confirmation of a payment the partner never saw is failed: UNABLE_TO_LOCATE_RECORD', async () => {
        const answer = await advise(adviceOf('CONFIRMATION', upstreamPaymentRequest(1000)), null);
        expect(errorOf(answer).errorType).toBe(ErrorType.UNABLE_TO_LOCATE_RECORD);
        expectStatus(answer, wire.notFound);
      });

      it('a timed-out payment (..91), no reference known, is reversed with partnerRef null', async () => {
        const { request, outcome } = await pay(3091, { timeoutMs: 50 });
        expect(outcome).toMatchObject({ kind: 'unknown', reason: 'timeout' });
        const answer = await advise(adviceOf('REVERSAL', request), null);
        expect(answer.kind).toBe('successful');
        expectStatus(answer, wire.adviceAccepted);
      });

      it("advices with partnerRef null of an approved payment still reach the partner's record", async () => {
        const { request, outcome } = await pay(1000);
        const approval = approvalOf(outcome, request);
        for (const kind of ['CONFIRMATION', 'REVERSAL'] as const) {
          expect((await advise(adviceOf(kind, request, approval), null)).kind).toBe('successful');
        }
        // ..98 refuses its advices: a connector that skipped the partner for want of a reference would not see that.
        const refused = await pay(1098);
        const refusedApproval = approvalOf(refused.outcome, refused.request);
        const answer = await advise(adviceOf('REVERSAL', refused.request, refusedApproval), null);
        expect(errorOf(answer)).toMatchObject({ providerErrorCode: '98' });
      });
    });
  });
}
