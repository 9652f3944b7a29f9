import { Module } from '@nestjs/common';
import { OutboxModule } from '@app/outbox/outbox.module';
import { PaymentsModule } from '@app/payments/payments.module';
import { AdvicesController } from './advices.controller';
import { AdvicesService } from './advices.service';

@Module({ imports: [PaymentsModule, OutboxModule], controllers: [AdvicesController], providers: [AdvicesService] })
export class AdvicesModule {}
