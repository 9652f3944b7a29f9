import { Injectable } from '@nestjs/common';
import { Database, isUniqueViolation, type Tx } from '@app/persistence/database';
import { DuplicateRecordError } from '@app/errors/hub-error';
import { execute, SqlTable } from '@app/persistence/sql-table';
import { QrCode } from './qr-code.entity';

const qrCodes = new SqlTable(QrCode);

/** Storage of issued QR codes, in plain bound SQL (see `SqlTable`). */
@Injectable()
export class QrCodesRepository {
  constructor(private readonly db: Database) {}

  /** Stores a new code; a reused request id is refused by the unique constraint (docs/protocol.md §4). */
  async insert(qrCode: QrCode): Promise<void> {
    try {
      await this.db.run((tx) => qrCodes.insert(tx, qrCode));
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateRecordError('Duplicate QR code request id');
      throw error;
    }
  }

  findByTranId(tranId: string, tx?: Tx): Promise<QrCode | null> {
    const find = (m: Tx) => qrCodes.one(m, 'tran_id = ?', [tranId]);
    return tx ? find(tx) : this.db.run(find);
  }

  /**
   * Serialises the transactions that decide about one code — a pay and a scan
   * arriving together, an approval — on PostgreSQL, where they run side by
   * side: each then sees what the other committed (docs/protocol.md §6: a scan and its pay
   * are always matched, whichever comes first). Always taken before any
   * payment row, so the lock order is the same everywhere. On SQLite every
   * transaction already runs alone.
   */
  async lock(tx: Tx, tranId: string): Promise<void> {
    if (!this.db.isPostgres) return;
    await execute(tx, 'SELECT tran_id FROM qr_codes WHERE tran_id = ? FOR UPDATE', [tranId]);
  }

  /** A single-use code is spent by the payment that was approved against it (docs/protocol.md §5). */
  async markPaid(tx: Tx, tranId: string, paymentId: string): Promise<void> {
    await qrCodes.update(tx, { paidByPaymentId: paymentId }, 'tran_id = ? AND single_use = ?', [tranId, true]);
  }
}
