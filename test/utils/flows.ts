import request from 'supertest';
import { aCreateQrCodeRequest, aPaymentRequest, aScanNotification } from '../factories/messages.factory';
import { RETAILER, WALLET } from '../factories/hub-config.factory';
import { testTls } from './test-tls';

export interface Credentials {
  id: string;
  password: string;
}

/** Posts JSON with Basic auth to a hub at `baseUrl` over verified HTTPS. */
export type Post = (path: string, body: unknown, auth: Credentials) => Promise<request.Response>;

export function poster(baseUrl: string): Post {
  const ca = testTls().cert;
  return (path, body, auth) =>
    request(baseUrl)
      .post(path)
      .ca(ca)
      .auth(auth.id, auth.password)
      .set('Content-Type', 'application/json')
      .send(body as object)
      .then((r) => r);
}

const zar = (amount: number) => ({ amount, currency: '710' });

/** Creates a QR code for `amount` (minor units) and returns its tranId. */
export async function createQr(post: Post, amount: number, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await post(
    '/qr/v1/qrCodes',
    aCreateQrCodeRequest({ amounts: { requestAmount: zar(amount) }, qrProperties: { value: zar(amount), ...extra } }),
    RETAILER,
  );
  if (res.status !== 201) throw new Error(`createQrCode: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.tranId as string;
}

export function payment(tranId: string, amount: number) {
  return aPaymentRequest(tranId, { amounts: { requestAmount: zar(amount) } });
}

/** Starts `pay` (held by the hub) and returns the pending answer. */
export function startPay(post: Post, tranId: string, amount: number) {
  const body = payment(tranId, amount);
  const answer = post('/qr/v1/payments', body, RETAILER);
  // Handled here so a lost connection is not an unhandled rejection before the caller awaits it.
  answer.catch(() => undefined);
  return { id: body.id, answer };
}

/**
 * Sends the partner's scan, retrying while the hub has not yet stored the
 * payment (a scan that comes too early is declined — docs/protocol.md §6).
 */
export async function scanWhenWaiting(post: Post, tranId: string, partner: Credentials = WALLET, tries = 50) {
  for (let i = 0; ; i++) {
    const res = await post('/qr/v1/scans', aScanNotification(tranId, partner.id), partner);
    if (res.status !== 400 || res.body.errorType !== 'UNABLE_TO_LOCATE_RECORD' || i >= tries) return res;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A whole pay ∥ scan exchange; resolves with the retailer's answer. */
export async function payWithScan(post: Post, tranId: string, amount: number, partner: Credentials = WALLET) {
  const pay = startPay(post, tranId, amount);
  const scan = await scanWhenWaiting(post, tranId, partner);
  return { id: pay.id, scan, answer: await pay.answer };
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  ms = 20_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
