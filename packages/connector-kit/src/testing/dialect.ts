import { timingSafeEqual } from 'node:crypto';
import type { BasicAdvice, JsonBody, PaymentRequest } from '@qr-hub/protocol';
import type { SimulatedAnswer } from '../sandbox/sandbox-partner';

/** One HTTP request as the partner double received it. */
export interface WireRequest {
  method: string;
  /** The request target below the double's `basePath`, query included, e.g. `/v2/charges?reference=…`. */
  path: string;
  /** Header names in lower case; a repeated header's values joined with `, `. */
  headers: Record<string, string | undefined>;
  /** The body as a JSON object; null when it is empty, not JSON, or not an object. */
  body: JsonBody | null;
  /** The body's text exactly as received, for dialects that sign the bytes. */
  text: string;
}

/**
 * An HTTP answer in the dialect. `body`: absent or null sends none, a string is sent as is,
 * anything else as JSON.
 */
export interface WireAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * What one request asks of the simulated partner, in the protocol's terms. The double
 * answers it by the sandbox rules:
 * - `pay`: the PaymentRequest as far as the dialect carries it; the rules need `id` (the
 *   hub's request id) and `amounts.requestAmount.amount`, and echo what else is given.
 * - `confirm` / `reverse`: the advice; the payment is found by `partnerRef` when the
 *   dialect addresses it by the partner's reference, else by `advice.requestId`.
 * - `lookup`: "the payment the hub sent with this request id": answered 200 with
 *   `{ requestId, partnerRef }` (and `partnerRef` set on the answer), or 404 UNABLE_TO_LOCATE_RECORD.
 */
export type PartnerCall =
  | { operation: 'pay'; request: Partial<PaymentRequest> }
  | { operation: 'confirm' | 'reverse'; advice: Partial<BasicAdvice>; partnerRef?: string }
  | { operation: 'lookup'; requestId: string };

export type PartnerOperation = PartnerCall['operation'];

/**
 * A partner's wire format, seen from the partner's side: the test supplies one so the double
 * speaks the dialect its connector speaks. The double owns HTTPS, the sandbox rules, the
 * partner's memory and the delays; the translation only reads requests and writes answers.
 */
export interface DialectTranslation {
  /** Names the dialect in recorded calls and error answers. */
  name: string;
  /** Which operation one HTTP request is, or an answer to send as is (e.g. 404 for an unknown route). */
  readRequest(request: WireRequest): PartnerCall | { answer: WireAnswer };
  /**
   * The simulated partner's answer in the dialect. `answer` is Electrum-shaped (status
   * 201/202/400/404/500, the PaymentResponse or ErrorDetail as body) with the partner's
   * reference in `partnerRef` on its answers to a payment it took in and to a lookup.
   */
  writeAnswer(call: PartnerCall, answer: SimulatedAnswer, request: WireRequest): WireAnswer;
  /** The answer to a request the double's `authorize` refused; default 401 `{ "error": "unauthorized" }`. */
  unauthorized?(request: WireRequest): WireAnswer;
}

/** An `authorize` for the double: HTTP Basic with exactly these credentials. */
export function acceptBasicAuth(username: string, password: string): (request: WireRequest) => boolean {
  const expected = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  return (request) => sameText(request.headers.authorization, expected);
}

/** An `authorize` for the double: `Authorization: Bearer <token>` with exactly this token. */
export function acceptBearerToken(token: string): (request: WireRequest) => boolean {
  return (request) => sameText(request.headers.authorization, `Bearer ${token}`);
}

function sameText(actual: string | undefined, expected: string): boolean {
  const a = Buffer.from(actual ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
