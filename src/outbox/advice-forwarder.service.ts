import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@app/config/app-config';
import { Clock, TimerHandle } from '@app/clock/clock';
import { ErrorDetail } from '@app/errors/error-detail';
import { ErrorType } from '@app/errors/error-type';
import { backoffDelay } from '@qr-hub/protocol';
import { HubInstanceService } from '@app/instances/hub-instance.service';
import type { AdviceOutcome, PartnerConnector } from '@app/partners/partner-connector';
import type { PaymentConfirmation, PaymentReversal } from '@qr-hub/protocol';
import { PartnerRegistry } from '@app/partners/partner-registry.service';
import { AuditService } from '@app/audit/audit.service';
import { ClaimedEntry, OutboxRepository, SettleChanges } from './outbox.repository';
import { PartnerBreaker, TRIP_AFTER } from './partner-breaker';

const IDLE_POLL_MS = 1_000;
/** What an advice delivery leaves of its lease for claiming the batch and recording the outcome. */
const LEASE_MARGIN_MS = 5_000;

/**
 * The timeout of one advice delivery: the partner's own, cut so the call ends
 * before its outbox lease does (by 5 s, or half of a lease shorter than 10 s).
 * Otherwise another worker could claim the expired lease and send the same
 * advice while this call still runs (docs/protocol.md §10). Pay calls are not leased and
 * keep the partner's full timeout (docs/protocol.md §5.6).
 */
export function adviceTimeoutMs(partnerTimeoutMs: number, leaseMs: number): number {
  const margin = Math.min(LEASE_MARGIN_MS, leaseMs / 2);
  return Math.min(partnerTimeoutMs, Math.floor(leaseMs - margin));
}

/**
 * Delivers queued advices to partners (store-and-forward, docs/protocol.md §7): claims
 * due entries under a lease, sends each through its partner's connector, and
 * on an unknown outcome tries again later with capped exponential backoff and
 * jitter. A failed (final) answer parks the entry for an operator.
 */
