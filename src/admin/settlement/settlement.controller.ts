import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery } from '@nestjs/swagger';
import type { Response } from 'express';
import { OperatorApi } from '@app/operations/api-docs';
import { Roles } from '@app/operations/route-access';
import { csvHeaders, settlementCsv } from './settlement-csv';
import { SettlementService } from './settlement.service';
import { SettlementReport } from './settlement-views';

/**
 * The Basic-auth scheme the API document declares (`BASIC_AUTH` in
 * src/docs/api-security.ts). `admin/` sits below `docs/` in the folder layers,
 * so it names the scheme rather than importing it; the settlement e2e spec
 * checks the document uses a scheme it defines.
 */
const DAY_QUERY = {
  name: 'day',
  required: false,
  type: String,
  description:
    'Business day YYYY-MM-DD in console.timeZone, cut at console.businessDayCutoff (docs/console/settlement.md); the current business day when absent.',
  example: '2026-12-04',
} as const;

/**
 * The settlement report in the operator API (docs/console/settlement.md): JSON
 * and the same CSV the console downloads. Read-only, so viewers may call it.
 * A day that is not a date is 400 FORMAT_ERROR.
 */
@OperatorApi()
@Controller('admin/v1')
@Roles('operator', 'viewer')
export class SettlementController {
  constructor(private readonly settlement: SettlementService) {}

  @Get('settlement')
  @ApiOperation({ operationId: 'settlementReport', summary: 'Settlement report of one business day' })
  @ApiQuery(DAY_QUERY)
  @ApiOkResponse({
    description:
      'Per partner, per retailer and in total, per currency: approved, confirmed, reversed, timeout reversals, advices pending and parked',
  })
  report(@Query('day') day: unknown): Promise<SettlementReport> {
    return this.settlement.report(day);
  }

  @Get('settlement.csv')
  @ApiOperation({ operationId: 'settlementReportCsv', summary: 'Settlement report of one business day as CSV' })
  @ApiQuery(DAY_QUERY)
  @ApiOkResponse({
    description: 'RFC 4180 CSV, one row per (grouping, group, currency) after a header row',
    content: { 'text/csv': {} },
  })
  async csv(@Query('day') day: unknown, @Res({ passthrough: true }) res: Response): Promise<string> {
    const report = await this.settlement.report(day);
    res.set(csvHeaders(report.day));
    return settlementCsv(report);
  }
}
