import { MigrationInterface, QueryRunner } from 'typeorm';
import { contentHash } from '@app/advices/advice-content';
import type { AdviceKind } from '@app/advices/advice.entity';
import type { JsonObject } from '@app/persistence/column-types';
import { asTx } from '@app/persistence/database';
import { execute } from '@app/persistence/sql-table';

/*
 * Message ids compare case-insensitively and are kept in lower case
 * (docs/decisions.md). Rows stored before that keep ids as their sender wrote
 * them (an iOS or .NET POS writes UUIDs in upper case), and would no longer be
 * found: this lower-cases them. Only UUID-shaped values (36 characters) are
 * touched. A row whose lower-case id is already taken by another (two
 * messages the hub once told apart by case alone) keeps its id, and so do the
 * rows that refer to it.
 */

/** Columns holding a message's own id, unique in their table: updated first. */
const OWN_IDS: Array<[table: string, column: string]> = [
  ['payments', 'id'],
  ['qr_codes', 'request_id'],
  ['scans', 'id'],
  ['advices', 'id'],
];

/** Columns naming another row's id, updated when that row now has the lower-case id. */
const REFERENCES: Array<[table: string, column: string, parent: string, parentColumn: string]> = [
  ['qr_codes', 'paid_by_payment_id', 'payments', 'id'],
  ['scans', 'payment_id', 'payments', 'id'],
  ['advices', 'payment_id', 'payments', 'id'],
  ['outbox', 'payment_id', 'payments', 'id'],
  ['outbox', 'source_advice_id', 'advices', 'id'],
];

/** Lookup keys that are not unique: an advice's requestId (also of an unknown request), the audit trail's message id. */
const KEYS: Array<[table: string, column: string]> = [
  ['advices', 'request_id'],
  ['audit_messages', 'message_id'],
];

const upper = (column: string) => `${column} <> lower(${column}) AND length(${column}) = 36`;

export class LowerCaseMessageIds1767312000000 implements MigrationInterface {
  name = 'LowerCaseMessageIds1767312000000';

  async up(q: QueryRunner): Promise<void> {
    // Advices whose content hash covers an id about to change: rehashed below.
    const rehash = (await q.query(
      `SELECT id, kind, body FROM advices WHERE (${upper('id')}) OR (${upper('request_id')})`,
    )) as Array<{ id: string; kind: AdviceKind; body: string }>;

    for (const [table, column] of OWN_IDS) {
      await q.query(
        `UPDATE ${table} SET ${column} = lower(${column}) WHERE ${upper(column)}
           AND NOT EXISTS (SELECT 1 FROM ${table} other WHERE other.${column} = lower(${table}.${column}))`,
      );
    }
    for (const [table, column, parent, parentColumn] of REFERENCES) {
      await q.query(
        `UPDATE ${table} SET ${column} = lower(${column}) WHERE ${upper(column)}
           AND EXISTS (SELECT 1 FROM ${parent} p WHERE p.${parentColumn} = lower(${table}.${column}))`,
      );
    }
    for (const [table, column] of KEYS) {
      await q.query(`UPDATE ${table} SET ${column} = lower(${column}) WHERE ${upper(column)}`);
    }

    for (const advice of rehash) {
      const body = JSON.parse(advice.body) as JsonObject;
      for (const key of ['id', 'requestId']) {
        const value = body[key];
        if (typeof value === 'string') body[key] = value.toLowerCase();
      }
      const id = advice.id.toLowerCase();
      await execute(asTx(q.manager), 'UPDATE advices SET content_hash = ? WHERE id = ?', [
        contentHash(advice.kind, body),
        id,
      ]);
    }
  }

  async down(): Promise<void> {
    // The sender's case is not kept: ids stay in lower case.
  }
}
