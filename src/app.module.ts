import { DynamicModule, Module, Type } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import type { ConnectorDefinition } from '@qr-hub/connector-kit';
import { Clock } from './clock/clock';
import { ClockModule } from './clock/clock.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { PersistenceModule } from './store/persistence.module';
import { RepositoriesModule } from './store/repositories.module';
import { InstancesModule } from './instances/instances.module';
import { QrCodesModule } from './qr-codes/qr-codes.module';
import { PaymentsModule } from './payments/payments.module';
import { ScansModule } from './scans/scans.module';
import { AdvicesModule } from './advices/advices.module';
import { FallbackModule } from './operations/fallback.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { AdminModule } from './admin/admin.module';
import { RetentionModule } from './retention/retention.module';
import { ConnectorCatalogModule } from './partners/connector-catalog.module';
import { OperationTable } from './operations/operation-table';
import { OperationsModule } from './operations/operations.module';

/** The modules whose handlers serve the protocol's operations (each `@Serves` one from its own folder). */
const FEATURE_MODULES: readonly Type<object>[] = [QrCodesModule, PaymentsModule, ScansModule, AdvicesModule];

@Module({})
export class AppModule {
  /**
   * @param connectors connector types beside the built-in ones (tests); packages named in config are found anyway
   * @param features feature modules beside the hub's own (tests): their operations join the table
   */
  static forRoot(
    config: AppConfig,
    clock?: Clock,
    connectors: readonly ConnectorDefinition[] = [],
    features: readonly Type<object>[] = [],
  ): DynamicModule {
    const modules = [...FEATURE_MODULES, ...features];
    const operations = OperationTable.of(modules);
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ClockModule.forRoot(clock),
        ConnectorCatalogModule.forRoot(connectors),
        PersistenceModule,
        RepositoriesModule,
        InstancesModule,
        AuditModule,
        OperationsModule.forRoot(operations),
        AuthModule,
        ...modules,
        HealthModule,
        MetricsModule,
        AdminModule,
        RetentionModule,
        FallbackModule.forRoot(operations),
      ],
    };
  }
}