@Injectable()
export class AdviceForwarder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AdviceForwarder.name);
  private timer: TimerHandle | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly breaker: PartnerBreaker;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly partners: PartnerRegistry,
    private readonly instance: HubInstanceService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    this.breaker = new PartnerBreaker(config.hub.saf.initialDelayMs, config.hub.saf.maxDelayMs);
  }

  onApplicationBootstrap(): void {
    this.wake();
  }

  /** Something was queued: look now rather than at the next poll. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) this.clock.clearTimer(this.timer);
    this.timer = null;
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  /**
   * One delivery pass: a sliding window of at most `saf.batchSize` deliveries
   * in flight. Once a quarter of them have been settled, the next entries are
   * claimed and sent while the rest are still under way, so neither the claim
   * nor a batch's slowest delivery holds up the others (on PostgreSQL a claim
   * is a round trip to another process, tens of ms on a loaded machine: the
   * window keeps three quarters busy meanwhile). Each entry is sent
   * as soon as it is claimed, so its lease covers its delivery exactly as
   * when one batch went at a time (adviceTimeoutMs). The pass ends when the
   * queue has nothing more due, once every delivery it started is settled.
   */
  private async drain(): Promise<void> {
    const { batchSize } = this.config.hub.saf;
    const inFlight = new Map<string, Promise<void>>();
    // The first error of the pass (a settle the store refused), kept until every delivery is settled.
    const pass: { failure: Error | null; settled: (() => void) | null } = { failure: null, settled: null };
    const start = (entry: ClaimedEntry): void => {
      // Only if a settle ran so late that the lease expired and we claimed the entry again:
      // its delivery is still ours, and its settle will release the new lease too.
      if (inFlight.has(entry.id)) return;
      const delivery = this.deliver(entry)
        .catch((error: unknown) => {
          pass.failure ??= error as Error;
        })
        .finally(() => {
          inFlight.delete(entry.id);
          pass.settled?.();
        });
      inFlight.set(entry.id, delivery);
    };
    const refill = Math.ceil(batchSize / 4);
    try {
      while (!this.stopped && !pass.failure) {
        // Our own leases are claimable only when nothing of ours is in flight (see claimDue).
        const { batch, more } = await this.claim(batchSize - inFlight.size, inFlight.size === 0);
        batch.forEach(start);
        if (!more) break;
        while (inFlight.size > batchSize - refill && !pass.failure) {
          await new Promise<void>((resolve) => (pass.settled = resolve));
        }
        pass.settled = null;
      }
    } catch (error) {
      pass.failure ??= error as Error;
    }
    // Never leave a delivery running past the pass: the next pass could claim its entry again.
    await Promise.all(inFlight.values());
    try {
      if (pass.failure) throw pass.failure;
      await this.scheduleNext();
    } catch (error) {
      this.logger.warn(`advice delivery pass failed: ${(error as Error).message}`);
      this.schedule(IDLE_POLL_MS);
    }
  }

  /**
   * Leases up to `limit` due entries, and a probe for each partner whose circuit's time is
   * up; `more` when the queue may hold more due now (the claim was full).
   */
  private async claim(limit: number, ownLeases: boolean): Promise<{ batch: ClaimedEntry[]; more: boolean }> {
    const { leaseMs } = this.config.hub.saf;
    const now = this.clock.now();
    const owner = this.instance.id;
    // A partner that is down gets no advices but, when its circuit's time is up, one probe.
    const batch = await this.outbox.claimDue(owner, now, now + leaseMs, limit, {
      exclude: this.breaker.open(),
      ownLeases,
    });
    const more = batch.length === limit;
    for (const partnerId of this.breaker.takeProbes(now)) {
      const probe = await this.outbox.claimDue(owner, now, now + leaseMs, 1, { only: partnerId, ownLeases });
      if (probe.length === 0) this.breaker.probeUnused(partnerId);
      batch.push(...probe);
    }
    return { batch, more };
  }

  private async scheduleNext(): Promise<void> {
    const due = await this.outbox.nextDueAt({ exclude: this.breaker.open() });
    const probe = this.breaker.nextProbeAt();
    const next = Math.min(due ?? Infinity, probe ?? Infinity);
    const wait = Number.isFinite(next) ? Math.min(IDLE_POLL_MS, Math.max(0, next - this.clock.now())) : IDLE_POLL_MS;
    this.schedule(wait);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) this.clock.clearTimer(this.timer);
    this.timer = this.clock.setTimer(() => {
      this.timer = null;
      this.wake();
    }, ms);
  }

  private async deliver(entry: ClaimedEntry): Promise<void> {
    const partner = this.partners.get(entry.partnerId);
    const started = this.clock.now();
    const { leaseMs } = this.config.hub.saf;
    const outcome: AdviceOutcome = partner
      ? await this.send(entry, partner.connector, adviceTimeoutMs(partner.config.timeoutMs, leaseMs))
      : { kind: 'failed', status: 0, error: notConfigured(entry.partnerId) };
    const now = this.clock.now();
    this.learn(entry.partnerId, outcome, now);
    const attempts = entry.attempts + 1;
    const changes: SettleChanges =
      outcome.kind === 'successful'
        ? { status: 'DELIVERED', attempts, deliveredAt: now, updatedAt: now, lastError: null }
        : outcome.kind === 'failed'
          ? { status: 'PARKED', attempts, updatedAt: now, lastError: describe(outcome) }
          : { attempts, updatedAt: now, lastError: describe(outcome), nextAttemptAt: now + this.backoff(attempts) };
    const status = outcome.status ?? null;
    await this.outbox.settle(entry, this.instance.id, changes, {
      outboxId: entry.id,
      instanceId: this.instance.id,
      outcome: outcome.kind,
      httpStatus: status,
      detail: outcome.kind === 'successful' ? null : describe(outcome),
      createdAt: now,
    });
    // The outbox row and its delivery attempt are already committed; the audit
    // copy need not hold up the next delivery.
    void this.audit.record({
      direction: 'OUT',
      operation: entry.kind === 'CONFIRMATION' ? 'confirmPayment' : 'reversePayment',
      messageId: entry.id,
      tranId: (entry.body as { tranId?: string } | null)?.tranId ?? null,
      institutionId: entry.partnerId,
      httpStatus: status,
      outcome: outcome.kind,
      requestBody: entry.body,
      responseBody: outcome.kind === 'successful' ? outcome.body : outcome.kind === 'failed' ? outcome.error : null,
      durationMs: now - started,
    });
    if (outcome.kind === 'failed') {
      this.logger.warn(`advice ${entry.id} for payment ${entry.paymentId} parked: ${describe(outcome)}`);
    }
  }

  /** Feeds the partner's circuit; once a down partner answers again, its held advices go at once. */
  private learn(partnerId: string, outcome: AdviceOutcome, now: number): void {
    const change = this.breaker.record(partnerId, outcome, now);
    if (change === 'tripped') {
      this.logger.warn(
        `partner ${partnerId} does not answer (${TRIP_AFTER} advices in a row): its advices are held, one probe at a time`,
      );
    } else if (change === 'closed') {
      this.logger.log(`partner ${partnerId} answers again: its held advices go now`);
      this.again = true;
    }
  }

  /** Registered connectors are guarded (partners/connector-guard.ts): a call never rejects nor overruns. */
  private send(entry: ClaimedEntry, connector: PartnerConnector, timeoutMs: number): Promise<AdviceOutcome> {
    // Stored as built by buildUpstreamAdvice: the protocol's advice messages.
    const body = (entry.body ?? {}) as unknown;
    const call = { timeoutMs, partnerRef: entry.partnerRef };
    return entry.kind === 'CONFIRMATION'
      ? connector.confirm(body as PaymentConfirmation, call)
      : connector.reverse(body as PaymentReversal, call);
  }

  /** Capped exponential backoff with "equal jitter": half fixed, half random (the exponent capped at 30). */
  private backoff(attempts: number): number {
    const { initialDelayMs, maxDelayMs } = this.config.hub.saf;
    return backoffDelay(Math.min(attempts, 31), initialDelayMs, maxDelayMs, Math.random);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.clock.clearTimer(this.timer);
    await this.running;
    await this.outbox.releaseLeases(this.instance.id).catch(() => undefined);
  }
}

function describe(outcome: AdviceOutcome): string {
  if (outcome.kind === 'unknown') return outcome.reason;
  const status = outcome.status === undefined ? '' : `${outcome.status} `;
  if (outcome.kind === 'failed') return `${status}${outcome.error.errorType}: ${outcome.error.errorMessage}`;
  return status.trim() || 'accepted';
}

function notConfigured(partnerId: string): ErrorDetail {
  return { id: randomUUID(), errorType: ErrorType.ROUTING_ERROR, errorMessage: `Partner ${partnerId} not configured` };
}
