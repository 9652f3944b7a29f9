import { AuditService } from '@app/audit/audit.service';
import { AppConfig } from '@app/config/app-config';
import type { PartnerConfig } from '@app/config/hub-config.schema';
import { HubInstanceService } from '@app/instances/hub-instance.service';
import type { AdviceCall, PartnerConnector } from '@app/partners/partner-connector';
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

/**
 * Runs one delivery pass of a real forwarder over a stub outbox holding one
 * confirmation, and returns the timeout the connector was called with and
 * the lease the entry was claimed under.
 */
async function deliverOne(partnerTimeoutMs: number, leaseMs: number): Promise<{ timeoutMs: number; leaseMs: number }> {
  const clock = new FakeClock();
  const leases: number[] = [];
  let claimed = false;
  const outbox: Pick<OutboxRepository, 'claimDue' | 'settle' | 'nextDueAt' | 'releaseLeases'> = {
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
  const connector: PartnerConnector = {
    pay: () => Promise.reject(new Error('not called')),
    confirm: answer,
    reverse: answer,
  };
  const partner: PartnerConfig = {
    id: 'wallet',
    connector: 'electrum-http',
    timeoutMs: partnerTimeoutMs,
    options: {},
    flatKeys: [],
  };
  const partners: Pick<PartnerRegistry, 'get'> = {
    get: (id) => (id === 'wallet' ? { config: partner, type: 'electrum-http', connector } : undefined),
  };
  const config = { hub: { saf: { initialDelayMs: 1000, maxDelayMs: 60000, leaseMs, batchSize: 100 } } };
  const forwarder = new AdviceForwarder(
    outbox as OutboxRepository,
    partners as PartnerRegistry,
    { id: 'hub-test' } as HubInstanceService,
    { record: () => Promise.resolve() } as Pick<AuditService, 'record'> as AuditService,
    clock,
    config as AppConfig,
  );
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
