import type { PartnerCallOptions, PartnerConnector, PartnerOutcome } from '@app/partners/partner-connector';
import type { JsonObject } from '@app/persistence/column-types';
import type { HubMetrics, PartnerCall } from './hub-metrics';

/**
 * Wraps a connector so every call is counted and timed by partner, call and
 * outcome. Done once where connectors are built (PartnerRegistry), so neither
 * the connectors nor the payment flows know about metrics.
 */
export function withCallMetrics(connector: PartnerConnector, partner: string, metrics: HubMetrics): PartnerConnector {
  const timed =
    (call: PartnerCall) =>
    async (message: JsonObject, options: PartnerCallOptions): Promise<PartnerOutcome> => {
      const stop = metrics.partnerCallDuration.startTimer({ partner, call });
      let outcome: PartnerOutcome['kind'] = 'unknown';
      try {
        const answer = await connector[call](message, options);
        outcome = answer.kind;
        return answer;
      } finally {
        // A connector that throws broke its contract; what the partner did is unknown.
        stop({ outcome });
        metrics.partnerCalls.inc({ partner, call, outcome });
      }
    };
  return {
    pay: timed('pay'),
    confirm: timed('confirm'),
    reverse: timed('reverse'),
    ...(connector.close && { close: () => connector.close?.() ?? Promise.resolve() }),
  };
}
