import { Module } from '@nestjs/common';
import { PartnersModule } from '@app/partners/partners.module';
import { AdviceForwarder } from './advice-forwarder.service';
import { OutboxStats } from './outbox-stats';
import { OutboxRepository } from './outbox.repository';

const OUTBOX = [OutboxRepository, AdviceForwarder, OutboxStats];

/**
 * Store-and-forward (docs/protocol.md §7, §10): the queue of advices owed to
 * partners, the forwarder that delivers them, and the queue's figures for
 * health, metrics and the operator. Payments and advices queue through
 * `OutboxRepository.queueAdvice`; this module imports neither of them.
 * Database, clock, config, audit and instances are global modules.
 */
@Module({ imports: [PartnersModule], providers: OUTBOX, exports: OUTBOX })
export class OutboxModule {}
