import { Controller, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiErrorResponse, OperatorApi } from '@app/operations/api-docs';
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
@OperatorApi()
@Roles('operator')
export class AdminController {
  constructor(
    private readonly admin: AdminService,
    private readonly retention: RetentionStats,
  ) {}

  /** A transaction's timeline, found by its tranId or any message id that belongs to it. */
  @Get('transactions')
  @ApiOperation({
    operationId: 'findTransaction',
    summary: "A transaction's timeline, by its tranId or any message id",
  })
  @ApiQuery({ name: 'q', required: true, type: String, description: 'a tranId or any message id of the transaction' })
  @ApiOkResponse({ description: 'The transaction: its payments, advices and every event in time order' })
  @ApiErrorResponse(400, 'FORMAT_ERROR: q missing, longer than 64 characters, or holding U+0000')
  @ApiErrorResponse(404, 'No transaction has this tranId or message id')
  transaction(@Query('q') q: unknown): Promise<TransactionView> {
    return this.admin.transaction(typeof q === 'string' ? q : undefined);
  }

  /** Queue figures per partner and the advices parked for an operator. */
  @Get('outbox')
  @ApiOperation({ operationId: 'getOutbox', summary: 'Queue figures per partner and the parked advices' })
  @ApiOkResponse({ description: 'Pending, parked and oldest advice per partner; the advices parked for an operator' })
  outbox(): Promise<OutboxOverview> {
    return this.admin.outbox();
  }

  /** The retention policy, the oldest record kept per kind, and this instance's last purge. */
  @Get('retention')
  @ApiOperation({ operationId: 'getRetention', summary: 'The retention policy and the oldest record kept per kind' })
  @ApiOkResponse({ description: "The policy, the oldest record kept per kind and this instance's last purge" })
  retentionOverview(): Promise<RetentionOverview> {
    return this.retention.overview();
  }

  /** A parked advice goes back to the queue, due now. */
  @Post('outbox/:id/retry')
  @ApiOperation({ operationId: 'retryAdvice', summary: 'Send a parked advice again: back to the queue, due now' })
  @ApiParam({ name: 'id', type: String, description: 'The outbox entry id of a parked advice (GET /admin/v1/outbox)' })
  @ApiOkResponse({ description: 'The outbox entry as it is now' })
  @ApiErrorResponse(400, 'TRANSACTION_NOT_SUPPORTED: the advice is not parked')
  @ApiErrorResponse(404, 'No outbox entry has this id')
  @HttpCode(200)
  @UseGuards(SameOriginGuard)
  retry(@Param('id') id: string, @Req() req: OperatorRequest): Promise<OutboxEntryView> {
    return this.admin.retry(id, req.user);
  }

  /** A parked advice is settled by other means and will not be sent again. */
  @Post('outbox/:id/resolve')
  @ApiOperation({
    operationId: 'resolveAdvice',
    summary: 'Mark a parked advice settled by other means; never sent again',
  })
  @ApiParam({ name: 'id', type: String, description: 'The outbox entry id of a parked advice (GET /admin/v1/outbox)' })
  @ApiOkResponse({ description: 'The outbox entry as it is now' })
  @ApiErrorResponse(400, 'TRANSACTION_NOT_SUPPORTED: the advice is not parked')
  @ApiErrorResponse(404, 'No outbox entry has this id')
  @HttpCode(200)
  @UseGuards(SameOriginGuard)
  resolve(@Param('id') id: string, @Req() req: OperatorRequest): Promise<OutboxEntryView> {
    return this.admin.resolve(id, req.user);
  }
}
