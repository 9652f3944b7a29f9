import { Module } from '@nestjs/common';
import { RetentionPurge } from './retention-purge.service';
import { RetentionStats } from './retention-stats';
import { RetentionRepository } from './retention.repository';

/** The retention policy: the periodic purge and the oldest-record figures (admin API, console, /metrics). */
@Module({
  providers: [RetentionRepository, RetentionPurge, RetentionStats],
  exports: [RetentionPurge, RetentionStats],
})
export class RetentionModule {}
