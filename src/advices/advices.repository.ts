import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Database } from '@app/persistence/database';
import { SqlTable } from '@app/persistence/sql-table';
import { Advice } from './advice.entity';

const advices = new SqlTable(Advice);

/** Storage of the retailer's advices, in plain bound SQL (see `SqlTable`). */
@Injectable()
export class AdvicesRepository {
  constructor(private readonly db: Database) {}

  insert(em: EntityManager, advice: Advice): Promise<void> {
    return advices.insert(em, advice);
  }

  find(id: string, em?: EntityManager): Promise<Advice | null> {
    const find = (m: EntityManager) => advices.one(m, 'id = ?', [id]);
    return em ? find(em) : this.db.run(find);
  }

  /** The retailer's accepted reversal of a payment, if any (the first). */
  acceptedReversalOf(em: EntityManager, paymentId: string): Promise<Advice | null> {
    const where = "payment_id = ? AND kind = 'REVERSAL' AND answer_status = 202";
    return advices.one(em, where, [paymentId], 'ORDER BY created_at');
  }

  /** A reversal received for a request the hub had not seen (docs/protocol.md §7: remembered). */
  reversalFor(em: EntityManager, requestId: string, clientId: string): Promise<Advice | null> {
    return advices.one(em, "request_id = ? AND client_id = ? AND kind = 'REVERSAL'", [requestId, clientId]);
  }
}
