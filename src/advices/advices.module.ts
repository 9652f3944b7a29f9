import { Module } from '@nestjs/common';
import { OutboxModule } from '@app/outbox/outbox.module';
import { LifecycleModule } from '@app/lifecycle/lifecycle.module';
import { AdvicesController } from './advices.controller';
import { AdvicesService } from './advices.service';

@Module({ imports: [LifecycleModule, OutboxModule], controllers: [AdvicesController], providers: [AdvicesService] })
export class AdvicesModule {}
