import type { Logger } from '@nestjs/common';
import type { PartnerConnector, PartnerOutcome } from './partner-connector';

/** How long past its timeout a call may run before the hub stops waiting for the connector. */
export const OVERRUN_GRACE_MS = 1_000;
/** `payments.partner_ref` holds this many characters. */
export const MAX_PARTNER_REF = 256;

/**
 * What the hub relies on, enforced once where connectors are built (docs/adding-a-connector.md,
 * "What the core expects back"), so a connector that breaks its contract cannot hold a
 * retailer's request, outlive an advice's lease, or lose an outcome:
 * - a call that rejects is `unknown` (the partner may have acted);
 * - a call still running `OVERRUN_GRACE_MS` after its `timeoutMs` is `unknown` (its answer,
 *   if it ever comes, is dropped: the hub has already acted on unknown);
 * - a `partnerRef` that is not a string of 1–256 characters is dropped with an error line,
 *   since it could not be stored.
 * Deadlines run on real time: they race the connector's own sockets and timers.
 */
export function guarded(connector: PartnerConnector, partnerId: string, logger: Logger): PartnerConnector {
  /** The outcome (or late answer) without a reference that could not be stored. */
  const sane = <T extends { partnerRef?: string }>(outcome: T): T => {
    const ref: unknown = outcome.partnerRef;
    if (ref === undefined || (typeof ref === 'string' && ref.length > 0 && ref.length <= MAX_PARTNER_REF)) {
      return outcome;
    }
    logger.error(
      `partner ${partnerId}: connector reported an unusable partnerRef (not 1–${MAX_PARTNER_REF} characters); dropped`,
    );
    const { partnerRef: _dropped, ...rest } = outcome;
    return rest as T;
  };
  const call = <TBody>(
    timeoutMs: number,
    send: () => Promise<PartnerOutcome<TBody>>,
  ): Promise<PartnerOutcome<TBody>> => {
    let timer: NodeJS.Timeout | undefined;
    const overrun = new Promise<PartnerOutcome<TBody>>((resolve) => {
      timer = setTimeout(
        () => resolve({ kind: 'unknown', reason: `connector overran its timeout (${timeoutMs} ms)` }),
        timeoutMs + OVERRUN_GRACE_MS,
      );
      timer.unref();
    });
    const answered = Promise.resolve()
      .then(send)
      .then(sane, (error: unknown): PartnerOutcome<TBody> => ({
        kind: 'unknown',
        reason: `connector error: ${error instanceof Error ? error.message : String(error)}`,
      }));
    return Promise.race([answered, overrun]).finally(() => clearTimeout(timer));
  };
  return {
    pay: (request, options) =>
      call(options.timeoutMs, () =>
        connector.pay(request, {
          ...options,
          ...(options.onLateAnswer && { onLateAnswer: (late) => options.onLateAnswer?.(sane(late)) }),
        }),
      ),
    confirm: (advice, options) => call(options.timeoutMs, () => connector.confirm(advice, options)),
    reverse: (advice, options) => call(options.timeoutMs, () => connector.reverse(advice, options)),
    ...(connector.close && { close: () => connector.close?.() ?? Promise.resolve() }),
  };
}
