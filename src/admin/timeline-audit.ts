import type { AuditMessage } from '@app/audit/audit-message.entity';
import type { JsonObject } from '@app/persistence/column-types';
import { payOperation } from '@app/payments/pay.operation';
import type { TimelineKind, TimelineRow } from './timeline';

/**
 * Timeline rows only the audit trail knows: the upstream exchange (sent,
 * answered, how long), answers to the retailer, late partner answers,
 * refused inbound messages and operator actions. Accepted inbound messages
 * are left out: the records they created tell their story.
 */
export function auditRows(a: AuditMessage): TimelineRow[] {
  const who = a.institutionId ?? '?';
  const http = a.httpStatus === null ? 'no HTTP answer' : `HTTP ${a.httpStatus}`;
  const row = (kind: TimelineKind, title: string, detail: string, status: string, at = a.createdAt): TimelineRow => ({
    at,
    kind,
    title,
    detail,
    status,
    ref: a.messageId,
  });
  if (a.direction === 'OUT' && a.operation === payOperation.name) {
    // The row is written when the answer came; the request left `durationMs` earlier.
    const sentAt = a.createdAt - (a.durationMs ?? 0);
    const [title, status] = upstreamOutcome(a.outcome);
    const why =
      status === 'DECLINED' ? ` · ${errorText(a.responseBody)}` : status === 'UNKNOWN' ? ` · ${a.outcome}` : '';
    return [
      row('UPSTREAM_REQUEST', 'Sent to partner', `${payOperation.message} ${a.messageId} to ${who}`, 'SENT', sentAt),
      row('UPSTREAM_ANSWER', title, `${http} after ${a.durationMs ?? 0} ms${why}`, status),
    ];
  }
  if (a.direction === 'LATE') {
    const detail = `${http} from ${who} for ${a.messageId} · recorded, nothing changed`;
    return [row('LATE_ANSWER', 'Late partner answer', detail, 'LATE')];
  }
  if (a.direction === 'ADMIN') {
    const operator = (a.requestBody?.operator ?? {}) as { name?: unknown };
    const by = typeof operator.name === 'string' ? `${operator.name} (${who})` : who;
    return [row('ADMIN_ACTION', adminTitle(a.operation), `advice ${a.messageId} · by ${by}`, a.outcome ?? '')];
  }
  if (a.direction === 'IN' && a.operation === payOperation.name) {
    const answer = a.outcome && a.outcome !== 'OK' ? ` ${a.outcome}` : '';
    const detail = `payment ${a.messageId} · ${http}${answer}`;
    return [row('RETAILER_ANSWER', 'Answered retailer', detail, String(a.httpStatus ?? ''))];
  }
  if (a.direction === 'IN' && (a.httpStatus ?? 0) >= 400) {
    const detail = `message ${a.messageId} from ${who} · ${http} ${a.outcome ?? ''}`.trim();
    return [row('MESSAGE_REFUSED', `Refused ${a.operation}`, detail, String(a.httpStatus))];
  }
  return [];
}

/** "errorType: errorMessage" of a stored ErrorDetail. */
export function errorText(body: JsonObject | null): string {
  if (!body) return 'no details';
  const type = typeof body.errorType === 'string' ? body.errorType : 'error';
  return typeof body.errorMessage === 'string' ? `${type}: ${body.errorMessage}` : type;
}

function upstreamOutcome(outcome: string | null): [string, string] {
  if (outcome === 'successful') return ['Partner approved', 'APPROVED'];
  if (outcome === 'failed') return ['Partner declined', 'DECLINED'];
  return ['Partner answer unknown', 'UNKNOWN'];
}

function adminTitle(operation: string): string {
  if (operation === 'retryAdvice') return 'Operator retried advice';
  if (operation === 'resolveAdvice') return 'Operator resolved advice';
  return `Operator: ${operation}`;
}
