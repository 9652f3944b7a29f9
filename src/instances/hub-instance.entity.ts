import { Column, Entity, PrimaryColumn } from 'typeorm';
import { timeColumn } from '@app/persistence/column-types';

/** A running hub process; its heartbeat tells others whether its waiting payments are still held (docs/protocol.md §10). */
@Entity('hub_instances')
export class HubInstance {
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 64 })
  id!: string;

  @Column(timeColumn({ name: 'started_at' }))
  startedAt!: number;

  @Column(timeColumn({ name: 'heartbeat_at' }))
  heartbeatAt!: number;

  @Column(timeColumn({ name: 'stopped_at', nullable: true }))
  stoppedAt!: number | null;
}
