import { Module } from '@nestjs/common';
import { PaymentsModule } from '@app/payments/payments.module';
import { RetentionModule } from '@app/retention/retention.module';
import { AdminController } from './admin.controller';
import { AdminRepository } from './admin.repository';
import { AdminService } from './admin.service';
import { ConsoleController } from './console/console.controller';

/**
 * The operator API (`/admin/v1`) and console (`/console`), docs/protocol.md §11.
 * PaymentsModule provides the AdviceForwarder a retried advice is handed to;
 * RetentionModule the oldest record kept per kind.
 */
@Module({
  imports: [PaymentsModule, RetentionModule],
  controllers: [AdminController, ConsoleController],
  providers: [AdminService, AdminRepository],
})
export class AdminModule {}
