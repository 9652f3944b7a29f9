import { Clock } from '@app/clock/clock';

/** The limits of the login throttle; the defaults are the protocol's (docs/protocol.md, security). */
export interface LoginThrottleLimits {
  /** Failed (or still running) checks from one client address within the window. */
  failuresPerAddress: number;
  /** Password checks running at once for one client address; beyond it 429 at once. */
  inFlightPerAddress: number;
  /** Password checks of one username within the window, from every address together. */
  checksPerUsername: number;
  /**
   * Past `checksPerUsername`, an address with no failure and no check running
   * in the window still gets its check, up to this many checks of the
   * username in the window (the CPU bound under a flood from many addresses).
   */
  checksPerUsernameForCleanAddresses: number;
  windowMs: number;
  /** Keys remembered per table: a flood of random usernames or addresses cannot exhaust memory. */
  maxKeys: number;
  /** How long an address that proved a username's password is exempt from that username's budget. */
  provenForMs: number;
}

export const DEFAULT_THROTTLE_LIMITS: LoginThrottleLimits = {
  failuresPerAddress: 10,
  inFlightPerAddress: 4,
  checksPerUsername: 60,
  checksPerUsernameForCleanAddresses: 600,
  windowMs: 60_000,
  maxKeys: 100_000,
  provenForMs: 24 * 60 * 60_000,
};

/** A password check the throttle let through: call `finish` once its outcome is known. */
export interface ThrottlePermit {
  finish(ok: boolean): void;
}

/** Either a permit to check the password, or the seconds the caller must wait. */
export type ThrottleVerdict = { permit: ThrottlePermit } | { retryAfterSeconds: number };

/**
 * Decides whether a password may be checked at all. Only checks are throttled:
 * a credential already proven correct never reaches here (see
 * CredentialsService), so a third party's guesses cannot lock an institution
 * out. Per client address, failures and checks still running both count, so a
 * burst of parallel guesses is refused while the first few are being checked;
 * per username, the number of checks a minute is bounded whoever sends them.
 *
 * Hand-written rather than a rate-limit library because it must run on the
 * injected clock so the window can be tested without waiting a minute.
 */
export class LoginThrottle {
  private readonly failures: SlidingWindow;
  private readonly checks: SlidingWindow;
  private readonly inFlight = new Map<string, number>();
  /** `username \n address` → when that address last proved that username's password. */
  private readonly provenFrom = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    readonly limits: LoginThrottleLimits = DEFAULT_THROTTLE_LIMITS,
  ) {
    this.failures = new SlidingWindow(clock, limits.windowMs, limits.maxKeys);
    this.checks = new SlidingWindow(clock, limits.windowMs, limits.maxKeys);
  }

  begin(username: string, address: string): ThrottleVerdict {
    const running = this.inFlight.get(address) ?? 0;
    if (running >= this.limits.inFlightPerAddress) return { retryAfterSeconds: 1 };
    const failed = this.failures.count(address);
    if (failed + running >= this.limits.failuresPerAddress) {
      // Blocked by checks still running alone: they end within a second or so.
      const seconds = failed >= this.limits.failuresPerAddress ? this.untilBelow(this.failures, address) : 1;
      return { retryAfterSeconds: seconds };
    }
    // Guesses from many addresses use up a username's budget, but that must not
    // lock the institution out (docs/decisions.md): an address that proved the
    // password lately always gets its check, and a clean address (no failure,
    // nothing running) gets one while the username is under the higher ceiling.
    // A guesser's address is clean once a minute at most; a till's always is.
    const checked = this.checks.count(username);
    if (checked >= this.limits.checksPerUsername && !this.proven(username, address)) {
      const clean = failed === 0 && running === 0;
      if (!clean || checked >= this.limits.checksPerUsernameForCleanAddresses) {
        return { retryAfterSeconds: this.untilBelow(this.checks, username) };
      }
    }

    this.checks.add(username);
    this.inFlight.set(address, running + 1);
    let finished = false;
    return {
      permit: {
        finish: (ok: boolean) => {
          if (finished) return;
          finished = true;
          const left = (this.inFlight.get(address) ?? 1) - 1;
          if (left > 0) this.inFlight.set(address, left);
          else this.inFlight.delete(address);
          if (!ok) this.failures.add(address);
          else this.remember(username, address);
        },
      },
    };
  }

  private proven(username: string, address: string): boolean {
    const at = this.provenFrom.get(`${username}\n${address}`);
    return at !== undefined && this.clock.now() - at < this.limits.provenForMs;
  }

  private remember(username: string, address: string): void {
    const key = `${username}\n${address}`;
    this.provenFrom.delete(key);
    // Forget the longest-unproven pair rather than grow without bound.
    if (this.provenFrom.size >= this.limits.maxKeys)
      this.provenFrom.delete(this.provenFrom.keys().next().value as string);
    this.provenFrom.set(key, this.clock.now());
  }

  /** Seconds until the oldest entry that keeps `key` at its limit leaves the window. */
  private untilBelow(window: SlidingWindow, key: string): number {
    const limit = window === this.failures ? this.limits.failuresPerAddress : this.limits.checksPerUsername;
    const times = window.times(key);
    const oldestCounted = times[times.length - limit] ?? times[0] ?? this.clock.now();
    return Math.max(1, Math.ceil((oldestCounted + this.limits.windowMs - this.clock.now()) / 1000));
  }
}

/** Event times per key within the last `windowMs`. */
class SlidingWindow {
  private readonly events = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly windowMs: number,
    private readonly maxKeys: number,
  ) {}

  count(key: string): number {
    return this.times(key).length;
  }

  add(key: string): void {
    const list = this.times(key);
    list.push(this.clock.now());
    if (!this.events.has(key)) {
      // Forget the oldest key rather than grow without bound.
      if (this.events.size >= this.maxKeys) this.events.delete(this.events.keys().next().value as string);
      this.events.set(key, list);
    }
  }

  times(key: string): number[] {
    const list = this.events.get(key);
    if (!list) return [];
    const cutoff = this.clock.now() - this.windowMs;
    while (list.length > 0 && list[0] <= cutoff) list.shift();
    if (list.length === 0) this.events.delete(key);
    return list;
  }
}
