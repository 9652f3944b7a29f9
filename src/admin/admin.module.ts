import { Module } from '@nestjs/common';
import { OutboxModule } from '@app/outbox/outbox.module';
import { RetentionModule } from '@app/retention/retention.module';
import { AdminController } from './admin.controller';
import { AdminRepository } from './admin.repository';
import { AdminService } from './admin.service';
import { AppConfig } from '@app/config/app-config';
import { ConsoleAssetsController } from './console/assets.controller';
import { ConsoleController } from './console/console.controller';
import { ConsoleTime } from './present/times';
import { DashboardModule } from './dashboard/dashboard.module';
import { ReconciliationModule } from './reconciliation/reconciliation.module';
import { SettlementModule } from './settlement/settlement.module';

/**
 * The operator API (`/admin/v1`) and console (`/console`), docs/protocol.md §11.
 * OutboxModule provides the queue's figures and the AdviceForwarder a retried
 * advice is handed to; RetentionModule the oldest record kept per kind.
 */
@Module({
  imports: [OutboxModule, RetentionModule, SettlementModule, DashboardModule, ReconciliationModule],
  controllers: [AdminController, ConsoleController, ConsoleAssetsController],
  providers: [
    AdminService,
    AdminRepository,
    {
      provide: ConsoleTime,
      useFactory: (c: AppConfig) => new ConsoleTime(c.hub.console.timeZone),
      inject: [AppConfig],
    },
  ],
})
export class AdminModule {}
