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

  /** A reversal received for a request the hub had not seen (SPEC §7: remembered). */
  reversalFor(em: EntityManager, requestId: string, clientId: string): Promise<Advice | null> {
    return advices.one(em, "request_id = ? AND client_id = ? AND kind = 'REVERSAL'", [requestId, clientId]);
  }
}
