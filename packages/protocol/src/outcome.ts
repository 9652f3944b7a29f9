import type { JsonBody } from './json';

/**
 * The seed's status table (protocol basics, docs/protocol.md §2) — the one place that
 * decides what an HTTP status means. No NestJS here: the hub's connectors and
 * the retailer client library both use it.
 *
 *   200, 201, 202, 404*  successful
 *   500, 504, timeout    unknown
 *   400, 404*, 501, 503, everything else  failed
 *
 * *404 is successful for a reversal (nothing to reverse) and failed elsewhere.
 */
export type OutcomeClass = 'successful' | 'unknown' | 'failed';

/** What was sent: a reversal is the only message for which 404 means success. */
export type MessageKind = 'request' | 'confirmation' | 'reversal';

export function classifyStatus(status: number, kind: MessageKind): OutcomeClass {
  if (status === 200 || status === 201 || status === 202) return 'successful';
  if (status === 404) return kind === 'reversal' ? 'successful' : 'failed';
  if (status === 500 || status === 504) return 'unknown';
  return 'failed';
}

/**
 * How a dialect reads an answer: its class, from the status and, for a
 * dialect that needs it, the body (say, a partner that answers 200 with
 * `{"status":"DECLINED"}`). The transport (`HttpExchange`) never classifies;
 * the dialect on top of it picks one of these.
 */
export type AnswerClassifier = (answer: { status: number; body: JsonBody | null }, kind: MessageKind) => OutcomeClass;

/** The Electrum interface's classifier: the status table above; the body plays no part. */
export const electrumClassifier: AnswerClassifier = (answer, kind) => classifyStatus(answer.status, kind);

/** The agreed client timeout when nothing else was agreed (protocol basics). */
export const DEFAULT_TIMEOUT_MS = 60_000;
