import { Injectable } from '@nestjs/common';
import { Clock } from '@app/clock/clock';
import { Database, managerOf } from '@app/persistence/database';
import { OutboxEntry } from './outbox-entry.entity';

export interface PartnerOutboxStats {
  partnerId: string;
  pending: number;
  parked: number;
  /** Age in ms of the oldest advice still pending, or 0. */
  oldestPendingMs: number;
}

/** Depth, parked count and oldest age of the store-and-forward queue, per partner (docs/protocol.md §11). */
@Injectable()
export class OutboxStats {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async perPartner(): Promise<PartnerOutboxStats[]> {
    const rows = await this.db.run((tx) =>
      managerOf(tx)
        .createQueryBuilder(OutboxEntry, 'o')
        .select('o.partner_id', 'partnerId')
        .addSelect("SUM(CASE WHEN o.status = 'PENDING' THEN 1 ELSE 0 END)", 'pending')
        .addSelect("SUM(CASE WHEN o.status = 'PARKED' THEN 1 ELSE 0 END)", 'parked')
        .addSelect("MIN(CASE WHEN o.status = 'PENDING' THEN o.created_at END)", 'oldest')
        .where("o.status IN ('PENDING', 'PARKED')")
        .groupBy('o.partner_id')
        .getRawMany<{
          partnerId: string;
          pending: string | number;
          parked: string | number;
          oldest: string | number | null;
        }>(),
    );
    const now = this.clock.now();
    return rows.map((r) => ({
      partnerId: r.partnerId,
      pending: Number(r.pending),
      parked: Number(r.parked),
      oldestPendingMs: r.oldest === null ? 0 : Math.max(0, now - Number(r.oldest)),
    }));
  }
}
