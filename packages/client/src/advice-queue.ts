/**
 * The POS's durable queue of advices (protocol basics: an advice is kept in
 * persistent storage and repeated until a final answer). One SQLite file,
 * written before `confirm`/`reverse` return, so a POS that is killed or loses
 * power right after still delivers the advice when it starts again.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { PaymentConfirmation, PaymentReversal } from '@qr-hub/protocol';

/** Which advice: the two the interface has. */
export type AdviceKind = 'confirmation' | 'reversal';

/**
 * Where an advice stands.
 * - pending: not yet answered finally; the sender repeats it.
 * - done: the hub answered successfully (for a reversal, 404 too: nothing to reverse).
 * - parked: the hub answered *failed*; repeating cannot help, a person must look.
 */
export type AdviceStatus = 'pending' | 'done' | 'parked';

/** One advice as stored, with its delivery state. */
export interface QueuedAdvice {
  /** The advice's own id (UUIDv4), also `body.id`. */
  id: string;
  kind: AdviceKind;
  /** The PaymentRequest id it settles. */
  requestId: string;
  /** Basic-auth username it must be sent with: the hub only lets a retailer settle its own payments. */
  clientId: string;
  body: PaymentConfirmation | PaymentReversal;
  status: AdviceStatus;
  /** Deliveries tried so far. */
  attempts: number;
  /** Epoch ms: not sent again before this. */
  nextAttemptAt: number;
  createdAt: number;
  updatedAt: number;
  /** HTTP status of the last answer, if any. */
  lastStatus: number | null;
  /** Why the last attempt was not final (unknown) or what the hub refused (parked). */
  lastError: string | null;
}

/** Settings of the queue file. */
export interface AdviceQueueOptions {
  /** Epoch-ms clock; injectable for tests. */
  now?: () => number;
  /**
   * SQLite `synchronous`. FULL (default) fsyncs every commit, so an advice
   * survives power loss, not only a crash: a till is unplugged more often
   * than a server, and one advice costs a few ms.
   */
  synchronous?: 'FULL' | 'NORMAL';
}

interface Row {
  id: string;
  kind: AdviceKind;
  request_id: string;
  client_id: string;
  body: string;
  status: AdviceStatus;
  attempts: number;
  next_attempt_at: number;
  lease_until: number;
  created_at: number;
  updated_at: number;
  last_status: number | null;
  last_error: string | null;
}

const SCHEMA_VERSION = 1;
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS advices (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('confirmation', 'reversal')),
    request_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'parked')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_status INTEGER,
    last_error TEXT
  );
  CREATE INDEX IF NOT EXISTS advices_due ON advices (status, client_id, next_attempt_at);
