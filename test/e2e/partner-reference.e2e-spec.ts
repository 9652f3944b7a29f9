import { defineConnector, type AdviceCall, type PartnerConnector } from '@qr-hub/connector-kit';
import type { PaymentRequest } from '@qr-hub/protocol';
import { SandboxConnector } from '@app/partners/connectors/sandbox/sandbox.connector';
import { RETAILER } from '../factories/hub-config.factory';
import { aPaymentConfirmation, aPaymentRequest, aPaymentReversal } from '../factories/messages.factory';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { createQr, poster, waitFor } from '../utils/flows';
import { HubStore } from '../utils/lifecycle-db';
import { createTestDatabase, TestDatabase } from '../utils/test-database';

/*
 * docs/adding-a-connector.md, "The partner's reference": a connector's outcome (a late answer
 * too) may carry the partner's own reference for the payment; the hub stores it with the
 * payment in the outcome's transaction and hands it back with every advice, also from
 * another hub process after a restart. With none known, the connector is told `null`.
 */

/** What the hub handed the partner's connector, and a switch to make the partner unreachable. */
const wallet = {
  pays: [] as Array<{ requestId: string; partnerRef?: string }>,
  advices: [] as Array<{ kind: 'confirm' | 'reverse'; requestId: string; partnerRef: string | null }>,
  down: false,
};

/** The sandbox's rules (it gives a reference with each answer), recording what the hub hands over. */
const refWallet = defineConnector({
  type: 'ref-wallet',
  description: 'a test wallet that needs its own reference to confirm or reverse',
  options: (h) => h.object({}),
  create: (_options, context): PartnerConnector => {
    const inner = new SandboxConnector(context.partnerId, context.clock);
    const advise = (kind: 'confirm' | 'reverse', requestId: string, call: AdviceCall) => {
      wallet.advices.push({ kind, requestId, partnerRef: call.partnerRef });
      return wallet.down ? Promise.resolve({ kind: 'unknown' as const, reason: 'partner down' }) : undefined;
    };
    return {
      pay: async (request: PaymentRequest, call) => {
        const outcome = await inner.pay(request, {
          ...call,
          onLateAnswer: (late) => {
            wallet.pays.push({ requestId: request.id, partnerRef: late.partnerRef });
            call.onLateAnswer?.(late);
          },
        });
        if (outcome.kind !== 'unknown') wallet.pays.push({ requestId: request.id, partnerRef: outcome.partnerRef });
        return outcome;
      },
      confirm: (advice, call) => advise('confirm', advice.requestId, call) ?? inner.confirm(advice, call),
      reverse: (advice, call) => advise('reverse', advice.requestId, call) ?? inner.reverse(advice, call),
      close: () => inner.close(),
    };
  },
});

const PARTNER = { id: 'ref-wallet', name: 'Ref Wallet' };

describe('the partner reference is durable (docs/adding-a-connector.md)', () => {
  let db: TestDatabase;
  let hub: TestApp;
  const start = () =>
    createTestApp({
      database: db,
      connectors: [refWallet],
      extraPartners: [{ id: PARTNER.id, connector: 'ref-wallet', timeoutMs: 150 }],
      initialDelayMs: 50,
      maxDelayMs: 100,
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    hub = await start();
  });
  afterAll(async () => {
    await hub?.close();
    await db?.drop();
  });
  beforeEach(() => {
    wallet.pays.length = 0;
    wallet.advices.length = 0;
    wallet.down = false;
  });

  /** A payment the retailer routes to the ref wallet directly (docs/protocol.md §5.3). */
  async function pay(amount: number) {
    const post = poster(hub.baseUrl);
    const tranId = await createQr(post, amount);
    const body = aPaymentRequest(tranId, { amounts: { requestAmount: { amount, currency: '710' } }, partner: PARTNER });
    const answer = await post('/qr/v1/payments', body, RETAILER);
    const stored = await new HubStore(hub).payment(body.id);
    return { id: body.id, upstreamId: stored?.upstreamId ?? '', answer, post };
  }

  it("stores an approval's reference with the payment and hands it to the confirmation", async () => {
    const { id, upstreamId, answer, post } = await pay(1000);
    expect(answer.status).toBe(201);
    const [given] = wallet.pays;
    expect(given).toEqual({ requestId: upstreamId, partnerRef: expect.any(String) });
    expect(await new HubStore(hub).payment(id)).toMatchObject({ state: 'APPROVED', partnerRef: given.partnerRef });

    expect((await post('/qr/v1/payments/confirmations', aPaymentConfirmation(id), RETAILER)).status).toBe(202);
    await new HubStore(hub).untilOutbox(id, 'CONFIRMATION', 'DELIVERED');
    expect(wallet.advices).toEqual([{ kind: 'confirm', requestId: upstreamId, partnerRef: given.partnerRef }]);
  });

  it("stores a decline's reference too", async () => {
    const { id, answer } = await pay(1051);
    expect(answer.status).toBe(400);
    expect(await new HubStore(hub).payment(id)).toMatchObject({
      state: 'DECLINED',
      partnerRef: wallet.pays[0].partnerRef,
    });
  });

  it('reverses a timed-out payment telling the connector no reference is known, then keeps the late answer’s', async () => {
    const { id, upstreamId, answer } = await pay(1092); // answers after 300 ms; the partner's timeout is 150 ms
    expect(answer.status).toBe(503);
    const store = new HubStore(hub);
    await store.untilOutbox(id, 'REVERSAL', 'DELIVERED');
    expect(wallet.advices[0]).toEqual({ kind: 'reverse', requestId: upstreamId, partnerRef: null });
    const late = await waitFor('the late answer', async () => wallet.pays.find((p) => p.requestId === upstreamId));
    expect(late.partnerRef).toEqual(expect.any(String));
    await waitFor('the late reference stored', async () =>
      (await store.payment(id))?.partnerRef === late.partnerRef ? true : undefined,
    );
  });

  it('hands the stored reference to a reversal that another hub process delivers after a restart', async () => {
    const { id, upstreamId, answer, post } = await pay(1000);
    expect(answer.status).toBe(201);
    const ref = wallet.pays[0].partnerRef;
    wallet.down = true;
    expect((await post('/qr/v1/payments/reversals', aPaymentReversal(id), RETAILER)).status).toBe(202);
    await waitFor('a failed attempt', async () => (wallet.advices.length > 0 ? true : undefined));
    await hub.close();

    // A new process: fresh connectors, nothing in memory; only the store knows the reference.
    wallet.down = false;
    wallet.advices.length = 0;
    hub = await start();
    await new HubStore(hub).untilOutbox(id, 'REVERSAL', 'DELIVERED');
    expect(wallet.advices.at(-1)).toEqual({ kind: 'reverse', requestId: upstreamId, partnerRef: ref });
  });
});
