import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Database, insertRow } from '@app/persistence/database';
import { Advice } from './advice.entity';

@Injectable()
export class AdvicesRepository {
  constructor(private readonly db: Database) {}

  insert(em: EntityManager, advice: Advice): Promise<void> {
    return insertRow(em, Advice, advice);
  }

  find(id: string, em?: EntityManager): Promise<Advice | null> {
    return em ? em.findOneBy(Advice, { id }) : this.db.run((m) => m.findOneBy(Advice, { id }));
  }

  /** A reversal received for a request the hub had not seen (SPEC §7: remembered). */
  reversalFor(em: EntityManager, requestId: string, clientId: string): Promise<Advice | null> {
    return em.findOneBy(Advice, { requestId, clientId, kind: 'REVERSAL' });
  }
}
