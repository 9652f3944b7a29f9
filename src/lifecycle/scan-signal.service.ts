import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '@app/config/app-config';
import { parseDatabaseUrl } from '@app/config/env.validation';
import { Clock, TimerHandle } from '@app/clock/clock';
import { Database, type Tx } from '@app/persistence/database';
import { postgresConnection } from '@app/persistence/data-source';
import { PaymentWrites } from './payment-writes.repository';
import { PaymentsRepository } from './payments.repository';
import { ClaimedScan, ScanWaiter } from './scan-waiter.service';

const CHANNEL = 'qr_hub_scan';
const POLL_MS = 1_000;
const POLL_CHUNK = 500;
/** How long shutdown waits for the LISTEN connection to close politely. */
const END_GRACE_MS = 1_000;

/**
 * Tells the instance holding a payment that its scan was accepted (docs/protocol.md §6,
 * §10), wherever the scan arrived. On PostgreSQL: NOTIFY inside the scan's
 * transaction (delivered only if it commits) to a LISTEN on a dedicated
 * connection, plus a poll of this instance's waiting payments every second
 * that also covers a dropped listener. On SQLite there is one instance, and
 * the release is a direct call.
 */
@Injectable()
export class ScanSignal implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ScanSignal.name);
  private listener: Client | null = null;
  private timer: TimerHandle | null = null;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly payments: PaymentsRepository,
    private readonly writes: PaymentWrites,
    private readonly waiter: ScanWaiter,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** Within the scan's transaction: announce that `paymentId` was scanned. */
  announce(tx: Tx, paymentId: string): Promise<void> {
    return this.writes.notifyClaimed(tx, CHANNEL, paymentId);
  }

  /** After the scan committed: release a wait held here at once, with what the scan committed. */
  released(paymentId: string, scan: ClaimedScan): void {
    this.waiter.end(paymentId, 'scanned', scan);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.db.isPostgres) return;
    await this.listen();
    this.schedulePoll();
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const target = parseDatabaseUrl(this.config.env.databaseUrl);
    if (target.type !== 'postgres') return;
    const connection = postgresConnection(target.url);
    // keepAlive: a host that vanishes without closing the socket is noticed (then polling covers the gap).
    const client = new Client({ connectionString: connection.url, options: connection.options, keepAlive: true });
    client.on('notification', (message) => {
      if (message.payload) this.waiter.end(message.payload, 'scanned');
    });
    client.on('error', (error) => {
      this.logger.warn(`scan listener lost: ${error.message}; reconnecting (polling covers the gap)`);
      this.listener = null;
      client.end().catch(() => undefined);
      this.clock.setTimer(() => void this.listen().catch(() => undefined), POLL_MS);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.listener = client;
    } catch (error) {
      this.logger.warn(`scan listener could not start: ${(error as Error).message}; retrying`);
      client.end().catch(() => undefined);
      this.clock.setTimer(() => void this.listen().catch(() => undefined), POLL_MS);
    }
  }

  private schedulePoll(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimer(() => void this.poll().finally(() => this.schedulePoll()), POLL_MS);
  }

  /** The fallback: any payment waiting here that some scan has already claimed. */
  private async poll(): Promise<void> {
    const ids = this.waiter.ids();
    for (let i = 0; i < ids.length; i += POLL_CHUNK) {
      const chunk = ids.slice(i, i + POLL_CHUNK);
      try {
        for (const id of await this.payments.noLongerWaiting(chunk)) this.waiter.end(id, 'scanned');
      } catch (error) {
        this.logger.warn(`scan poll failed: ${(error as Error).message}`);
        return;
      }
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.clock.clearTimer(this.timer);
    const listener = this.listener;
    if (!listener) return;
    // A database gone silent never answers the goodbye: give it a second, then drop the socket.
    const ended = listener.end().then(
      () => true,
      () => true,
    );
    const gaveUp = new Promise<false>((resolve) => setTimeout(() => resolve(false), END_GRACE_MS).unref());
    if (!(await Promise.race([ended, gaveUp]))) {
      (listener as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    }
  }
}
