import type { Counter, Histogram } from 'prom-client';
import type { PartnerConnector } from './partner-connector';

/** How a partner call ended (docs/protocol.md §2's status table, as the connector classified it). */
export type PartnerCallOutcome = 'successful' | 'failed' | 'unknown';
/** The connector call being timed. */
export type PartnerCall = 'pay' | 'confirm' | 'reverse';

/**
 * The two instruments partner calls are counted and timed with, by partner,
 * call and outcome. HubMetrics has them (MetricsModule provides it under this
 * class), so the registry needs nothing of the metrics folder.
 */
export abstract class PartnerCallMetrics {
  abstract readonly partnerCalls: Counter<'partner' | 'call' | 'outcome'>;
  abstract readonly partnerCallDuration: Histogram<'partner' | 'call' | 'outcome'>;
}

/**
 * Wraps a connector so every call is counted and timed by partner, call and
 * outcome. Done once where connectors are built (PartnerRegistry), so neither
 * the connectors nor the payment flows know about metrics.
 */
export function withCallMetrics(
  connector: PartnerConnector,
  partner: string,
  metrics: PartnerCallMetrics,
): PartnerConnector {
  const timed = async <T extends { kind: PartnerCallOutcome }>(
    call: PartnerCall,
    send: () => Promise<T>,
  ): Promise<T> => {
    const stop = metrics.partnerCallDuration.startTimer({ partner, call });
    let outcome: T['kind'] = 'unknown';
    try {
      const answer = await send();
      outcome = answer.kind;
      return answer;
    } finally {
      // A connector that throws broke its contract; what the partner did is unknown.
      stop({ outcome });
      metrics.partnerCalls.inc({ partner, call, outcome });
    }
  };
  return {
    pay: (request, call) => timed('pay', () => connector.pay(request, call)),
    confirm: (advice, call) => timed('confirm', () => connector.confirm(advice, call)),
    reverse: (advice, call) => timed('reverse', () => connector.reverse(advice, call)),
    ...(connector.close && { close: () => connector.close?.() ?? Promise.resolve() }),
  };
}
