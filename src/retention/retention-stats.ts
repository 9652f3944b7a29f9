import { Injectable } from '@nestjs/common';
import { Clock } from '@app/clock/clock';
import { AppConfig } from '@app/config/app-config';
import type { RetentionConfig } from '@app/config/hub-config.schema';
import { PurgeReport, RetentionPurge } from './retention-purge.service';
import { Deleted, RETENTION_KINDS, RetentionKind, RetentionRepository } from './retention.repository';

/** The oldest record of one kind still kept, and how long the policy keeps that kind. */
export interface OldestRecord {
  kind: RetentionKind;
  /** Days this kind is kept once final; null: forever. */
  keptDays: number | null;
  /** ISO time the oldest kept record was made, or null when there is none. */
  oldest: string | null;
  /** Its age in seconds, or null. */
  oldestAgeSeconds: number | null;
}

/** `GET /admin/v1/retention`: the policy, the oldest record kept per kind, and this instance's last purge. */
export interface RetentionOverview {
  policy: RetentionConfig;
  kinds: OldestRecord[];
  lastPurge: {
    startedAt: string;
    finishedAt: string;
    deleted: Deleted;
    batches: number;
    error: string | null;
  } | null;
}

const KEPT_BY: Record<RetentionKind, keyof RetentionConfig> = {
  payments: 'paymentsDays',
  scans: 'paymentsDays',
  advices: 'paymentsDays',
  qr_codes: 'qrCodesDays',
  audit: 'auditDays',
  instances: 'instancesDays',
};

/** What the retention policy keeps, as the operator sees it (admin API, console, /metrics). */
@Injectable()
export class RetentionStats {
  constructor(
    private readonly repo: RetentionRepository,
    private readonly purge: RetentionPurge,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async oldest(): Promise<OldestRecord[]> {
    const times = await this.repo.oldest();
    const now = this.clock.now();
    const policy = this.config.hub.retention;
    return RETENTION_KINDS.map((kind) => {
      const at = times[kind];
      return {
        kind,
        keptDays: policy[KEPT_BY[kind]] as number | null,
        oldest: at === null ? null : new Date(at).toISOString(),
        oldestAgeSeconds: at === null ? null : Math.max(0, Math.floor((now - at) / 1000)),
      };
    });
  }

  async overview(): Promise<RetentionOverview> {
    return { policy: this.config.hub.retention, kinds: await this.oldest(), lastPurge: view(this.purge.last) };
  }

  /** Rows this instance has deleted since it started, by table. */
  get deletedTotals(): Deleted {
    return this.purge.totals;
  }
}

function view(r: PurgeReport | null): RetentionOverview['lastPurge'] {
  if (!r) return null;
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    deleted: r.deleted,
    batches: r.batches,
    error: r.error,
  };
}
