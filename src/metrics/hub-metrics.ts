import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { OutboxStats, PartnerOutboxStats } from '@app/outbox/outbox-stats';
import { AppConfig } from '@app/config/app-config';
import type { PartnerCallMetrics } from '@app/partners/partner-call-metrics';
import { ScanWaiter } from '@app/lifecycle/scan-waiter.service';
import { PaymentStats } from '@app/lifecycle/payment-stats.repository';
import { OldestRecord, RetentionStats } from '@app/retention/retention-stats';

/*
 * Seconds. Most answers take milliseconds; pay is held for the scan
 * (scanWaitMs, 30 s) and then the partner (partnerTimeoutMs, 25 s), so the
 * buckets run up to the retailer's 60 s timeout.
 */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/* A scrape runs the three outbox gauges' collect() together: one query serves them all. */
const OUTBOX_SNAPSHOT_MS = 1_000;
const OUTBOX_QUERY_TIMEOUT_MS = 2_000;

/**
 * The hub's Prometheus metrics (docs/protocol.md §11), on a registry of its own so that
 * several hubs in one process (tests) do not share counters.
 */
@Injectable()
export class HubMetrics implements OnModuleDestroy, PartnerCallMetrics {
  readonly registry = new Registry();
  private readonly logger = new Logger(HubMetrics.name);
  private outboxSnapshot?: { at: number; stats: Promise<PartnerOutboxStats[]> };
  private oldestSnapshot?: { at: number; stats: Promise<OldestRecord[]> };

  readonly requests = new Counter({
    name: 'qrhub_http_requests_total',
    help: 'HTTP requests answered, by interface operation (other: not a protocol path) and status',
    labelNames: ['operation', 'status'] as const,
    registers: [this.registry],
  });

  readonly requestDuration = new Histogram({
    name: 'qrhub_http_request_duration_seconds',
    help: 'Time from request to answer, by operation and status (pay includes the wait for the scan)',
    labelNames: ['operation', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly partnerCalls = new Counter({
    name: 'qrhub_partner_calls_total',
    help: 'Calls to partners, by partner, call (pay, confirm, reverse) and outcome (successful, failed, unknown)',
    labelNames: ['partner', 'call', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly partnerCallDuration = new Histogram({
    name: 'qrhub_partner_call_duration_seconds',
    help: 'Time a partner took to answer (or to time out), by partner, call and outcome',
    labelNames: ['partner', 'call', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor(
    private readonly config: AppConfig,
    private readonly waiter: ScanWaiter,
    private readonly outbox: OutboxStats,
    private readonly retention: RetentionStats,
    private readonly payments: PaymentStats,
  ) {
    collectDefaultMetrics({ register: this.registry });
    const waiting = this.waiter;
    new Gauge({
      name: 'qrhub_payments_waiting_for_scan',
      help: "Payments held open on this instance until their partner's scan arrives",
      registers: [this.registry],
      collect() {
        this.set(waiting.size);
      },
    });
    this.outboxGauge('qrhub_outbox_pending', 'Advices waiting for delivery to a partner', (s) => s.pending);
    this.outboxGauge(
      'qrhub_outbox_oldest_pending_age_seconds',
      'Age of the oldest advice still waiting for delivery to a partner (0 when none)',
      (s) => s.oldestPendingMs / 1000,
    );
    this.outboxGauge(
      'qrhub_outbox_parked',
      'Advices a partner refused for good, parked for an operator',
      (s) => s.parked,
    );
    this.retentionMetrics();
    this.lateAnswerMetrics();
  }

  /** Everything in the Prometheus text format. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** The content type of {@link render}'s output. */
  get contentType(): string {
    return this.registry.contentType;
  }

  onModuleDestroy(): void {
    this.registry.clear();
  }

  /**
   * A per-partner gauge read from the outbox table at scrape time (shared by
   * all hub instances, so every instance reports the same figures). Every
   * configured partner has a series, 0 when its queue is empty.
   */
  private outboxGauge(name: string, help: string, value: (s: PartnerOutboxStats) => number): void {
    const read = (): Promise<PartnerOutboxStats[]> => this.outboxStats();
    const partners = this.config.hub.partners.map((p) => p.id);
    const logger = this.logger;
    new Gauge({
      name,
      help,
      labelNames: ['partner'] as const,
      registers: [this.registry],
      async collect() {
        try {
          const stats = await read();
          this.reset();
          for (const partner of partners) this.set({ partner }, 0);
          for (const s of stats) this.set({ partner: s.partnerId }, value(s));
        } catch (error) {
          // A scrape must not fail because the database is down; readiness reports that.
          this.reset();
          logger.warn(`outbox metrics unavailable: ${(error as Error).message}`);
        }
      },
    });
  }

  /**
   * The oldest record kept per kind (from the shared database: every instance
   * reports the same) and the rows this instance's purges deleted.
   */
  private retentionMetrics(): void {
    const read = (): Promise<OldestRecord[]> => {
      const now = Date.now();
      if (!this.oldestSnapshot || now - this.oldestSnapshot.at > OUTBOX_SNAPSHOT_MS) {
        this.oldestSnapshot = { at: now, stats: withTimeout(this.retention.oldest(), OUTBOX_QUERY_TIMEOUT_MS) };
      }
      return this.oldestSnapshot.stats;
    };
    const logger = this.logger;
    new Gauge({
      name: 'qrhub_oldest_record_age_seconds',
      help: 'Age of the oldest record still kept, by kind (retention policy; 0 when there is none)',
      labelNames: ['kind'] as const,
      registers: [this.registry],
      async collect() {
        try {
          const oldest = await read();
          this.reset();
          for (const o of oldest) this.set({ kind: o.kind }, o.oldestAgeSeconds ?? 0);
        } catch (error) {
          this.reset();
          logger.warn(`retention metrics unavailable: ${(error as Error).message}`);
        }
      },
    });
    const retention = this.retention;
    new Counter({
      name: 'qrhub_retention_deleted_total',
      help: 'Rows the retention purge deleted on this instance, by table',
      labelNames: ['table'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [table, n] of Object.entries(retention.deletedTotals)) this.inc({ table }, n);
      },
    });
  }

  /**
   * Late partner answers that disagree with what the retailer was told (docs/protocol.md §5.5),
   * from the query the console's late-answer list uses, so the two always agree.
   */
  private lateAnswerMetrics(): void {
    const read = (): Promise<number> => withTimeout(this.payments.lateDisagreementCount(), OUTBOX_QUERY_TIMEOUT_MS);
    const logger = this.logger;
    new Gauge({
      name: 'qrhub_late_answers_disagreeing',
      help: "Payments whose late partner answer disagrees with the retailer's outcome (the console's late-answer list)",
      registers: [this.registry],
      async collect() {
        try {
          this.set(await read());
        } catch (error) {
          this.reset();
          logger.warn(`late-answer metrics unavailable: ${(error as Error).message}`);
        }
      },
    });
  }

  private outboxStats(): Promise<PartnerOutboxStats[]> {
    const now = Date.now();
    if (!this.outboxSnapshot || now - this.outboxSnapshot.at > OUTBOX_SNAPSHOT_MS) {
      this.outboxSnapshot = { at: now, stats: withTimeout(this.outbox.perPartner(), OUTBOX_QUERY_TIMEOUT_MS) };
    }
    return this.outboxSnapshot.stats;
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