`;

/** The default queue file, relative to the working directory (the CLI uses the same). */
export const DEFAULT_QUEUE_FILE = 'data/pos-queue.sqlite';

/**
 * Advices on disk. Every method is synchronous (better-sqlite3): a write has
 * reached the file when the call returns. Several processes may open one file
 * (a POS and `qr-pos queue`); claims take a lease so two senders never send
 * one advice at the same time.
 */
export class AdviceQueue {
  private readonly db: Database.Database;
  private readonly now: () => number;

  constructor(
    readonly file: string,
    options: AdviceQueueOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    // Waits up to 5 s for another process's write lock instead of failing at once.
    this.db = new Database(file, { timeout: 5_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`${file}: advice queue schema ${version} is newer than this library (${SCHEMA_VERSION})`);
    }
    this.db.exec(SCHEMA);
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }

  /** Stores a new advice as pending and due now; returns it as stored. */
  enqueue(kind: AdviceKind, clientId: string, body: PaymentConfirmation | PaymentReversal): QueuedAdvice {
    const now = this.now();
    this.db
      .prepare(
        `INSERT INTO advices (id, kind, request_id, client_id, body, status, attempts, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)`,
      )
      .run(body.id, kind, body.requestId, clientId, JSON.stringify(body), now, now, now);
    return this.get(body.id) as QueuedAdvice;
  }

  get(id: string): QueuedAdvice | undefined {
    const row = this.db.prepare('SELECT * FROM advices WHERE id = ?').get(id) as Row | undefined;
    return row && toAdvice(row);
  }

  /** Advices in the given states (default: not yet done), oldest first; all clients unless one is named. */
  list(filter: { clientId?: string; statuses?: AdviceStatus[] } = {}): QueuedAdvice[] {
    const statuses = filter.statuses ?? ['pending', 'parked'];
    const marks = statuses.map(() => '?').join(', ');
    const byClient = filter.clientId === undefined ? '' : 'AND client_id = ?';
    const params = filter.clientId === undefined ? statuses : [...statuses, filter.clientId];
    const rows = this.db
      .prepare(`SELECT * FROM advices WHERE status IN (${marks}) ${byClient} ORDER BY created_at, id`)
      .all(...params) as Row[];
    return rows.map(toAdvice);
  }

  /**
   * Takes up to `limit` pending advices of `clientId` that are due and not
   * leased, and leases them for `leaseMs`: if this process dies mid-send,
   * another sender picks them up once the lease runs out.
   */
  claimDue(clientId: string, limit: number, leaseMs: number): QueuedAdvice[] {
    const claim = this.db.transaction((): Row[] => {
      const now = this.now();
      const rows = this.db
        .prepare(
          `SELECT * FROM advices WHERE status = 'pending' AND client_id = ? AND next_attempt_at <= ? AND lease_until <= ?
           ORDER BY next_attempt_at, created_at LIMIT ?`,
        )
        .all(clientId, now, now, limit) as Row[];
      const lease = this.db.prepare('UPDATE advices SET lease_until = ? WHERE id = ?');
      for (const row of rows) lease.run(now + leaseMs, row.id);
      return rows;
    });
    // IMMEDIATE: take the write lock before reading, so two processes cannot claim the same rows.
    return claim.immediate().map(toAdvice);
  }

  /** Final successful answer. */
  markDone(id: string, status: number): void {
    this.settle(id, 'done', status, null);
  }

  /** Final failed answer: stop repeating, keep it for a person. */
  markParked(id: string, status: number, error: string): void {
    this.settle(id, 'parked', status, error);
  }

  /** No final answer: count the attempt and try again at `nextAttemptAt`. */
  markRetry(id: string, nextAttemptAt: number, status: number | null, reason: string): void {
    if (!this.db.open) return;
    this.db
      .prepare(
        `UPDATE advices SET attempts = attempts + 1, next_attempt_at = ?, lease_until = 0, last_status = ?,
         last_error = ?, updated_at = ? WHERE id = ? AND status = 'pending'`,
      )
      .run(nextAttemptAt, status, reason, this.now(), id);
  }

  /** Makes every pending advice of `clientId` due now (a fresh start or an explicit flush skips the backoff). */
  makeDueNow(clientId: string): void {
    this.db
      .prepare(`UPDATE advices SET next_attempt_at = ? WHERE status = 'pending' AND client_id = ?`)
      .run(this.now(), clientId);
  }

  /** When the next pending advice of `clientId` may be claimed, or undefined when none is pending. */
  nextDueAt(clientId: string): number | undefined {
    const row = this.db
      .prepare(
        `SELECT MIN(MAX(next_attempt_at, lease_until)) AS due FROM advices WHERE status = 'pending' AND client_id = ?`,
      )
      .get(clientId) as { due: number | null };
    return row.due ?? undefined;
  }

  /** Forgets done advices older than `ageMs`; pending and parked ones are never deleted. */
  purgeDone(ageMs: number): number {
    return this.db.prepare(`DELETE FROM advices WHERE status = 'done' AND updated_at < ?`).run(this.now() - ageMs)
      .changes;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private settle(id: string, status: AdviceStatus, httpStatus: number, error: string | null): void {
    // An answer that comes in after close() is dropped: the lease runs out and the advice is simply sent again.
    if (!this.db.open) return;
    this.db
      .prepare(
        `UPDATE advices SET status = ?, attempts = attempts + 1, lease_until = 0, last_status = ?, last_error = ?,
         updated_at = ? WHERE id = ? AND status = 'pending'`,
      )
      .run(status, httpStatus, error, this.now(), id);
  }
}

function toAdvice(row: Row): QueuedAdvice {
  return {
    id: row.id,
    kind: row.kind,
    requestId: row.request_id,
    clientId: row.client_id,
    body: JSON.parse(row.body) as PaymentConfirmation | PaymentReversal,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastStatus: row.last_status,
    lastError: row.last_error,
  };
}
