import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AdviceQueue } from './advice-queue';
import type { PaymentConfirmation, PaymentReversal } from '@qr-hub/protocol';

const confirmation = (id: string, requestId = `req-${id}`): PaymentConfirmation => ({
  id,
  requestId,
  time: '2026-01-01T00:00:00.000Z',
  thirdPartyIdentifiers: [],
});
const reversal = (id: string): PaymentReversal => ({ ...confirmation(id), reversalReason: 'TIMEOUT' });

describe('AdviceQueue (SQLite file)', () => {
  let dir: string;
  let file: string;
  let clock: number;
  const open: AdviceQueue[] = [];
  const queue = (): AdviceQueue => {
    const q = new AdviceQueue(file, { now: () => clock });
    open.push(q);
    return q;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qr-pos-queue-'));
    file = join(dir, 'nested', 'queue.sqlite');
    clock = 1_000_000;
  });
  afterEach(() => {
    open.splice(0).forEach((q) => q.close());
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps an advice across a reopen of the file (a restarted POS)', () => {
    const first = queue();
    const stored = first.enqueue('reversal', '1234', reversal('a1'));
    expect(stored).toMatchObject({ id: 'a1', kind: 'reversal', requestId: 'req-a1', status: 'pending', attempts: 0 });
    first.close();
    expect(queue().list()).toEqual([stored]);
  });

  it('refuses a second advice with the same id', () => {
    const q = queue();
    q.enqueue('confirmation', '1234', confirmation('a1'));
    expect(() => q.enqueue('confirmation', '1234', confirmation('a1'))).toThrow(/UNIQUE/);
  });

  it('claims due advices with a lease, so a second sender (or process) does not send them too', () => {
    const q = queue();
    q.enqueue('confirmation', '1234', confirmation('a1'));
    q.enqueue('confirmation', '1234', confirmation('a2'));
    expect(q.claimDue('1234', 1, 5_000).map((a) => a.id)).toEqual(['a1']);
    expect(
      queue()
        .claimDue('1234', 10, 5_000)
        .map((a) => a.id),
    ).toEqual(['a2']);
    expect(q.claimDue('1234', 10, 5_000)).toEqual([]);
    expect(q.nextDueAt('1234')).toBe(clock + 5_000);
    clock += 5_000; // the sender died mid-send: the lease runs out and the advice is due again
    expect(q.claimDue('1234', 10, 5_000).map((a) => a.id)).toEqual(['a1', 'a2']);
  });

  it('only hands a sender the advices of its own retailer', () => {
    const q = queue();
    q.enqueue('confirmation', '1234', confirmation('mine'));
    q.enqueue('confirmation', '5678', confirmation('theirs'));
    expect(q.claimDue('1234', 10, 1_000).map((a) => a.id)).toEqual(['mine']);
    expect(q.list({ clientId: '5678' }).map((a) => a.id)).toEqual(['theirs']);
    expect(q.list().map((a) => a.id)).toEqual(['mine', 'theirs']);
  });

  it('retry: counts the attempt and waits until nextAttemptAt; makeDueNow skips the wait', () => {
    const q = queue();
    q.enqueue('reversal', '1234', reversal('a1'));
    q.claimDue('1234', 10, 5_000);
    q.markRetry('a1', clock + 2_000, 504, 'status 504');
    expect(q.get('a1')).toMatchObject({ attempts: 1, lastStatus: 504, lastError: 'status 504', status: 'pending' });
    expect(q.claimDue('1234', 10, 5_000)).toEqual([]);
    expect(q.nextDueAt('1234')).toBe(clock + 2_000);
    q.makeDueNow('1234');
    expect(q.claimDue('1234', 10, 5_000).map((a) => a.id)).toEqual(['a1']);
  });

  it('done and parked are final: never claimed again; parked stays listed, done does not', () => {
    const q = queue();
    q.enqueue('confirmation', '1234', confirmation('ok'));
    q.enqueue('confirmation', '1234', confirmation('refused'));
    q.markDone('ok', 202);
    q.markParked('refused', 400, 'ACCOUNT_ALREADY_SETTLED: Payment already reversed');
    q.markRetry('ok', clock, null, 'late'); // a stale retry after a final answer changes nothing
    expect(q.get('ok')).toMatchObject({ status: 'done', attempts: 1, lastStatus: 202 });
    expect(q.list().map((a) => [a.id, a.status])).toEqual([['refused', 'parked']]);
    expect(q.claimDue('1234', 10, 1_000)).toEqual([]);
    expect(q.nextDueAt('1234')).toBeUndefined();
  });

  it('forgets done advices after the retention time, never pending or parked ones', () => {
    const q = queue();
    q.enqueue('confirmation', '1234', confirmation('old'));
    q.enqueue('confirmation', '1234', confirmation('stuck'));
    q.markDone('old', 202);
    clock += 10_000;
    expect(q.purgeDone(5_000)).toBe(1);
    expect(q.get('old')).toBeUndefined();
    expect(q.get('stuck')).toBeDefined();
  });

  it('leaves the file in WAL mode, readable by another process while a POS writes', () => {
    queue().enqueue('confirmation', '1234', confirmation('a1'));
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.prepare('SELECT id, status FROM advices').all()).toEqual([{ id: 'a1', status: 'pending' }]);
    raw.close();
  });
});
