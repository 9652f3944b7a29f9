import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController, ApiOkResponse, ApiOperation, ApiQuery } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Principal } from '@app/auth/principal';
import { OperatorApi } from '@app/operations/api-docs';
import { Roles } from '@app/operations/route-access';
import { PAGE_HEADERS } from '../console/page-headers';
import { ConsoleTime } from '../present/times';
import { renderReconciliationPage } from './reconciliation-page';
import {
  LATE_PAGE_DEFAULT,
  LATE_PAGE_MAX,
  LateAnswerPage,
  parseCursor,
  parseLimit,
  ReconciliationService,
} from './reconciliation.service';

/** `GET /admin/v1/reconciliation`: late partner answers that disagree with the retailer's outcome. */
@OperatorApi()
@Controller('admin/v1')
@Roles('operator', 'viewer')
export class ReconciliationController {
  constructor(private readonly reconciliation: ReconciliationService) {}

  @Get('reconciliation')
  @ApiOperation({
    operationId: 'lateAnswers',
    summary: "Late partner answers that disagree with the retailer's outcome, newest first",
  })
  @ApiQuery({
    name: 'limit',
    required: false,
    description: `Rows per page, 1–${LATE_PAGE_MAX} (default ${LATE_PAGE_DEFAULT})`,
    type: Number,
  })
  @ApiQuery({
    name: 'after',
    required: false,
    description: 'The `next` value of the previous page: continues with older rows',
    type: String,
  })
  @ApiOkResponse({ description: 'The count, one page of rows and the `after` of the next page (null on the last)' })
  list(@Query('limit') limit: unknown, @Query('after') after: unknown): Promise<LateAnswerPage> {
    return this.reconciliation.page(parseLimit(limit), parseCursor(after));
  }
}

/** `/console/reconciliation`: the late-answer list as a page. */
@ApiExcludeController()
@Controller('console')
@Roles('operator', 'viewer')
export class ReconciliationPageController {
  constructor(
    private readonly reconciliation: ReconciliationService,
    private readonly time: ConsoleTime,
  ) {}

  @Get('reconciliation')
  async page(
    @Query('limit') limitParam: unknown,
    @Query('after') afterParam: unknown,
    @Req() req: Request & { user: Principal },
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const limit = parseLimit(limitParam);
    const after = parseCursor(afterParam);
    const page = await this.reconciliation.page(limit, after);
    res.set(PAGE_HEADERS);
    return renderReconciliationPage({ operator: req.user, time: this.time, page, limit, paged: after !== null }).value;
  }
}
