import type { AdviceOutcome } from '@app/partners/partner-connector';

/** Consecutive deliveries a partner did not answer at all before its advices are held back. */
export const TRIP_AFTER = 3;

interface Circuit {
  /** Deliveries in a row the partner did not answer (no status: connection failed or timed out). */
  misses: number;
  /** While open: when the next probe may go; null when closed. */
  probeAt: number | null;
  /** How long the circuit stayed open last time (doubles while probes fail). */
  openMs: number;
  /** A probe is out and its outcome not yet known. */
  probing: boolean;
}

/**
 * A circuit breaker per partner for store-and-forward (docs/decisions.md,
 * "A partner that is down costs one probe"). A partner that does not answer
 * at all — connections refused or reset, timeouts — `TRIP_AFTER` times in a
 * row is taken as down: its advices stay queued, untouched and not counted
 * as attempts, and one of them goes out as a probe when the circuit's time is
 * up (`saf.initialDelayMs`, doubling to `saf.maxDelayMs` while probes fail).
 * Any answer — even an error status — closes it, and the held advices go out
 * at once. Without it every due advice of a down partner would open a
 * connection of its own at each retry.
 */
export class PartnerBreaker {
  private readonly circuits = new Map<string, Circuit>();

  constructor(
    private readonly initialDelayMs: number,
    private readonly maxDelayMs: number,
  ) {}

  /** Partners whose advices are held back now (not to be claimed, except as a probe). */
  open(): string[] {
    return [...this.circuits].filter(([, c]) => c.probeAt !== null).map(([id]) => id);
  }

  /** Open partners whose probe may go now, each marked as probing. */
  takeProbes(now: number): string[] {
    const ready: string[] = [];
    for (const [id, c] of this.circuits) {
      if (c.probeAt !== null && !c.probing && c.probeAt <= now) {
        c.probing = true;
        ready.push(id);
      }
    }
    return ready;
  }

  /** A probe was taken but found nothing to send (the queue emptied): it waits for the next due advice. */
  probeUnused(partnerId: string): void {
    const c = this.circuits.get(partnerId);
    if (c) c.probing = false;
  }

  /** The soonest time a probe may go, or null when no circuit is open. */
  nextProbeAt(): number | null {
    let soonest: number | null = null;
    for (const c of this.circuits.values()) {
      if (c.probeAt !== null && !c.probing && (soonest === null || c.probeAt < soonest)) soonest = c.probeAt;
    }
    return soonest;
  }

  /**
   * Learns from one delivery's outcome: `tripped` when it opened the circuit,
   * `closed` when it closed an open one, else null.
   */
  record(partnerId: string, outcome: AdviceOutcome, now: number): 'tripped' | 'closed' | null {
    const unanswered = outcome.kind === 'unknown' && outcome.status === undefined;
    const c = this.circuits.get(partnerId);
    if (!unanswered) {
      this.circuits.delete(partnerId);
      return c?.probeAt != null ? 'closed' : null;
    }
    if (!c) {
      this.circuits.set(partnerId, { misses: 1, probeAt: null, openMs: 0, probing: false });
      return TRIP_AFTER <= 1 ? this.trip(partnerId, now) : null;
    }
    if (c.probeAt !== null) {
      // The probe found it still down: wait twice as long (a delivery claimed before the trip changes nothing).
      if (c.probing) {
        c.openMs = Math.min(this.maxDelayMs, c.openMs * 2);
        c.probeAt = now + c.openMs;
        c.probing = false;
      }
      return null;
    }
    c.misses++;
    return c.misses >= TRIP_AFTER ? this.trip(partnerId, now) : null;
  }

  private trip(partnerId: string, now: number): 'tripped' {
    const c = this.circuits.get(partnerId)!;
    c.openMs = Math.max(1, this.initialDelayMs);
    c.probeAt = now + c.openMs;
    c.probing = false;
    return 'tripped';
  }
}
