import { Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Roles } from '@app/operations/route-access';
import type { Principal } from '@app/auth/principal';
import {
  FormatError,
  OutboxEntryNotFoundError,
  OutboxEntryNotParkedError,
  TransactionNotFoundError,
} from '@app/errors/hub-error';
import { httpStatusOf } from '@app/errors/http-status';
import { RetentionStats } from '@app/retention/retention-stats';
import { TransactionView } from '../admin-views';
import { AdminService } from '../admin.service';
import { SameOriginGuard } from '../same-origin.guard';
import { ConsoleNotice, isConsoleNotice, renderConsolePage } from './console-page';
import { PAGE_HEADERS } from './page-headers';

type OperatorRequest = Request & { user: Principal };

/**
 * The operator console (docs/protocol.md §11): a server-rendered page over the same
 * AdminService as the API. Retry and Resolve are plain HTML forms whose
 * target URL carries everything (no request body), answered with a 303 back
 * to the page — post/redirect/get, so reloading never repeats an action.
 */
@Controller('console')
@ApiExcludeController()
@Roles('operator')
export class ConsoleController {
  constructor(
    private readonly admin: AdminService,
    private readonly retention: RetentionStats,
  ) {}

  @Get()
  async page(
    @Query('q') q: unknown,
    @Query('done') done: unknown,
    @Req() req: OperatorRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const query = typeof q === 'string' ? q.trim() : '';
    let transaction: TransactionView | null = null;
    let searchProblem: string | null = null;
    if (query) {
      try {
        transaction = await this.admin.transaction(query);
      } catch (error) {
        // A search that finds nothing is an answer for the operator, shown on the page.
        if (error instanceof TransactionNotFoundError) searchProblem = `Nothing found for “${query}”.`;
        else if (error instanceof FormatError) searchProblem = error.message;
        else throw error;
        res.status(httpStatusOf(error));
      }
    }
    const [outbox, retention] = await Promise.all([this.admin.outbox(), this.retention.oldest()]);
    res.set(PAGE_HEADERS);
    const notice = isConsoleNotice(done) ? done : null;
    const model = { operator: req.user, q: query, transaction, searchProblem, notice, outbox, retention };
    return renderConsolePage(model).value;
  }

  @Post('outbox/:id/retry')
  @UseGuards(SameOriginGuard)
  async retry(
    @Param('id') id: string,
    @Query('q') q: unknown,
    @Req() req: OperatorRequest,
    @Res() res: Response,
  ): Promise<void> {
    const notice = await this.act(() => this.admin.retry(id, req.user), 'retried');
    res.redirect(303, backTo(q, notice));
  }

  @Post('outbox/:id/resolve')
  @UseGuards(SameOriginGuard)
  async resolve(
    @Param('id') id: string,
    @Query('q') q: unknown,
    @Req() req: OperatorRequest,
    @Res() res: Response,
  ): Promise<void> {
    const notice = await this.act(() => this.admin.resolve(id, req.user), 'resolved');
    res.redirect(303, backTo(q, notice));
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

/** Back to the view the operator acted from (a relative URL: never somewhere else). */
function backTo(q: unknown, notice: ConsoleNotice): string {
  const params = new URLSearchParams();
  if (typeof q === 'string' && q.trim()) params.set('q', q.trim());
  params.set('done', notice);
  return `/console?${params.toString()}#parked`;
}
