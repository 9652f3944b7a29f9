import { Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Roles } from '@app/operations/route-access';
import type { Principal } from '@app/auth/principal';
import { Clock } from '@app/clock/clock';
import { AppConfig } from '@app/config/app-config';
import {
  FormatError,
  OutboxEntryNotFoundError,
  OutboxEntryNotParkedError,
  TransactionNotFoundError,
} from '@app/errors/hub-error';
import { httpStatusOf } from '@app/errors/http-status';
import { RetentionStats } from '@app/retention/retention-stats';
import { PaymentListPage, TransactionView } from '../admin-views';
import { AdminService } from '../admin.service';
import { ConsoleTime } from '../present/times';
import { SameOriginGuard } from '../same-origin.guard';
import { ConsoleFilter, DEFAULT_MINOR_UNITS, formValues, parseConsoleFilter } from '../transactions/console-filter';
import type { RawQuery } from '../transactions/payment-query';
import {
  ConsoleNotice,
  isConsoleNotice,
  PageContext,
  renderAdvicesPage,
  renderTimelinePage,
  returnPath,
} from './console-page';
import { PAGE_HEADERS } from './page-headers';
import { renderTransactionsPage } from './transactions-page';

type OperatorRequest = Request & { user: Principal };

/**
 * The operator console (docs/console/transactions.md): server-rendered pages
 * over the same AdminService as the API. Both operator roles read every
 * page; only `operator` may act. Retry and Resolve are plain HTML forms whose
 * target URL carries everything (no request body), answered with a 303 back
 * to the page they were on — post/redirect/get, so reloading never repeats
 * an action.
 */
@ApiExcludeController()
@Controller('console')
@Roles('operator', 'viewer')
export class ConsoleController {
  constructor(
    private readonly admin: AdminService,
    private readonly retention: RetentionStats,
    private readonly time: ConsoleTime,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /**
   * The transactions list. A search alone (`?q=` and no other filter) that
   * finds a transaction goes straight to its timeline (303).
   */
  @Get()
  async transactions(
    @Query() query: RawQuery,
    @Req() req: OperatorRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string | void> {
    res.set(PAGE_HEADERS);
    const ctx = this.context(req, query.done, req.originalUrl);
    let read: ConsoleFilter | null = null;
    let page: PaymentListPage | null = null;
    let problem: string | null = null;
    try {
      read = parseConsoleFilter(query, this.time);
      page = await this.admin.payments(read.filter);
    } catch (error) {
      // A filter the operator mistyped is an answer on the page, not an error page.
      if (!(error instanceof FormatError)) throw error;
      problem = error.message;
      res.status(httpStatusOf(error));
    }
    const form = read?.form ?? safeForm(query);
    if (read && page?.matched && searchOnly(read)) {
      res.redirect(303, `/console/transactions/${encodeURIComponent(page.matched.tranId)}`);
      return;
    }
    if (read?.filter.q && page?.matched === null) problem = `Nothing found for “${read.filter.q}”.`;
    const partners = this.config.hub.partners.map((p) => p.id);
    return renderTransactionsPage(ctx, {
      form,
      partners,
      page,
      problem,
      minorUnits: read?.minorUnits ?? DEFAULT_MINOR_UNITS,
      currencyCode: read?.currencyCode ?? null,
    }).value;
  }

  /** One transaction's payments, advices and timeline, by its tranId (or any id of it). */
  @Get('transactions/:tranId')
  async timeline(
    @Param('tranId') tranId: string,
    @Query('done') done: unknown,
    @Req() req: OperatorRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    res.set(PAGE_HEADERS);
    const ctx = this.context(req, done, `/console/transactions/${encodeURIComponent(tranId)}`);
    let transaction: TransactionView | null = null;
    let problem: string | null = null;
    try {
      transaction = await this.admin.transaction(tranId);
    } catch (error) {
      if (error instanceof TransactionNotFoundError) problem = `Nothing found for “${tranId}”.`;
      else if (error instanceof FormatError) problem = error.message;
      else throw error;
      res.status(httpStatusOf(error));
    }
    return renderTimelinePage(ctx, { transaction, problem }).value;
  }

  /** The advices owed to partners: figures per partner, the parked ones, and the records kept. */
  @Get('advices')
  async advices(
    @Query('done') done: unknown,
    @Req() req: OperatorRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    res.set(PAGE_HEADERS);
    const [outbox, retention] = await Promise.all([this.admin.outbox(), this.retention.oldest()]);
    return renderAdvicesPage(this.context(req, done, '/console/advices'), { outbox, retention }).value;
  }

  @Post('outbox/:id/retry')
  @Roles('operator')
  @UseGuards(SameOriginGuard)
  async retry(
    @Param('id') id: string,
    @Query('back') back: unknown,
    @Req() req: OperatorRequest,
    @Res() res: Response,
  ): Promise<void> {
    const notice = await this.act(() => this.admin.retry(id, req.user), 'retried');
    res.redirect(303, returnPath(back, notice));
  }

  @Post('outbox/:id/resolve')
  @Roles('operator')
  @UseGuards(SameOriginGuard)
  async resolve(
    @Param('id') id: string,
    @Query('back') back: unknown,
    @Req() req: OperatorRequest,
    @Res() res: Response,
  ): Promise<void> {
    const notice = await this.act(() => this.admin.resolve(id, req.user), 'resolved');
    res.redirect(303, returnPath(back, notice));
  }

  private context(req: OperatorRequest, done: unknown, self: string): PageContext {
    // The page's own address without the notice, so an action's outcome is not carried on to the next one.
    const url = new URL(self, 'https://console.invalid');
    url.searchParams.delete('done');
    return {
      operator: req.user,
      time: this.time,
      now: this.clock.now(),
      notice: isConsoleNotice(done) ? done : null,
      self: `${url.pathname}${url.search}`,
    };
  }

  /** The action's outcome as a notice; an advice someone else already handled is not an error page. */
  private async act(action: () => Promise<unknown>, success: ConsoleNotice): Promise<ConsoleNotice> {
    try {
      await action();
      return success;
    } catch (error) {
      if (error instanceof OutboxEntryNotParkedError) return 'not-parked';
      if (error instanceof OutboxEntryNotFoundError) return 'not-found';
      throw error;
    }
  }
}

/** Only a search, nothing else narrowing it and no page further on: the operator wants that transaction. */
function searchOnly(read: ConsoleFilter): boolean {
  const { form } = read;
  const others = Object.entries(form).filter(([name, value]) => name !== 'q' && value !== '');
  return form.q !== '' && others.length === 0 && read.filter.cursor === null;
}

/** The form as typed even when it could not be read (a repeated field shows nothing rather than failing again). */
function safeForm(query: RawQuery): ReturnType<typeof formValues> {
  try {
    return formValues(query);
  } catch {
    return formValues({});
  }
}
