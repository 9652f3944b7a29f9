import { Injectable } from '@nestjs/common';
import { Database } from '@app/persistence/database';
import { execute, SqlTable } from '@app/persistence/sql-table';
import { HubInstance } from './hub-instance.entity';

const instances = new SqlTable(HubInstance);

/** The hub processes sharing one database and their heartbeats (docs/protocol.md §10), in plain bound SQL (see `SqlTable`). */
@Injectable()
export class HubInstancesRepository {
  constructor(private readonly db: Database) {}

  /**
   * Records a starting instance. With `othersStopped`, every instance not yet
   * marked stopped is marked stopped now, in the same transaction.
   */
  async register(id: string, now: number, othersStopped: boolean): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (othersStopped) await instances.update(tx, { stoppedAt: now }, 'stopped_at IS NULL', []);
      await instances.insert(tx, { id, startedAt: now, heartbeatAt: now, stoppedAt: null });
    });
  }

  /** Ids of instances not stopped whose last heartbeat is later than `since`. */
  async heartbeatingSince(since: number): Promise<string[]> {
    const { rows } = await this.db.run((tx) =>
      execute(tx, 'SELECT id FROM hub_instances WHERE heartbeat_at > ? AND stopped_at IS NULL', [since]),
    );
    return rows.map((r) => String(r.id));
  }

  /** Ids of instances other than `except` that stopped later than `since`. */
  async stoppedSince(since: number, except: string): Promise<string[]> {
    const { rows } = await this.db.run((tx) =>
      execute(tx, 'SELECT id FROM hub_instances WHERE id <> ? AND stopped_at > ?', [except, since]),
    );
    return rows.map((r) => String(r.id));
  }

  async heartbeat(id: string, now: number): Promise<void> {
    await this.db.run((tx) => instances.update(tx, { heartbeatAt: now }, 'id = ?', [id]));
  }

  async markStopped(id: string, now: number): Promise<void> {
    await this.db.run((tx) => instances.update(tx, { stoppedAt: now }, 'id = ?', [id]));
  }
}
