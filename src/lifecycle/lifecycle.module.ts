import { Module } from '@nestjs/common';
import { OutboxModule } from '@app/outbox/outbox.module';
import { PaymentLifecycle } from './payment-lifecycle';
import { PaymentStats } from './payment-stats.repository';
import { PaymentWrites } from './payment-writes.repository';
import { ScanSignal } from './scan-signal.service';
import { ScanWaiter } from './scan-waiter.service';

/**
 * The payment lifecycle (docs/payment-states.md): its state machine, the
 * waits for scans it releases, and the signal that releases them across
 * instances. Payments, scans, advices and recovery move payments only through it.
 */
@Module({
  imports: [OutboxModule],
  providers: [PaymentLifecycle, PaymentWrites, ScanWaiter, ScanSignal, PaymentStats],
  exports: [PaymentLifecycle, ScanWaiter, PaymentStats],
})
export class LifecycleModule {}
