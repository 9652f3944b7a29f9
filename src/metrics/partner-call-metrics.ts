import type { PartnerConnector } from '@app/partners/partner-connector';
import type { HubMetrics, PartnerCall } from './hub-metrics';

/**
 * Wraps a connector so every call is counted and timed by partner, call and
 * outcome. Done once where connectors are built (PartnerRegistry), so neither
 * the connectors nor the payment flows know about metrics.
 */
export function withCallMetrics(connector: PartnerConnector, partner: string, metrics: HubMetrics): PartnerConnector {
  const timed = async <T extends { kind: 'successful' | 'failed' | 'unknown' }>(
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
