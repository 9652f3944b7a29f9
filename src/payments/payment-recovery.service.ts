import type { Server } from 'node:net';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Clock, TimerHandle } from '@app/clock/clock';
import { AdviceForwarder } from '@app/outbox/advice-forwarder.service';
import { OutboxRepository } from '@app/outbox/outbox.repository';
import { HEARTBEAT_MS, HubInstanceService } from '@app/instances/hub-instance.service';
import { Database } from '@app/persistence/database';
import { PaymentLifecycle } from '@app/lifecycle/payment-lifecycle';
import { PaymentsRepository } from '@app/lifecycle/payments.repository';

const SWEEP_MS = HEARTBEAT_MS * 2;

/**
 * Cleans up after hub instances that died (docs/protocol.md §10): a payment that was
 * waiting for its scan is closed (its retailer lost the connection and will
 * reverse), and one that was in flight upstream gets a timeout reversal.
 * Runs once this hub listens and then periodically, so it also covers
 * instances that die while others keep running. Only then: a process that
 * cannot take the port (or, on SQLite, the database file: SqliteFileLock)
 * never touches payments another hub still holds.
 */
@Injectable()
export class PaymentRecovery implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PaymentRecovery.name);
  private timer: TimerHandle | null = null;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly payments: PaymentsRepository,
    private readonly lifecycle: PaymentLifecycle,
    private readonly forwarder: AdviceForwarder,
    private readonly instance: HubInstanceService,
    private readonly outbox: OutboxRepository,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server || server.listening) void this.sweep();
    else server.once('listening', () => void this.sweep());
  }

  /** One pass; returns how many payments were closed and reversed. */
  async sweep(): Promise<{ closed: number; reversed: number }> {
    let closed = 0;
    let reversed = 0;
    try {
      const alive = await this.instance.aliveIds(true);
      const orphans = await this.payments.heldByOthers([...alive], ['WAITING_SCAN', 'SENDING']);
      for (const payment of orphans) {
        await this.db.transaction(async (tx) => {
          if (payment.state === 'WAITING_SCAN') {
            if (await this.lifecycle.endWait(tx, payment, 'closed')) closed++;
            return;
          }
          if (await this.lifecycle.markUnknown(tx, payment, { unknownReason: 'HUB_STOPPED' })) reversed++;
        });
      }
      const released = await this.outbox.releaseLeasesOf(await this.instance.stoppedIds());
      if (released > 0) this.forwarder.wake();
      if (closed + reversed > 0) {
        this.logger.warn(
          `recovered payments of stopped instances: ${closed} closed, ${reversed} timeout reversals queued`,
        );
        this.forwarder.wake();
      }
    } catch (error) {
      this.logger.warn(`recovery sweep failed: ${(error as Error).message}`);
    }
    this.schedule();
    return { closed, reversed };
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) this.clock.clearTimer(this.timer);
    this.timer = this.clock.setTimer(() => void this.sweep(), SWEEP_MS);
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) this.clock.clearTimer(this.timer);
  }
}
