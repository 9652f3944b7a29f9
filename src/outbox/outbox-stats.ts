import { Injectable } from '@nestjs/common';
import { Clock } from '@app/clock/clock';
import { OutboxRepository } from './outbox.repository';

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
    private readonly outbox: OutboxRepository,
    private readonly clock: Clock,
  ) {}

  async perPartner(): Promise<PartnerOutboxStats[]> {
    const rows = await this.outbox.countsPerPartner();
    const now = this.clock.now();
    return rows.map((r) => ({
      partnerId: r.partnerId,
      pending: r.pending,
      parked: r.parked,
      oldestPendingMs: r.oldestPendingAt === null ? 0 : Math.max(0, now - r.oldestPendingAt),
    }));
  }
}
