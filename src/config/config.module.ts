import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from '@app/config/app-config';

/* Re-exported so the bootstrap gets the loader and the module from one place. */
export { loadAppConfig } from '@app/config/app-config';

/**
 * Provides the already-loaded {@link AppConfig} to the whole app. Loading
 * happens in the bootstrap, before Nest starts, so this module never fails.
 */
@Global()
@Module({})
export class ConfigModule {
  /** Registers `config` as the global `AppConfig` provider. */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}
