import { DynamicModule, Global, Module } from '@nestjs/common';
import { OperationTable } from './operation-table';

/** Provides the app's {@link OperationTable} to everything that reads it. */
@Global()
@Module({})
export class OperationsModule {
  static forRoot(table: OperationTable): DynamicModule {
    return {
      module: OperationsModule,
      providers: [{ provide: OperationTable, useValue: table }],
      exports: [OperationTable],
    };
  }
}
