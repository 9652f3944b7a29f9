import { Global, Module } from '@nestjs/common';
import { OutboxModule } from '@app/outbox/outbox.module';
import { PartnerCallMetrics } from '@app/partners/partner-call-metrics';
import { LifecycleModule } from '@app/lifecycle/lifecycle.module';
import { RetentionModule } from '@app/retention/retention.module';
import { HubMetrics } from './hub-metrics';
import { MetricsController } from './metrics.controller';

/** Prometheus metrics (docs/protocol.md §11); global so the partner registry can time its calls (as PartnerCallMetrics). */
@Global()
@Module({
  imports: [LifecycleModule, OutboxModule, RetentionModule],
  controllers: [MetricsController],
  providers: [HubMetrics, { provide: PartnerCallMetrics, useExisting: HubMetrics }],
  exports: [HubMetrics, PartnerCallMetrics],
})
export class MetricsModule {}
