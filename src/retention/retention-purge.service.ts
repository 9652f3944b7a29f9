import { setImmediate as yieldNow, setTimeout as pause } from 'node:timers/promises';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock, TimerHandle } from '@app/clock/clock';
import { AppConfig } from '@app/config/app-config';
import { HubInstanceService } from '@app/instances/hub-instance.service';
import { Batch, Cursor, Deleted, RetentionRepository } from './retention.repository';

const DAY_MS = 86_400_000;
/** The first purge after start-up, so a restart loop shorter than the interval still purges. */
export const FIRST_PURGE_AFTER_MS = 60_000;

/** What one purge run did. */
export interface PurgeReport {
  startedAt: number;
  finishedAt: number;
  /** Rows deleted, by table. */
  deleted: Deleted;
  batches: number;
  /** Why the run stopped early (the next run starts over), or null. */
  error: string | null;
}

/**
 * Deletes what the retention policy (`retention:` in the config) no longer
 * keeps, periodically and in small batches (docs/decisions.md, "Retention").
 * Each batch is one short transaction; between batches the purge pauses so
 * requests get the database (on SQLite they share one connection behind the
 * Database mutex). Every instance purges; the statements are safe to race.
 * Nothing unfinished is ever deleted: the conditions live in RetentionRepository.
 */
@Injectable()
export class RetentionPurge implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RetentionPurge.name);
  private timer: TimerHandle | null = null;
  private running: Promise<PurgeReport> | null = null;
  private stopped = false;
  /** The last run's report on this instance, or null before the first. */
  last: PurgeReport | null = null;
  /** Rows this instance has deleted since it started, by table (for /metrics). */
  readonly totals: Deleted = {};

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly repo: RetentionRepository,
    private readonly instance: HubInstanceService,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(Math.min(FIRST_PURGE_AFTER_MS, this.intervalMs));
  }

  /** Runs a purge now, or joins the one already running. */
  purge(): Promise<PurgeReport> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async beforeApplicationShutdown(): Promise<void> {
    // The run in progress stops after its current batch, before the database closes.
    this.stopped = true;
    if (this.timer) this.clock.clearTimer(this.timer);
    await this.running;
  }

  private get intervalMs(): number {
    return this.config.hub.retention.purgeIntervalMinutes * 60_000;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimer(() => void this.purge().finally(() => this.schedule(this.intervalMs)), ms);
  }

  private async run(): Promise<PurgeReport> {
    const policy = this.config.hub.retention;
    const startedAt = this.clock.now();
    const cutoff = (days: number | null) => (days === null ? null : startedAt - days * DAY_MS);
    const report: PurgeReport = { startedAt, finishedAt: startedAt, deleted: {}, batches: 0, error: null };
    const count = (deleted: Deleted) => {
      report.batches++;
      for (const [table, n] of Object.entries(deleted) as Array<[keyof Deleted, number]>) {
        report.deleted[table] = (report.deleted[table] ?? 0) + n;
        this.totals[table] = (this.totals[table] ?? 0) + n;
      }
    };
    const walk = async (batch: (cursor: Cursor | null, limit: number) => Promise<Batch>) => {
      let cursor: Cursor | null = null;
      do {
        const result = await batch(cursor, policy.batchSize);
        count(result.deleted);
        cursor = result.next;
      } while (cursor && (await this.between()));
    };
    const repeat = async (kind: 'audit' | 'instances', batch: (limit: number) => Promise<number>) => {
      let n: number;
      do {
        n = await batch(policy.batchSize);
        count({ [kind]: n });
      } while (n === policy.batchSize && (await this.between()));
    };
    try {
      // Payments first: what they free (scans, advices, QR codes) goes in the same run.
      const payments = cutoff(policy.paymentsDays);
      if (payments !== null) {
        await walk((c, limit) => this.repo.payments(payments, c, limit));
        await walk((c, limit) => this.repo.scans(payments, c, limit));
        await walk((c, limit) => this.repo.advices(payments, c, limit));
      }
      const qrCodes = cutoff(policy.qrCodesDays);
      if (qrCodes !== null) await walk((c, limit) => this.repo.qrCodes(qrCodes, c, limit));
      const audit = cutoff(policy.auditDays);
      if (audit !== null) await repeat('audit', (limit) => this.repo.audit(audit, limit));
      const instances = cutoff(policy.instancesDays);
      if (instances !== null)
        await repeat('instances', (limit) => this.repo.instances(instances, this.instance.id, limit));
    } catch (error) {
      report.error = (error as Error).message;
      this.logger.warn(`retention purge stopped (the next run starts over): ${report.error}`);
    }
    report.finishedAt = this.clock.now();
    this.last = report;
    const summary = Object.entries(report.deleted)
      .filter(([, n]) => n > 0)
      .map(([table, n]) => `${n} ${table}`);
    if (summary.length > 0) {
      this.logger.log(`retention purge deleted ${summary.join(', ')} in ${report.batches} batches`);
    }
    return report;
  }

  /** The pause between two batches; false when the hub is stopping and the run should end here. */
  private async between(): Promise<boolean> {
    if (this.stopped) return false;
    const ms = this.config.hub.retention.batchPauseMs;
    // Real time, not the injected clock: this only makes room for requests.
    await (ms > 0 ? pause(ms, undefined, { ref: false }) : yieldNow());
    return !this.stopped;
  }
}
