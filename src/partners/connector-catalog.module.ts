import { DynamicModule, Global, Module } from '@nestjs/common';
import type { ConnectorDefinition } from '@qr-hub/connector-kit';
import { ConnectorCatalog } from './connector-catalog';
import { CONNECTORS } from './built-in-connectors';

/** Where the partner registry finds connector types: the built-in ones, plus any a test hands in. */
@Global()
@Module({})
export class ConnectorCatalogModule {
  static forRoot(extra: readonly ConnectorDefinition[] = []): DynamicModule {
    return {
      module: ConnectorCatalogModule,
      providers: [{ provide: ConnectorCatalog, useValue: new ConnectorCatalog([...CONNECTORS, ...extra]) }],
      exports: [ConnectorCatalog],
    };
  }
}
