import { Module } from '@nestjs/common';
import { OutboxModule } from '@app/outbox/outbox.module';
import { PartnersModule } from '@app/partners/partners.module';
import { PaymentRecovery } from './payment-recovery.service';
import { PaymentRouter } from './payment-router.service';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';
import { ScanSignal } from './scan-signal.service';
import { ScanWaiter } from './scan-waiter.service';

@Module({
  imports: [PartnersModule, OutboxModule],
  controllers: [PaymentsController],
  providers: [PaymentsService, PaymentRouter, ScanWaiter, ScanSignal, PaymentRecovery],
  exports: [ScanWaiter, ScanSignal, PaymentRouter],
})
export class PaymentsModule {}
