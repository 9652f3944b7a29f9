import type { AdviceOutcome } from '@app/partners/partner-connector';
import { PartnerBreaker, TRIP_AFTER } from './partner-breaker';

const noAnswer: AdviceOutcome = { kind: 'unknown', reason: 'connection error: ECONNREFUSED' };
const answered500: AdviceOutcome = { kind: 'unknown', status: 500, reason: 'status 500' };
const accepted: AdviceOutcome = { kind: 'successful', status: 202, body: null };

describe('PartnerBreaker: a partner that does not answer costs one probe', () => {
  it(`opens after ${TRIP_AFTER} unanswered deliveries in a row; an answer in between starts the count again`, () => {
    const breaker = new PartnerBreaker(1_000, 8_000);
    expect(breaker.record('w', noAnswer, 0)).toBeNull();
    expect(breaker.record('w', answered500, 0)).toBeNull(); // an error status is an answer
    expect(breaker.record('w', noAnswer, 0)).toBeNull();
    expect(breaker.record('w', noAnswer, 0)).toBeNull();
    expect(breaker.open()).toEqual([]);
    expect(breaker.record('w', noAnswer, 100)).toBe('tripped');
    expect(breaker.open()).toEqual(['w']);
    expect(breaker.nextProbeAt()).toBe(1_100);
  });

  it('sends one probe when its time is up, doubling the wait while probes find it down, to saf.maxDelayMs', () => {
    const breaker = new PartnerBreaker(1_000, 3_000);
    for (let i = 0; i < TRIP_AFTER; i++) breaker.record('w', noAnswer, 0);
    expect(breaker.takeProbes(999)).toEqual([]);
    expect(breaker.takeProbes(1_000)).toEqual(['w']);
    expect(breaker.takeProbes(1_000)).toEqual([]); // one probe at a time
    expect(breaker.nextProbeAt()).toBeNull();
    // A delivery claimed before the trip that fails now does not stretch the wait; the probe does.
    expect(breaker.record('w', noAnswer, 1_500)).toBeNull();
    expect(breaker.nextProbeAt()).toBe(3_500);
    expect(breaker.takeProbes(3_500)).toEqual(['w']);
    breaker.record('w', noAnswer, 3_600);
    expect(breaker.nextProbeAt()).toBe(6_600); // 4,000 capped to 3,000
  });

  it('closes on the first answer, and a probe with nothing left to send waits for the next', () => {
    const breaker = new PartnerBreaker(1_000, 60_000);
    for (let i = 0; i < TRIP_AFTER; i++) breaker.record('w', noAnswer, 0);
    expect(breaker.takeProbes(1_000)).toEqual(['w']);
    breaker.probeUnused('w');
    expect(breaker.nextProbeAt()).toBe(1_000);
    expect(breaker.takeProbes(1_000)).toEqual(['w']);
    expect(breaker.record('w', accepted, 1_050)).toBe('closed');
    expect(breaker.open()).toEqual([]);
    expect(breaker.record('other', accepted, 1_050)).toBeNull();
  });
});
