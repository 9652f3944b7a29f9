import { Clock } from '@app/clock/clock';

/**
 * Counts failed logins per key (username, client address) in a sliding window
 * (SPEC §3: 10 failures a minute, then 429 even with the right password).
 * Hand-written rather than a rate-limit library because it must run on the
 * injected clock so the window can be tested without waiting a minute.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    readonly maxFailures = 10,
    readonly windowMs = 60_000,
    private readonly maxKeys = 100_000,
  ) {}

  /** Seconds until `key` may try again, or 0 when it is not blocked. */
  blockedFor(key: string): number {
    const recent = this.recent(key);
    if (recent.length < this.maxFailures) return 0;
    const unblockAt = recent[recent.length - this.maxFailures] + this.windowMs;
    return Math.max(1, Math.ceil((unblockAt - this.clock.now()) / 1000));
  }

  recordFailure(key: string): void {
    const recent = this.recent(key);
    recent.push(this.clock.now());
    if (!this.failures.has(key)) {
      // Bound memory under a flood of random usernames: forget the oldest key.
      if (this.failures.size >= this.maxKeys) this.failures.delete(this.failures.keys().next().value as string);
      this.failures.set(key, recent);
    }
  }

  private recent(key: string): number[] {
    const list = this.failures.get(key);
    if (!list) return [];
    const cutoff = this.clock.now() - this.windowMs;
    while (list.length > 0 && list[0] <= cutoff) list.shift();
    if (list.length === 0) this.failures.delete(key);
    return list;
  }
}
