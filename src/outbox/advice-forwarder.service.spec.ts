import { AuditService } from '@app/audit/audit.service';
import { AppConfig } from '@app/config/app-config';
import type { PartnerConfig } from '@app/config/hub-config.schema';
import { HubInstanceService } from '@app/instances/hub-instance.service';
import type { AdviceCall, AdviceOutcome, PartnerConnector } from '@app/partners/partner-connector';
import { PartnerRegistry } from '@app/partners/partner-registry.service';
// test/ has no path alias (jest/tsconfig map only @app → src).
import { FakeClock } from '../../test/utils/fake-clock';
import { AdviceForwarder, adviceTimeoutMs } from './advice-forwarder.service';
import { OutboxEntry } from './outbox-entry.entity';
import { ClaimedEntry, OutboxRepository } from './outbox.repository';

/** One queued confirmation to `wallet`, as `claimDue` returns it. */
function anEntry(now: number): ClaimedEntry {
  return Object.assign(new OutboxEntry(), {
    id: 'c7c2f5a4-1b0e-4f7e-9a55-2d6c2a9f0b11',
    paymentId: 'p-1',
    partnerId: 'wallet',
    kind: 'CONFIRMATION',
    sourceAdviceId: null,
    body: { id: 'c7c2f5a4-1b0e-4f7e-9a55-2d6c2a9f0b11', tranId: 't-1' },
    status: 'PENDING',
    attempts: 0,
    nextAttemptAt: now,
    leaseOwner: null,
    leaseUntil: null,
    lastError: null,
    resolvedBy: null,
    createdAt: now,
    updatedAt: now,
    deliveredAt: null,
    partnerRef: null,
  });
}

type StubOutbox = Pick<OutboxRepository, 'claimDue' | 'settle' | 'nextDueAt' | 'releaseLeases'>;

/** A real forwarder over a stub outbox, delivering to one `wallet` partner whose advices `answer` answers. */
function aForwarder(
  outbox: StubOutbox,
  answer: PartnerConnector['confirm'],
  clock: FakeClock,
  settings: { timeoutMs: number; leaseMs: number; batchSize: number },
): AdviceForwarder {
  const connector: PartnerConnector = {
    pay: () => Promise.reject(new Error('not called')),
    confirm: answer,
    reverse: answer,
  };
  const partner: PartnerConfig = {
    id: 'wallet',
    connector: 'electrum-http',
    timeoutMs: settings.timeoutMs,
    options: {},
    flatKeys: [],
  };
  const partners: Pick<PartnerRegistry, 'get'> = {
    get: (id) => (id === 'wallet' ? { config: partner, type: 'electrum-http', connector } : undefined),
  };
  const { leaseMs, batchSize } = settings;
  const config = { hub: { saf: { initialDelayMs: 1000, maxDelayMs: 60000, leaseMs, batchSize } } };
  return new AdviceForwarder(
    outbox as OutboxRepository,
    partners as PartnerRegistry,
    { id: 'hub-test' } as HubInstanceService,
    { record: () => Promise.resolve() } as Pick<AuditService, 'record'> as AuditService,
    clock,
    config as AppConfig,
  );
}

/**
 * Runs one delivery pass of a real forwarder over a stub outbox holding one
 * confirmation, and returns the timeout the connector was called with and
 * the lease the entry was claimed under.
 */
async function deliverOne(partnerTimeoutMs: number, leaseMs: number): Promise<{ timeoutMs: number; leaseMs: number }> {
  const clock = new FakeClock();
  const leases: number[] = [];
  let claimed = false;
  const outbox: StubOutbox = {
    claimDue: (_owner, now, leaseUntil) => {
      leases.push(leaseUntil - now);
      if (claimed) return Promise.resolve([]);
      claimed = true;
      return Promise.resolve([anEntry(now)]);
    },
    settle: () => Promise.resolve(true),
    nextDueAt: () => Promise.resolve(null),
    releaseLeases: () => Promise.resolve(),
  };
  const calls: AdviceCall[] = [];
  const answer = (_advice: object, options: AdviceCall) => {
    calls.push(options);
    return Promise.resolve({ kind: 'successful' as const, status: 202, body: null });
  };
  const forwarder = aForwarder(outbox, answer, clock, { timeoutMs: partnerTimeoutMs, leaseMs, batchSize: 100 });
  forwarder.wake();
  await forwarder.beforeApplicationShutdown();
  expect(calls).toHaveLength(1);
  return { timeoutMs: calls[0].timeoutMs, leaseMs: leases[0] };
}

