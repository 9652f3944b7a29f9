import { Injectable } from '@nestjs/common';
import { Database, type Tx } from '@app/persistence/database';
import { SqlTable } from '@app/persistence/sql-table';
import { Advice } from './advice.entity';

const advices = new SqlTable(Advice);

/** Storage of the retailer's advices, in plain bound SQL (see `SqlTable`). */
@Injectable()
export class AdvicesRepository {
  constructor(private readonly db: Database) {}

  insert(tx: Tx, advice: Advice): Promise<void> {
    return advices.insert(tx, advice);
  }

  find(id: string, tx?: Tx): Promise<Advice | null> {
    const find = (m: Tx) => advices.one(m, 'id = ?', [id]);
    return tx ? find(tx) : this.db.run(find);
  }

  /** The retailer's accepted reversal of a payment, if any (the first). */
  acceptedReversalOf(tx: Tx, paymentId: string): Promise<Advice | null> {
    const where = "payment_id = ? AND kind = 'REVERSAL' AND answer_status = 202";
    return advices.one(tx, where, [paymentId], 'ORDER BY created_at');
  }

  /** A reversal received for a request the hub had not seen (docs/protocol.md §7: remembered). */
  reversalFor(tx: Tx, requestId: string, clientId: string): Promise<Advice | null> {
    return advices.one(tx, "request_id = ? AND client_id = ? AND kind = 'REVERSAL'", [requestId, clientId]);
  }
}
