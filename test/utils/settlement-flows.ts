import { randomUUID } from 'node:crypto';
import { OTHER_RETAILER, RETAILER, SANDBOX } from '../factories/hub-config.factory';
import {
  aCreateQrCodeRequest,
  aPaymentConfirmation,
  aPaymentRequest,
  aPaymentReversal,
  aScanNotification,
} from '../factories/messages.factory';
import type { TestApp } from './create-test-app';
import { Credentials, poster } from './flows';
import { HubStore } from './lifecycle-db';

/** ISO 4217 numeric codes the settlement specs pay in. */
export const ZAR = '710';
export const USD = '840';

/**
 * Sales through the in-process sandbox partner for either test retailer and
 * in any currency, each step at the hub clock's current time (the sandbox
 * answers at once unless the cents say otherwise: 51 declined, 91 never
 * answers, 97 advices fail twice, 98 advices refused).
 */
export class SettlementFlows {
  private readonly post;
  private readonly store: HubStore;

  constructor(hub: TestApp) {
    this.post = poster(hub.baseUrl);
    this.store = new HubStore(hub);
  }

  /** Creates a QR code and pays it; the sandbox has scanned it, the retailer's answer is pending. */
  async startSale(amount: number, retailer: Credentials = RETAILER, currency = ZAR) {
    const client = { id: retailer.id, name: retailer.id === OTHER_RETAILER.id ? 'Other Retailer' : 'Demo Retailer' };
    const tpi = (prefix: string) => [
      { institutionId: retailer.id, transactionIdentifier: `${prefix}-${randomUUID().slice(0, 8)}` },
    ];
    const value = { amount, currency };
    const qr = await this.post(
      '/qr/v1/qrCodes',
      aCreateQrCodeRequest({
        client,
        thirdPartyIdentifiers: tpi('QR'),
        amounts: { requestAmount: value },
        qrProperties: { value },
      }),
      retailer,
    );
    if (qr.status !== 201) throw new Error(`createQrCode: ${qr.status} ${qr.text}`);
    const tranId = qr.body.tranId as string;
    const body = aPaymentRequest(tranId, {
      client,
      thirdPartyIdentifiers: tpi('POS'),
      amounts: { requestAmount: value },
    });
    const answer = this.post('/qr/v1/payments', body, retailer);
    answer.catch(() => undefined);
    await this.store.untilPaymentState(body.id, 'WAITING_SCAN');
    const scanned = await this.post('/qr/v1/scans', aScanNotification(tranId, SANDBOX.id), SANDBOX);
    if (scanned.status !== 202) throw new Error(`notifyScan: ${scanned.status} ${scanned.text}`);
    return { id: body.id, answer };
  }

  /** A sale the sandbox approves now (201); returns the payment id. */
  async approvedSale(amount: number, retailer: Credentials = RETAILER, currency = ZAR): Promise<string> {
    const sale = await this.startSale(amount, retailer, currency);
    const res = await sale.answer;
    if (res.status !== 201) throw new Error(`pay: ${res.status} ${res.text}`);
    return sale.id;
  }

  /** The retailer's confirmation or reversal of payment `id` (202). */
  async advise(kind: 'confirmations' | 'reversals', id: string, retailer: Credentials = RETAILER): Promise<void> {
    const body = kind === 'confirmations' ? aPaymentConfirmation(id) : aPaymentReversal(id);
    const res = await this.post(`/qr/v1/payments/${kind}`, body, retailer);
    if (res.status !== 202) throw new Error(`${kind}: ${res.status} ${res.text}`);
  }
}
