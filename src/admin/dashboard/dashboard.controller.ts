import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController, ApiOkResponse, ApiOperation, ApiQuery } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Principal } from '@app/auth/principal';
import { OperatorApi } from '@app/operations/api-docs';
import { Roles } from '@app/operations/route-access';
import { LIVE_PAGE_HEADERS, PAGE_HEADERS } from '../console/page-headers';
import { ConsoleTime } from '../present/times';
import { renderDashboardPage } from './dashboard-page';
import { DASHBOARD_WINDOWS, DashboardService, DashboardView, parseLive, parseWindow } from './dashboard.service';

type OperatorRequest = Request & { user: Principal };

const WINDOW_QUERY = {
  name: 'window',
  required: false,
  description: 'The window of answered payments, up to now: the last hour (default) or the last 24 hours',
  enum: Object.keys(DASHBOARD_WINDOWS),
};

/** `GET /admin/v1/dashboard`: every number the dashboard page draws (docs/console/dashboard.md). */
@OperatorApi()
@Controller('admin/v1')
@Roles('operator', 'viewer')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get('dashboard')
  @ApiOperation({
    operationId: 'dashboard',
    summary: 'Payments, declines, unknown outcomes, latency, advice backlog and late answers over a window',
  })
  @ApiQuery(WINDOW_QUERY)
  @ApiOkResponse({ description: 'The dashboard figures (400 FORMAT_ERROR for a window other than hour or day)' })
  figures(@Query('window') window: unknown): Promise<DashboardView> {
    return this.dashboard.view(parseWindow(window));
  }
}

/** `/console/dashboard`: the dashboard page; it reloads every 30 s unless `live=0`. */
@ApiExcludeController()
@Controller('console')
@Roles('operator', 'viewer')
export class DashboardPageController {
  constructor(
    private readonly dashboard: DashboardService,
    private readonly time: ConsoleTime,
  ) {}

  @Get('dashboard')
  async page(
    @Query('window') window: unknown,
    @Query('live') live: unknown,
    @Req() req: OperatorRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const reloads = parseLive(live);
    const view = await this.dashboard.view(parseWindow(window));
    res.set(reloads ? LIVE_PAGE_HEADERS : PAGE_HEADERS);
    return renderDashboardPage({ operator: req.user, time: this.time, view, live: reloads }).value;
  }
}
