import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config/app-config';
import { Clock, TimerHandle } from '@app/clock/clock';
import { Database } from '@app/persistence/database';
import { HubInstancesRepository } from './hub-instances.repository';

/** How often an instance says it is alive, and when silence means it is gone (docs/protocol.md §10). */
export const HEARTBEAT_MS = 2_000;
export const STALE_AFTER_MS = 10_000;

/**
 * This process's identity among hub instances sharing one database, and its
 * heartbeat. Another instance's waiting payments are only trusted while that
 * instance keeps heartbeating.
 */
@Injectable()
export class HubInstanceService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly id: string;
  private readonly logger = new Logger(HubInstanceService.name);
  private timer: TimerHandle | null = null;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly instances: HubInstancesRepository,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.id = `${(config.env.instanceId ?? hostname()).slice(0, 40)}-${randomBytes(4).toString('hex')}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    // SQLite is one process: this one holds the file's lock (SqliteFileLock), so every earlier instance is gone.
    await this.instances.register(this.id, this.clock.now(), !this.db.isPostgres);
    this.schedule();
  }

  private alive: { ids: Set<string>; at: number } | null = null;

  /**
   * Ids of instances that are heartbeating (this one included). Read at most
   * once a second: every scan asks, and a heartbeat only moves every 2 s.
   */
  async aliveIds(fresh = false): Promise<Set<string>> {
    const now = this.clock.now();
    if (!fresh && this.alive && now - this.alive.at < 1_000) return this.alive.ids;
    const since = now - STALE_AFTER_MS;
    const ids = await this.instances.heartbeatingSince(since);
    this.alive = { ids: new Set(ids.concat(this.id)), at: now };
    return this.alive.ids;
  }

  async isAlive(instanceId: string): Promise<boolean> {
    if (instanceId === this.id) return !this.stopped;
    return (await this.aliveIds()).has(instanceId);
  }

  /** Instances known to have stopped (shut down, or replaced on SQLite), other than this one. */
  async stoppedIds(): Promise<string[]> {
    // A lease lasts at most 30 s: instances stopped longer ago than that hold none.
    const since = this.clock.now() - 60_000;
    return this.instances.stoppedSince(since, this.id);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimer(() => void this.beat(), HEARTBEAT_MS);
  }

  private async beat(): Promise<void> {
    try {
      await this.instances.heartbeat(this.id, this.clock.now());
    } catch (error) {
      this.logger.warn(`heartbeat failed: ${(error as Error).message}`);
    }
    this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.clock.clearTimer(this.timer);
    try {
      await this.instances.markStopped(this.id, this.clock.now());
    } catch {
      // The database may already be gone; silence marks us dead soon enough.
    }
  }
}
