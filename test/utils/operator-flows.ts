import request from 'supertest';
import type { OutboxEntry } from '@app/outbox/outbox-entry.entity';
import { Database, managerOf } from '@app/persistence/database';
import { QrCode } from '@app/qr-codes/qr-code.entity';
import { OPERATOR, RETAILER, SANDBOX } from '../factories/hub-config.factory';
import { aPaymentConfirmation, aScanNotification } from '../factories/messages.factory';
import type { TestApp } from './create-test-app';
import { Credentials, createQr, poster, startPay } from './flows';
import { HubStore } from './lifecycle-db';
import { testTls } from './test-tls';

/** The ids of one sale through the sandbox partner, as an operator might search for them. */
export interface Sale {
  tranId: string;
  qrRequestId: string;
  paymentId: string;
  scanId: string;
  adviceId: string;
}

/**
 * A whole sale through the in-process sandbox partner: QR code, pay (held),
 * one scan once the hub holds the payment (so no early scan is declined and
 * the timeline is exactly the happy path), 201, then the retailer's
 * confirmation (202). The sandbox's answer to the advice depends on the cents
 * (98: refused → parked).
 */
export async function confirmedSale(hub: TestApp, amount: number): Promise<Sale> {
  const post = poster(hub.baseUrl);
  const store = new HubStore(hub);
  const tranId = await createQr(post, amount);
  // createQr returns only the tranId; the stored code has the request id.
  const qr = await hub.app.get(Database).run((tx) => managerOf(tx).findOneBy(QrCode, { tranId }));
  const qrRequestId = qr?.requestId ?? '';
  const pay = startPay(post, tranId, amount);
  await store.untilPaymentState(pay.id, 'WAITING_SCAN');
  const scan = aScanNotification(tranId, SANDBOX.id);
  const scanned = await post('/qr/v1/scans', scan, SANDBOX);
  if (scanned.status !== 202) throw new Error(`notifyScan: ${scanned.status} ${scanned.text}`);
  const paid = await pay.answer;
  if (paid.status !== 201) throw new Error(`pay: ${paid.status} ${paid.text}`);
  const advice = aPaymentConfirmation(pay.id);
  const confirmed = await post('/qr/v1/payments/confirmations', advice, RETAILER);
  if (confirmed.status !== 202) throw new Error(`confirmPayment: ${confirmed.status} ${confirmed.text}`);
  return { tranId, qrRequestId, paymentId: pay.id, scanId: scan.id, adviceId: advice.id };
}

/** A confirmed sale whose confirmation the hub has delivered to the partner. */
export async function deliveredSale(hub: TestApp, amount = 1000): Promise<Sale & { outbox: OutboxEntry }> {
  const sale = await confirmedSale(hub, amount);
  const outbox = await new HubStore(hub).untilOutbox(sale.paymentId, 'CONFIRMATION', 'DELIVERED');
  return { ...sale, outbox };
}

/** A confirmed sale whose confirmation the sandbox refused (cents 98): parked for an operator. */
export async function parkedSale(hub: TestApp, amount = 1098): Promise<Sale & { outbox: OutboxEntry }> {
  const sale = await confirmedSale(hub, amount);
  const outbox = await new HubStore(hub).untilOutbox(sale.paymentId, 'CONFIRMATION', 'PARKED');
  return { ...sale, outbox };
}

/** GET with Basic auth over verified HTTPS (operator by default; `null` sends no credentials). */
export function getAs(hub: TestApp, path: string, auth: Credentials | null = OPERATOR): request.Test {
  const req = request(hub.baseUrl).get(path).ca(testTls().cert);
  return auth ? req.auth(auth.id, auth.password) : req;
}

/** POST without a body, as the console's forms and a script calling the API send it. */
export function postAs(hub: TestApp, path: string, auth: Credentials | null = OPERATOR): request.Test {
  const req = request(hub.baseUrl).post(path).ca(testTls().cert);
  return auth ? req.auth(auth.id, auth.password) : req;
}
