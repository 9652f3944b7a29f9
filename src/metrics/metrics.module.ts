import { Global, Module } from '@nestjs/common';
import { OutboxModule } from '@app/outbox/outbox.module';
import { LifecycleModule } from '@app/lifecycle/lifecycle.module';
import { RetentionModule } from '@app/retention/retention.module';
import { HubMetrics } from './hub-metrics';
import { MetricsController } from './metrics.controller';

/** Prometheus metrics (docs/protocol.md §11); global so the partner registry can time its calls. */
@Global()
@Module({
  imports: [LifecycleModule, OutboxModule, RetentionModule],
  controllers: [MetricsController],
  providers: [HubMetrics],
  exports: [HubMetrics],
})
export class MetricsModule {}
