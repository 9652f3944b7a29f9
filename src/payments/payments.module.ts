import { Module } from '@nestjs/common';
import { LifecycleModule } from '@app/lifecycle/lifecycle.module';
import { OutboxModule } from '@app/outbox/outbox.module';
import { PartnersModule } from '@app/partners/partners.module';
import { PaymentRecovery } from './payment-recovery.service';
import { PaymentRouter } from './payment-router.service';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';
import { UnrecordedOutcomes } from './unrecorded-outcomes';

@Module({
  imports: [PartnersModule, LifecycleModule, OutboxModule],
  controllers: [PaymentsController],
  providers: [PaymentsService, PaymentRouter, UnrecordedOutcomes, PaymentRecovery],
})
export class PaymentsModule {}
