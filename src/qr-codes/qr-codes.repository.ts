import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Database, insertRow, isUniqueViolation } from '@app/persistence/database';
import { DuplicateRecordError } from '@app/errors/hub-error';
import { QrCode } from './qr-code.entity';

/** Storage of issued QR codes. */
@Injectable()
export class QrCodesRepository {
  constructor(private readonly db: Database) {}

  /** Stores a new code; a reused request id is refused by the unique constraint (SPEC §4). */
  async insert(qrCode: QrCode): Promise<void> {
    try {
      await this.db.run((em) => insertRow(em, QrCode, qrCode));
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateRecordError('Duplicate QR code request id');
      throw error;
    }
  }

  findByTranId(tranId: string, em?: EntityManager): Promise<QrCode | null> {
    if (em) return em.findOneBy(QrCode, { tranId });
    return this.db.run((m) => m.findOneBy(QrCode, { tranId }));
  }
}
