import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config/app-config';
import type { InstitutionConfig } from '@app/config/hub-config.schema';
import { Clock } from '@app/clock/clock';
import { TooManyAttemptsError } from '@app/errors/hub-error';
import { LoginThrottle } from './login-throttle';
import { verifyPasswordHash } from '@app/common/password-hash';
import { Principal } from './principal';

const CACHE_TTL_MS = 5 * 60_000;
const CACHE_MAX = 10_000;

/**
 * Checks Basic-auth credentials against the configured institutions (docs/protocol.md §3).
 * scrypt is deliberately slow (~50 ms), so a verified username/password pair is
 * remembered for a few minutes under a keyed hash (the plaintext is never
 * kept); password checks are throttled per client address and per username
 * (see LoginThrottle).
 */
@Injectable()
export class CredentialsService {
  private readonly institutions: Map<string, InstitutionConfig>;
  private readonly cacheKey = randomBytes(32);
  private readonly verified = new Map<string, { principal: Principal; until: number }>();
  private readonly checking = new Map<string, Promise<Principal | null>>();
  private readonly throttle: LoginThrottle;

  constructor(
    config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.institutions = new Map(config.hub.institutions.map((i) => [i.id, i]));
    this.throttle = new LoginThrottle(clock);
  }

  /**
   * The principal for valid credentials, null for wrong ones; throws when the
   * throttle refuses to check the password. A credential already proven
   * correct is answered from the cache before the throttle is asked, so no
   * third party's failures can refuse it (docs/protocol.md §3, docs/decisions.md).
   */
  async authenticate(username: string, password: string, clientAddress: string): Promise<Principal | null> {
    const digest = this.digest(username, password);
    const cached = this.verified.get(digest);
    const now = this.clock.now();
    if (cached && cached.until > now) {
      // Sliding: an institution in steady use never has to pass the throttle again.
      cached.until = now + CACHE_TTL_MS;
      return cached.principal;
    }

    // The same credential already being checked (a client's parallel first
    // requests): share that check rather than spend another scrypt and slot.
    const pending = this.checking.get(digest);
    if (pending) return pending;
    const verdict = this.throttle.begin(username, clientAddress);
    if ('retryAfterSeconds' in verdict) throw new TooManyAttemptsError(verdict.retryAfterSeconds);
    const check = this.check(username, password, digest).finally(() => this.checking.delete(digest));
    this.checking.set(digest, check);
    return check.then(
      (principal) => {
        verdict.permit.finish(principal !== null);
        return principal;
      },
      (error: unknown) => {
        verdict.permit.finish(false);
        throw error;
      },
    );
  }

  private async check(username: string, password: string, digest: string): Promise<Principal | null> {
    const institution = this.institutions.get(username);
    const ok = institution ? await this.matches(institution, password) : await this.burnTime(password);
    if (!institution || !ok) return null;
    const principal: Principal = { id: institution.id, name: institution.name, role: institution.role };
    if (this.verified.size >= CACHE_MAX) this.verified.clear();
    this.verified.set(digest, { principal, until: this.clock.now() + CACHE_TTL_MS });
    return principal;
  }

  private async matches(institution: InstitutionConfig, password: string): Promise<boolean> {
    const secret = institution.secret;
    if (secret.kind === 'scrypt') return verifyPasswordHash(secret.hash, password);
    // Compare keyed digests so the comparison is constant-time whatever the lengths,
    // and spend one scrypt as an unknown username does, so timing tells nothing.
    await this.burnTime(password);
    return timingSafeEqual(this.digestBuffer('', secret.value), this.digestBuffer('', password));
  }

  /** An unknown username costs as much as a wrong password, so ids cannot be probed by timing. */
  private async burnTime(password: string): Promise<boolean> {
    await verifyPasswordHash(DUMMY_HASH, password);
    return false;
  }

  private digest(username: string, password: string): string {
    return this.digestBuffer(username, password).toString('base64');
  }

  private digestBuffer(username: string, password: string): Buffer {
    return createHmac('sha256', this.cacheKey).update(username).update('\0').update(password).digest();
  }
}

// scrypt hash of a random throw-away password (N=16384, r=8, p=1).
const DUMMY_HASH = 'scrypt$16384$8$1$4Ki8mTjZg0Fw3Bq7xXlD6A==$y4o9bqv1D8cZ0Tn8mK4Vg8zG3p1cVJv9nNw0a1s2d3E=';
