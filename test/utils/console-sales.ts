import { randomUUID } from 'node:crypto';
import { Payment } from '@app/lifecycle/payment.entity';
import { Database, managerOf } from '@app/persistence/database';
import { RETAILER, SANDBOX } from '../factories/hub-config.factory';
import { aPaymentConfirmation, aPaymentReversal, aScanNotification } from '../factories/messages.factory';
import type { TestApp } from './create-test-app';
import { createQr, poster, startPay } from './flows';
import { HubStore } from './lifecycle-db';

/** One payment through the in-process sandbox, as the transaction list and timeline show it. */
export interface Outcome {
  tranId: string;
  paymentId: string;
}

/**
 * A payment through the sandbox partner (outcomes by the cents, see
 * docs/adding-a-connector.md): scanned and answered, then confirmed,
 * reversed by the retailer, or left as the partner answered. Cents 51
 * declines (INSUFFICIENT_FUNDS); 91 never answers, so with a short partner
 * timeout the hub reverses it (UNKNOWN, partner timed out).
 */
export async function sandboxSale(
  hub: TestApp,
  amount: number,
  then: 'confirm' | 'reverse' | 'nothing' = 'confirm',
): Promise<Outcome> {
  const post = poster(hub.baseUrl);
  const store = new HubStore(hub);
  const tranId = await createQr(post, amount);
  const pay = startPay(post, tranId, amount);
  await store.untilPaymentState(pay.id, 'WAITING_SCAN');
  const scanned = await post('/qr/v1/scans', aScanNotification(tranId, SANDBOX.id), SANDBOX);
  if (scanned.status !== 202) throw new Error(`notifyScan: ${scanned.status} ${scanned.text}`);
  const paid = await pay.answer;
  if (paid.status === 201 && then !== 'nothing') {
    const advice = then === 'confirm' ? aPaymentConfirmation(pay.id) : aPaymentReversal(pay.id);
    const path = then === 'confirm' ? '/qr/v1/payments/confirmations' : '/qr/v1/payments/reversals';
    const res = await post(path, advice, RETAILER);
    if (res.status !== 202) throw new Error(`${then}: ${res.status} ${res.text}`);
  }
  return { tranId, paymentId: pay.id };
}

/** A payment held for its scan (the retailer's pay call stays open until the scan wait ends). */
export async function waitingSale(hub: TestApp, amount: number): Promise<Outcome> {
  const post = poster(hub.baseUrl);
  const tranId = await createQr(post, amount);
  const pay = startPay(post, tranId, amount);
  await new HubStore(hub).untilPaymentState(pay.id, 'WAITING_SCAN');
  return { tranId, paymentId: pay.id };
}

/** A payment row written straight to the store, for the list's filters and paging. */
export type SeedRow = Partial<Payment> & Pick<Payment, 'createdAt'>;

/** Writes payment rows as the lifecycle would have left them; returns them as stored. */
export async function seedPayments(hub: TestApp, rows: SeedRow[]): Promise<Payment[]> {
  const payments = rows.map((r) => {
    const p = new Payment();
    Object.assign(p, {
      id: randomUUID(),
      tranId: randomUUID().replace(/-/g, ''),
      clientId: RETAILER.id,
      terminalId: 'T0000001',
      partnerId: 'sandbox',
      upstreamId: null,
      state: 'APPROVED',
      settlement: 'CONFIRMED',
      reversalRequested: false,
      amount: 1000,
      currency: '710',
      approvedAmount: null,
      instanceId: 'seed',
      waitDeadline: null,
      request: {},
      upstreamRequest: null,
      upstreamResponse: null,
      error: null,
      partnerRef: null,
      lateResponse: null,
      scannedAt: null,
      answeredAt: null,
      approvedAt: null,
      settledAt: null,
      partnerMs: null,
      unknownReason: null,
      updatedAt: r.createdAt,
      ...r,
    } satisfies Omit<Payment, never>);
    return p;
  });
  await hub.app.get(Database).run(async (tx) => {
    for (const p of payments) await managerOf(tx).save(p);
  });
  return payments;
}
