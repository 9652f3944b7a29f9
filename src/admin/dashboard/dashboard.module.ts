import { Module } from '@nestjs/common';
import { AppConfig } from '@app/config/app-config';
import { LifecycleModule } from '@app/lifecycle/lifecycle.module';
import { OutboxModule } from '@app/outbox/outbox.module';
import { ConsoleTime } from '../present/times';
import { DashboardController, DashboardPageController } from './dashboard.controller';
import { DashboardService } from './dashboard.service';

/** The console's time zone (config `console.timeZone`), for the pages of the dashboard and late-answer modules. */
export const CONSOLE_TIME_PROVIDER = {
  provide: ConsoleTime,
  useFactory: (c: AppConfig) => new ConsoleTime(c.hub.console.timeZone),
  inject: [AppConfig],
};

/**
 * The dashboard (docs/console/dashboard.md): its API and its page. PaymentStats
 * (lifecycle) and OutboxStats (outbox) are the services the Prometheus gauges read too.
 */
@Module({
  imports: [LifecycleModule, OutboxModule],
  controllers: [DashboardController, DashboardPageController],
  providers: [DashboardService, CONSOLE_TIME_PROVIDER],
})
export class DashboardModule {}
