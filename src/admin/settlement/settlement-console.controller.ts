import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Principal } from '@app/auth/principal';
import { FormatError } from '@app/errors/hub-error';
import { httpStatusOf } from '@app/errors/http-status';
import { Roles } from '@app/operations/route-access';
import { PAGE_HEADERS } from '../console/page-headers';
import { ConsoleTime } from '../present/times';
import { csvHeaders, settlementCsv } from './settlement-csv';
import { renderSettlementPage } from './settlement-page';
import { SettlementService } from './settlement.service';
import { SettlementReport } from './settlement-views';

type OperatorRequest = Request & { user: Principal };

/**
 * The console's settlement page and its CSV download (docs/console/settlement.md).
 * A day that is not a date is shown as a problem on the page, answered 400.
 */
@ApiExcludeController()
@Controller('console')
@Roles('operator', 'viewer')
export class SettlementConsoleController {
  constructor(
    private readonly settlement: SettlementService,
    private readonly time: ConsoleTime,
  ) {}

  @Get('settlement')
  async page(
    @Query('day') day: unknown,
    @Req() req: OperatorRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    let report: SettlementReport | null = null;
    let problem: string | null = null;
    try {
      report = await this.settlement.report(day);
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
      problem = error.message;
      res.status(httpStatusOf(error));
    }
    res.set(PAGE_HEADERS);
    const today = this.settlement.day(undefined).day;
    const asked = typeof day === 'string' ? day : '';
    return renderSettlementPage({ operator: req.user, time: this.time, asked, report, problem, today }).value;
  }

  @Get('settlement.csv')
  async csv(@Query('day') day: unknown, @Res({ passthrough: true }) res: Response): Promise<string> {
    const report = await this.settlement.report(day);
    res.set(csvHeaders(report.day));
    return settlementCsv(report);
  }
}