describe('advice delivery timeout inside the outbox lease (docs/protocol.md §10)', () => {
  it('cuts a partner timeout longer than the lease so the call ends 5 s before the lease does', async () => {
    await expect(deliverOne(35_000, 30_000)).resolves.toEqual({ timeoutMs: 25_000, leaseMs: 30_000 });
  });

  it('keeps a partner timeout that already fits inside the lease', async () => {
    await expect(deliverOne(8_000, 30_000)).resolves.toEqual({ timeoutMs: 8_000, leaseMs: 30_000 });
  });

  it('keeps half of a short lease as the margin', () => {
    expect(adviceTimeoutMs(25_000, 20_000)).toBe(15_000);
    expect(adviceTimeoutMs(25_000, 8_000)).toBe(4_000);
    expect(adviceTimeoutMs(25_000, 1_000)).toBe(500);
    expect(adviceTimeoutMs(300, 1_000)).toBe(300);
  });
});

describe('the sliding window of deliveries (docs/decisions.md, "claims while deliveries are in flight")', () => {
  /**
   * A stub outbox of `total` due entries and a partner whose answers the test
   * releases one at a time: what the forwarder has in flight, and how it claims.
   */
  function setUp(total: number | string[], batchSize: number) {
    const clock = new FakeClock();
    const ids = typeof total === 'number' ? Array.from({ length: total }, (_, i) => `e-${i}`) : total;
    const queue = ids.map((id) => ({ ...anEntry(clock.now()), id, body: { id, tranId: `t-${id}` } }));
    const claims: Array<{ limit: number; ownLeases: boolean | undefined; inFlight: number }> = [];
    const sent: string[] = [];
    const answers: Array<() => void> = [];
    const waiting: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const outbox: StubOutbox = {
      claimDue: (_owner, _now, _leaseUntil, limit, filter) => {
        claims.push({ limit, ownLeases: filter?.ownLeases, inFlight });
        return Promise.resolve(filter?.only ? [] : queue.splice(0, limit));
      },
      settle: () => Promise.resolve(true),
      nextDueAt: () => Promise.resolve(null),
      releaseLeases: () => Promise.resolve(),
    };
    const answer = (advice: object) => {
      sent.push((advice as { id: string }).id);
      waiting.push((advice as { id: string }).id);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      return new Promise<AdviceOutcome>((resolve) =>
        answers.push(() => {
          inFlight -= 1;
          resolve({ kind: 'successful', status: 202, body: null });
        }),
      );
    };
    const forwarder = aForwarder(outbox, answer, clock, { timeoutMs: 5_000, leaseMs: 30_000, batchSize });
    const settleTick = () => new Promise<void>((resolve) => setImmediate(resolve));
    /** Answers the oldest call still waiting, then lets the forwarder react. */
    const answerOne = async (index = 0) => {
      waiting.splice(index, 1);
      answers.splice(index, 1)[0]?.();
      for (let i = 0; i < 5; i++) await settleTick();
    };
    return { forwarder, claims, sent, answerOne, stats: () => ({ inFlight, maxInFlight, waiting: answers.length }) };
  }

  it('claims the next entries once a quarter of the window is settled, never more than batchSize in flight', async () => {
    const { forwarder, claims, sent, answerOne, stats } = setUp(25, 8);
    forwarder.wake();
    for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    expect(sent).toHaveLength(8);
    expect(claims).toEqual([{ limit: 8, ownLeases: true, inFlight: 0 }]);
    await answerOne();
    expect(claims).toHaveLength(1); // 7 still in flight: not yet
    await answerOne();
    // 6 in flight: the next 2 claimed, and not the entries leased to us that are being sent.
    expect(claims[1]).toEqual({ limit: 2, ownLeases: false, inFlight: 6 });
    expect(sent).toHaveLength(10);
    while (stats().waiting > 0) await answerOne();
    const shutdown = forwarder.beforeApplicationShutdown();
    await shutdown;
    expect(sent).toEqual(Array.from({ length: 25 }, (_, i) => `e-${i}`));
    expect(stats().maxInFlight).toBe(8);
    expect(stats().inFlight).toBe(0);
  });

  it('does not send again an entry it claimed anew while its delivery is still in flight', async () => {
    // e-0 comes back in the second claim, as if its lease had run out while its settle was slow.
    const { forwarder, sent, answerOne, stats } = setUp(['e-0', 'e-1', 'e-2', 'e-3', 'e-0', 'e-4', 'e-5'], 4);
    forwarder.wake();
    for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    await answerOne(1); // e-1: 3 in flight, e-0 among them, and the next claim brings e-0 again
    expect(sent).toEqual(['e-0', 'e-1', 'e-2', 'e-3', 'e-4']); // e-0 claimed again, not sent again
    while (stats().waiting > 0) await answerOne();
    await forwarder.beforeApplicationShutdown();
    expect(sent.filter((id) => id === 'e-0')).toHaveLength(1);
    expect(sent).toHaveLength(6);
  });
});
