import { randomUUID } from 'node:crypto';
import { OutboxRepository } from '@app/outbox/outbox.repository';
import { Database } from '@app/persistence/database';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { FakeClock } from '../utils/fake-clock';
import { HubStore } from '../utils/lifecycle-db';

const LEASE_MS = 30_000;

/**
 * The outbox's leases on the real store, both kinds (docs/protocol.md §10,
 * docs/decisions.md "Settles in one statement, claims while deliveries are in
 * flight"): a batch of settlements applies each one only where its instance
 * still holds the lease, and two instances' claims never share an entry. The
 * hub's own forwarder runs on a clock a day behind the entries queued here, so
 * it never finds them due: the test plays both instances through the repository.
 */
describe('outbox leases: batch settles and concurrent claims', () => {
  let hub: TestApp;
  let store: HubStore;
  let outbox: OutboxRepository;
  let db: Database;
  let now: number;

  beforeAll(async () => {
    const clock = new FakeClock();
    hub = await createTestApp({ clock });
    store = new HubStore(hub);
    outbox = hub.app.get(OutboxRepository);
    db = hub.app.get(Database);
    now = clock.now() + 86_400_000;
  });
  afterAll(async () => {
    await hub?.close();
  });

  /** Queues `n` confirmations due at `now` (each for a payment of its own), returning their payment ids. */
  async function queue(n: number): Promise<string[]> {
    const paymentIds = Array.from({ length: n }, () => `p-${randomUUID()}`);
    await db.transaction(async (tx) => {
      for (const paymentId of paymentIds) {
        await outbox.queueAdvice(
          tx,
          { paymentId, partnerId: 'wallet-a', kind: 'CONFIRMATION', sourceAdviceId: null, build: (id) => ({ id }) },
          now,
        );
      }
    });
    return paymentIds;
  }

  const delivered = (at: number) =>
    ({ status: 'DELIVERED', attempts: 1, deliveredAt: at, updatedAt: at, lastError: null }) as const;
  const attempt = (outboxId: string, instanceId: string, at: number) => ({
    outboxId,
    instanceId,
    outcome: 'successful',
    httpStatus: 202,
    detail: null,
    createdAt: at,
  });

  it('settles a batch where the lease is still held, and leaves an entry another instance has taken over untouched', async () => {
    await queue(3);
    const claimed = await outbox.claimDue('hub-a', now, now + LEASE_MS, 3);
    expect(claimed).toHaveLength(3);
    // hub-a's leases ran out while it was sending: hub-b takes one over.
    const later = now + LEASE_MS + 1;
    const [taken] = await outbox.claimDue('hub-b', later, later + LEASE_MS, 1);
    expect(claimed.map((e) => e.id)).toContain(taken.id);

    // Submitted in one tick: one group commit, one statement on PostgreSQL.
    const results = await Promise.all(
      claimed.map((e) => outbox.settle(e, 'hub-a', delivered(later), attempt(e.id, 'hub-a', later))),
    );
    expect(results).toEqual(claimed.map((e) => e.id !== taken.id));

    for (const e of claimed) {
      const [row] = await store.outbox(e.paymentId);
      const attempts = await store.attempts(e.id);
      if (e.id === taken.id) {
        expect(row).toMatchObject({ status: 'PENDING', attempts: 0, leaseOwner: 'hub-b', deliveredAt: null });
        expect(attempts).toEqual([]);
      } else {
        expect(row).toMatchObject({
          status: 'DELIVERED',
          attempts: 1,
          leaseOwner: null,
          leaseUntil: null,
          deliveredAt: later,
          lastError: null,
        });
        expect(attempts).toEqual([
          expect.objectContaining({ instanceId: 'hub-a', outcome: 'successful', httpStatus: 202, createdAt: later }),
        ]);
      }
    }
    // hub-b's own settle of the entry it took over still applies.
    await expect(outbox.settle(taken, 'hub-b', delivered(later), attempt(taken.id, 'hub-b', later))).resolves.toBe(
      true,
    );
  });

  it('keeps what a settle leaves out and sets what it sets to null', async () => {
    const [paymentId] = await queue(1);
    const [entry] = await outbox.claimDue('hub-a', now, now + LEASE_MS, 1, { only: 'wallet-a' });
    expect(entry.paymentId).toBe(paymentId);
    const retry = { attempts: 1, updatedAt: now + 5, lastError: 'timeout', nextAttemptAt: now + 1_000 };
    const parked = {
      status: 'PARKED',
      attempts: 1,
      updatedAt: now + 5,
      lastError: '400 VALIDATION_ERROR: no',
    } as const;
    const [other] = await queue(1).then(() => outbox.claimDue('hub-a', now, now + LEASE_MS, 1, { ownLeases: false }));
    const results = await Promise.all([
      outbox.settle(entry, 'hub-a', retry, { ...attempt(entry.id, 'hub-a', now + 5), outcome: 'unknown' }),
      outbox.settle(other, 'hub-a', parked, { ...attempt(other.id, 'hub-a', now + 5), outcome: 'failed' }),
    ]);
    expect(results).toEqual([true, true]);
    const [row] = await store.outbox(paymentId);
    expect(row).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      lastError: 'timeout',
      nextAttemptAt: now + 1_000,
      deliveredAt: null,
      leaseOwner: null,
    });
    const [parkedRow] = await store.outbox(other.paymentId);
    expect(parkedRow).toMatchObject({ status: 'PARKED', nextAttemptAt: now, lastError: '400 VALIDATION_ERROR: no' });
  });

  it('never gives one entry to two instances claiming at once, nor takes back its own leases while told not to', async () => {
    const at = now + 10 * LEASE_MS;
    await queue(40);
    // 4 × 10 of the 40 (and whatever else is due): every claim finds its 10, none of another's.
    const claims = await Promise.all(
      ['hub-a', 'hub-b', 'hub-c', 'hub-d'].map((owner) => outbox.claimDue(owner, at, at + LEASE_MS, 10)),
    );
    expect(claims.map((c) => c.length)).toEqual([10, 10, 10, 10]);
    expect(new Set(claims.flat().map((e) => e.id)).size).toBe(40);
    // hub-a still holds its leases: while its deliveries are in flight it must not claim them again.
    const notMine = await outbox.claimDue('hub-a', at + 1, at + 1 + LEASE_MS, 100, { ownLeases: false });
    expect(notMine.filter((e) => claims[0].some((c) => c.id === e.id))).toEqual([]);
    // Once none is in flight, an entry still leased to it is one whose result could not be written.
    const again = await outbox.claimDue('hub-a', at + 1, at + 1 + LEASE_MS, 100);
    expect(again.map((e) => e.id)).toEqual(expect.arrayContaining(claims[0].map((e) => e.id)));
  });
});
