import { MESSAGE_ID } from '@app/common/validation/message-id';
import { Injectable } from '@nestjs/common';
import { AdviceForwarder } from '@app/outbox/advice-forwarder.service';
import { OutboxEntry } from '@app/outbox/outbox-entry.entity';
import type { Payment } from '@app/lifecycle/payment.entity';
import { OutboxStats, PartnerOutboxStats } from '@app/outbox/outbox-stats';
import { AuditService } from '@app/audit/audit.service';
import type { Principal } from '@app/auth/principal';
import { Clock } from '@app/clock/clock';
import { AppConfig } from '@app/config/app-config';
import {
  FormatError,
  OutboxEntryNotFoundError,
  OutboxEntryNotParkedError,
  TransactionNotFoundError,
} from '@app/errors/hub-error';
import { AdminRepository, ParkedChange } from './admin.repository';
import {
  adviceTranId,
  latestAdviceOf,
  MatchKind,
  OutboxEntryView,
  OutboxOverview,
  outboxEntryView,
  PaymentListPage,
  paymentListItem,
  paymentSummary,
  TransactionView,
} from './admin-views';
import { ConsoleTime } from './present/times';
import { buildTimeline } from './timeline';
import { encodeCursor, PaymentFilter } from './transactions/payment-query';

/** Ids in the hub are at most 64 characters (the columns' width); a longer query cannot match. */
const QUERY_MAX = 64;

type OperatorAction = 'retryAdvice' | 'resolveAdvice';

/**
 * The operator's view of the hub (docs/protocol.md §11): a transaction's timeline, the
 * store-and-forward queue per partner, and the two things an operator may do
 * to an advice the partner refused — send it again, or mark it settled by
 * other means. Every action is recorded in the audit trail with who did it.
 */
@Injectable()
export class AdminService {
  constructor(
    private readonly repo: AdminRepository,
    private readonly stats: OutboxStats,
    private readonly forwarder: AdviceForwarder,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly time: ConsoleTime,
  ) {}

  /** The timeline of the transaction `q` (a tranId or any message id of it) belongs to. */
  async transaction(q: string | undefined): Promise<TransactionView> {
    const found = await this.locate(q);
    if (!found) throw new TransactionNotFoundError();
    const records = await this.repo.records(found.tranId);
    const advice = latestAdviceOf(records.outbox);
    return {
      tranId: found.tranId,
      matchedBy: found.matchedBy,
      payments: records.payments.map((p) => paymentSummary(p, advice.get(p.id) ?? null)),
      outbox: records.outbox.map(outboxEntryView),
      events: buildTimeline(records, this.time),
    };
  }

  /**
   * The transaction list (`GET /admin/v1/payments`): one page newest first,
   * with each payment's words made from its latest advice, fetched in one
   * query for the page. A search (`q`) is located first, then lists that
   * transaction's payments (with the other filters still applying).
   */
  async payments(filter: PaymentFilter): Promise<PaymentListPage> {
    let matched: PaymentListPage['matched'];
    if (filter.q !== null) {
      matched = await this.locate(filter.q);
      if (!matched) return { items: [], next: null, previous: null, matched: null };
    }
    const rows = await this.repo.listPayments(filter, matched?.tranId ?? null);
    const more = rows.length > filter.limit;
    const newer = filter.cursor?.newer === true;
    const page = newer ? rows.slice(0, filter.limit).reverse() : rows.slice(0, filter.limit);
    const advice = await this.repo.latestAdvices(page.map((p) => p.id));
    const [first, last] = [page.at(0), page.at(-1)];
    const at = (p: Payment, toNewer: boolean): string =>
      encodeCursor({ createdAt: p.createdAt, id: p.id, newer: toNewer });
    // Older: more rows past this page, or (coming back from an older page) the ones we came from.
    const next = last && (newer || more) ? at(last, false) : null;
    // Newer: any page was skipped to get here, or newer rows remain above this one.
    const previous = first && (newer ? more : filter.cursor !== null) ? at(first, true) : null;
    const items = page.map((p) => paymentListItem(p, advice.get(p.id) ?? null));
    return matched === undefined ? { items, next, previous } : { items, next, previous, matched };
  }

  /** The tranId `q` (a tranId or any id of it) belongs to; a bad `q` is a FormatError. */
  private locate(q: string | undefined): Promise<{ tranId: string; matchedBy: MatchKind } | null> {
    const query = (q ?? '').trim();
    if (!query) throw new FormatError('q is required (a tranId or message id)');
    if (query.length > QUERY_MAX) throw new FormatError(`q is longer than ${QUERY_MAX} characters`);
    if (query.includes('\u0000')) throw new FormatError('q must not contain U+0000');
    // Message ids are stored lower-cased (docs/decisions.md); an operator may paste one in any case.
    return this.repo.locate(MESSAGE_ID.test(query) ? query.toLowerCase() : query);
  }

  /** Queue figures for every configured partner (idle ones show zeros) and the parked advices. */
  async outbox(): Promise<OutboxOverview> {
    const [figures, parked] = await Promise.all([this.stats.perPartner(), this.repo.parked()]);
    const byPartner = new Map<string, PartnerOutboxStats>(
      this.config.hub.partners.map((p) => [p.id, { partnerId: p.id, pending: 0, parked: 0, oldestPendingMs: 0 }]),
    );
    // A partner removed from the config may still own queued advices: show it too.
    for (const f of figures) byPartner.set(f.partnerId, f);
    return { partners: [...byPartner.values()], parked: parked.map(outboxEntryView) };
  }

  /**
   * Puts a parked advice back in the queue, due now. Its attempt count is
   * kept so the timeline and backoff continue from where they were.
   */
  async retry(id: string, operator: Principal): Promise<OutboxEntryView> {
    const now = this.clock.now();
    const entry = await this.change(id, operator, 'retryAdvice', {
      status: 'PENDING',
      nextAttemptAt: now,
      leaseOwner: null,
      leaseUntil: null,
      updatedAt: now,
    });
    this.forwarder.wake();
    return entry;
  }

  /** Marks a parked advice settled outside the hub; it will not be sent again. */
  resolve(id: string, operator: Principal): Promise<OutboxEntryView> {
    const now = this.clock.now();
    return this.change(id, operator, 'resolveAdvice', { status: 'RESOLVED', resolvedBy: operator.id, updatedAt: now });
  }

  private async change(
    id: string,
    operator: Principal,
    action: OperatorAction,
    changes: Partial<OutboxEntry>,
  ): Promise<OutboxEntryView> {
    // Outbox ids are UUIDs; a NUL could not even be compared on PostgreSQL.
    if (id.length > 64 || id.includes('\u0000')) throw new OutboxEntryNotFoundError();
    const result: ParkedChange = await this.repo.changeParked(id, changes, (before, after) =>
      this.audit.toRow({
        direction: 'ADMIN',
        operation: action,
        messageId: before.id,
        tranId: adviceTranId(before),
        institutionId: operator.id,
        httpStatus: 200,
        outcome: after.status,
        requestBody: {
          action,
          outboxId: before.id,
          paymentId: before.paymentId,
          operator: { id: operator.id, name: operator.name },
          previousStatus: before.status,
          attempts: before.attempts,
          lastError: before.lastError,
        },
        responseBody: { status: after.status },
      }),
    );
    if (result.kind === 'missing') throw new OutboxEntryNotFoundError();
    if (result.kind === 'not-parked') throw new OutboxEntryNotParkedError();
    return outboxEntryView(result.entry);
  }
}
