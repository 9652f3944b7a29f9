/**
 * The background sender of the POS's advice queue: repeats every pending
 * advice with capped exponential backoff and jitter until the hub gives a
 * final answer (protocol basics; docs/protocol.md §7 applies the same rule to the hub).
 */
import { backoffDelay, ProtocolOutcome } from '@qr-hub/protocol';
import type { AdviceQueue, QueuedAdvice } from './advice-queue';
import type { ClientLogger } from './client-logger';

/** How the sender paces itself. */
export interface AdviceRetryOptions {
  /** Delay after the first unanswered attempt; doubles per attempt. Default 1 s. */
  initialDelayMs?: number;
  /** Cap of the delay. Default 60 s. */
  maxDelayMs?: number;
  /** How often the queue is looked at when nothing is due (advices queued by another process). Default 5 s. */
  pollMs?: number;
}

/** What the sender needs from its client. */
export interface AdviceSenderDeps {
  queue: AdviceQueue;
  /** Only this retailer's advices are sent: they go with its credentials. */
  clientId: string;
  /** One delivery attempt, classified (never rejects). */
  deliver(advice: QueuedAdvice): Promise<ProtocolOutcome>;
  /** Lease on a claimed advice: longer than one attempt can take. */
  leaseMs: number;
  logger: ClientLogger;
  /** Told when an advice reaches a final state (done or parked). */
  onSettled(advice: QueuedAdvice): void;
  retry?: AdviceRetryOptions;
  now?: () => number;
  random?: () => number;
}

/** Advices claimed per round; a POS rarely has more than a handful pending. */
const BATCH = 20;

/** Runs delivery rounds until stopped; `kick()` asks for a round now. */
export class AdviceSender {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private started = false;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly pollMs: number;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly deps: AdviceSenderDeps) {
    this.initialDelayMs = deps.retry?.initialDelayMs ?? 1_000;
    this.maxDelayMs = deps.retry?.maxDelayMs ?? 60_000;
    this.pollMs = deps.retry?.pollMs ?? 5_000;
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.kick();
  }

  /** Runs a round as soon as possible (after the one in progress, if any). */
  kick(): void {
    if (!this.started) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.round()
      .catch((err: unknown) => this.deps.logger.error(`advice sender: ${(err as Error).message}`))
      .finally(() => {
        this.running = undefined;
        if (!this.started) return;
        if (this.again) {
          this.again = false;
          this.kick();
        } else {
          this.schedule();
        }
      });
  }

  /** Stops scheduling and waits for the round in progress (each attempt is bounded by the timeout). */
  async stop(): Promise<void> {
    this.started = false;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One round: claim what is due, send it all at once, record each answer. */
  private async round(): Promise<void> {
    const { queue, clientId } = this.deps;
    for (;;) {
      const due = queue.claimDue(clientId, BATCH, this.deps.leaseMs);
      if (due.length === 0) return;
      await Promise.all(due.map((advice) => this.attempt(advice)));
      if (!this.started) return;
    }
  }

  private async attempt(advice: QueuedAdvice): Promise<void> {
    const { queue, logger } = this.deps;
    let outcome: ProtocolOutcome;
    try {
      outcome = await this.deps.deliver(advice);
    } catch (err) {
      outcome = { kind: 'unknown', reason: `send failed: ${(err as Error).message}` };
    }
    const what = `${advice.kind} ${advice.id} (payment ${advice.requestId})`;
    switch (outcome.kind) {
      case 'successful':
        queue.markDone(advice.id, outcome.status);
        logger.info(`${what} delivered: ${outcome.status}`);
        break;
      case 'failed': {
        // Protocol: a failed answer is final; repeating it would only be refused again.
        const error = `${outcome.error.errorType}: ${outcome.error.errorMessage}`;
        queue.markParked(advice.id, outcome.status, error);
        logger.error(`${what} refused by the hub (${outcome.status} ${error}); parked for an operator`);
        break;
      }
      case 'unknown': {
        const attempt = advice.attempts + 1;
        const delay = backoffDelay(attempt, this.initialDelayMs, this.maxDelayMs, this.random);
        queue.markRetry(advice.id, this.now() + delay, outcome.status ?? null, outcome.reason);
        logger.warn(`${what} not delivered (${outcome.reason}); attempt ${attempt}, next in ${delay} ms`);
        return;
      }
    }
    const settled = queue.get(advice.id);
    if (settled) this.deps.onSettled(settled);
  }

  private schedule(): void {
    const due = this.deps.queue.nextDueAt(this.deps.clientId);
    const wait = due === undefined ? this.pollMs : Math.min(this.pollMs, Math.max(0, due - this.now()));
    this.timer = setTimeout(() => this.kick(), wait);
    // An idle sender must not keep a finished POS script alive; `flush()` is for waiting on purpose.
    this.timer.unref();
  }
}
