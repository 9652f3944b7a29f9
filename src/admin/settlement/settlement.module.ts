import { Module } from '@nestjs/common';
import { AppConfig } from '@app/config/app-config';
import { ConsoleTime } from '../present/times';
import { SettlementConsoleController } from './settlement-console.controller';
import { SettlementController } from './settlement.controller';
import { SettlementRepository } from './settlement.repository';
import { SettlementService } from './settlement.service';

/**
 * The settlement report (docs/console/settlement.md): the console page, its
 * CSV and the admin API's JSON and CSV, over one service.
 */
@Module({
  controllers: [SettlementController, SettlementConsoleController],
  providers: [
    SettlementService,
    SettlementRepository,
    {
      provide: ConsoleTime,
      useFactory: (c: AppConfig) => new ConsoleTime(c.hub.console.timeZone),
      inject: [AppConfig],
    },
  ],
})
export class SettlementModule {}
