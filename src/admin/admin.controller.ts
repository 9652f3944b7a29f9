import { Controller, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { Roles } from '@app/operations/route-access';
import type { Principal } from '@app/auth/principal';
import { RetentionOverview, RetentionStats } from '@app/retention/retention-stats';
import { OutboxEntryView, OutboxOverview, TransactionView } from './admin-views';
import { AdminService } from './admin.service';
import { SameOriginGuard } from './same-origin.guard';

type OperatorRequest = Request & { user: Principal };

/**
 * The operator API (docs/protocol.md §11), behind the operator credential. Errors are
 * ErrorDetail bodies like everywhere else: 404 for an unknown id, 400
 * TRANSACTION_NOT_SUPPORTED for acting on an advice that is not parked.
 */
@Controller('admin/v1')
@Roles('operator')
export class AdminController {
  constructor(
    private readonly admin: AdminService,
    private readonly retention: RetentionStats,
  ) {}

  /** A transaction's timeline, found by its tranId or any message id that belongs to it. */
  @Get('transactions')
  transaction(@Query('q') q: unknown): Promise<TransactionView> {
    return this.admin.transaction(typeof q === 'string' ? q : undefined);
  }

  /** Queue figures per partner and the advices parked for an operator. */
  @Get('outbox')
  outbox(): Promise<OutboxOverview> {
    return this.admin.outbox();
  }

  /** The retention policy, the oldest record kept per kind, and this instance's last purge. */
  @Get('retention')
  retentionOverview(): Promise<RetentionOverview> {
    return this.retention.overview();
  }

  /** A parked advice goes back to the queue, due now. */
  @Post('outbox/:id/retry')
  @HttpCode(200)
  @UseGuards(SameOriginGuard)
  retry(@Param('id') id: string, @Req() req: OperatorRequest): Promise<OutboxEntryView> {
    return this.admin.retry(id, req.user);
  }

  /** A parked advice is settled by other means and will not be sent again. */
  @Post('outbox/:id/resolve')
  @HttpCode(200)
  @UseGuards(SameOriginGuard)
  resolve(@Param('id') id: string, @Req() req: OperatorRequest): Promise<OutboxEntryView> {
    return this.admin.resolve(id, req.user);
  }
}
