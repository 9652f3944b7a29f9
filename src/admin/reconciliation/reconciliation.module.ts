import { Module } from '@nestjs/common';
import { LifecycleModule } from '@app/lifecycle/lifecycle.module';
import { CONSOLE_TIME_PROVIDER } from '../dashboard/dashboard.module';
import { ReconciliationController, ReconciliationPageController } from './reconciliation.controller';
import { ReconciliationService } from './reconciliation.service';

/** The late-answer reconciliation list (docs/console/reconciliation.md): its API and its page. */
@Module({
  imports: [LifecycleModule],
  controllers: [ReconciliationController, ReconciliationPageController],
  providers: [ReconciliationService, CONSOLE_TIME_PROVIDER],
})
export class ReconciliationModule {}
