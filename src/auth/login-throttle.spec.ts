import { Clock, TimerHandle } from '@app/clock/clock';
import { LoginThrottle, ThrottlePermit, ThrottleVerdict } from './login-throttle';

class ManualClock extends Clock {
  constructor(public current = 1_000_000) {
    super();
  }
  now(): number {
    return this.current;
  }
  setTimer(): TimerHandle {
    return { id: 0 };
  }
  clearTimer(): void {}
}

function permit(verdict: ThrottleVerdict): ThrottlePermit {
  if (!('permit' in verdict)) throw new Error(`refused for ${verdict.retryAfterSeconds} s`);
  return verdict.permit;
}

describe('LoginThrottle', () => {
  let clock: ManualClock;
  let throttle: LoginThrottle;

  beforeEach(() => {
    clock = new ManualClock();
    throttle = new LoginThrottle(clock);
  });

  it('runs at most 4 checks at once per address; the 5th is refused for a second', () => {
    const running = [1, 2, 3, 4].map((i) => permit(throttle.begin(`user-${i}`, 'a')));
    expect(throttle.begin('user-5', 'a')).toEqual({ retryAfterSeconds: 1 });
    expect('permit' in throttle.begin('user-5', 'b')).toBe(true);
    running[0].finish(true);
    expect('permit' in throttle.begin('user-5', 'a')).toBe(true);
  });

  it('counts failures and running checks together: 10 a minute per address', () => {
    for (let i = 0; i < 8; i++) permit(throttle.begin(`u${i}`, 'a')).finish(false);
    const one = permit(throttle.begin('u8', 'a'));
    permit(throttle.begin('u9', 'a'));
    // 8 failed + 2 running = 10: refused while those two are still being checked.
    expect(throttle.begin('u10', 'a')).toEqual({ retryAfterSeconds: 1 });
    one.finish(true);
    expect('permit' in throttle.begin('u10', 'a')).toBe(true);
  });

  it('after 10 failures an address waits until the oldest is a minute old', () => {
    for (let i = 0; i < 10; i++) {
      permit(throttle.begin('u', 'a')).finish(false);
      clock.current += 1_000;
    }
    // The first failure was 10 s ago: 50 s to go.
    expect(throttle.begin('other', 'a')).toEqual({ retryAfterSeconds: 50 });
    clock.current += 50_000;
    expect('permit' in throttle.begin('other', 'a')).toBe(true);
  });

  it('60 checks a minute per username from all addresses together; past them only clean addresses, up to 600', () => {
    for (let i = 0; i < 60; i++) permit(throttle.begin('victim', `addr-${i}`)).finish(i % 2 === 0);
    // An address that failed within the minute is refused for the username...
    permit(throttle.begin('other', 'guesser')).finish(false);
    expect(throttle.begin('victim', 'guesser')).toEqual({ retryAfterSeconds: 60 });
    expect('permit' in throttle.begin('someone-else', 'guesser')).toBe(true);
    // ...a clean one (no failure, nothing running) still gets its check: no lock-out.
    const clean = permit(throttle.begin('victim', 'till'));
    clean.finish(true);
    // Up to the ceiling, whatever the number of clean addresses.
    for (let i = 61; i < 600; i++) permit(throttle.begin('victim', `bot-${i}`)).finish(false);
    expect(throttle.begin('victim', 'fresh')).toEqual({ retryAfterSeconds: 60 });
    clock.current += 60_000;
    expect('permit' in throttle.begin('victim', 'fresh')).toBe(true);
  });

  it("an address that proved the password lately is not refused by the username's budget", () => {
    permit(throttle.begin('victim', 'till')).finish(true);
    for (let i = 0; i < 599; i++) permit(throttle.begin('victim', `guesser-${i}`)).finish(false);
    expect(throttle.begin('victim', 'fresh')).toEqual({ retryAfterSeconds: 60 });
    expect('permit' in throttle.begin('victim', 'till')).toBe(true);
    // A day later the address is a stranger again.
    clock.current += 24 * 60 * 60_000;
    for (let i = 0; i < 600; i++) permit(throttle.begin('victim', `later-${i}`)).finish(false);
    expect(throttle.begin('victim', 'till')).toEqual({ retryAfterSeconds: 60 });
  });

  it('a permit finished twice counts once', () => {
    const p = permit(throttle.begin('u', 'a'));
    p.finish(false);
    p.finish(false);
    for (let i = 0; i < 8; i++) permit(throttle.begin('u', 'a')).finish(false);
    // 9 failures, not 10: one more may be checked.
    expect('permit' in throttle.begin('u', 'a')).toBe(true);
  });
});
