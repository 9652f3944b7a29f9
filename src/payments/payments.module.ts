import { Module } from '@nestjs/common';
import { AdviceForwarder } from '@app/advices/saf/advice-forwarder.service';
import { PartnersModule } from '@app/partners/partners.module';
import { PaymentRecovery } from './payment-recovery.service';
import { PaymentRouter } from './payment-router.service';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';
import { ScanSignal } from './scan-signal.service';
import { ScanWaiter } from './scan-waiter.service';

@Module({
  imports: [PartnersModule],
  controllers: [PaymentsController],
  providers: [PaymentsService, PaymentRouter, ScanWaiter, ScanSignal, AdviceForwarder, PaymentRecovery],
  exports: [ScanWaiter, ScanSignal, AdviceForwarder, PaymentRouter],
})
export class PaymentsModule {}
