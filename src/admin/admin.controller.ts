import { Controller, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery } from '@nestjs/swagger';
import type { Request } from 'express';
import { STORED_PHASES } from '@app/lifecycle/payment-states';
import { ApiErrorResponse, OperatorApi } from '@app/operations/api-docs';
import { Roles } from '@app/operations/route-access';
import type { Principal } from '@app/auth/principal';
import { RetentionOverview, RetentionStats } from '@app/retention/retention-stats';
import { OutboxEntryView, OutboxOverview, PaymentListPage, TransactionView } from './admin-views';
import { AdminService } from './admin.service';
import { SameOriginGuard } from './same-origin.guard';
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, parsePaymentQuery, RawQuery } from './transactions/payment-query';

type OperatorRequest = Request & { user: Principal };

/**
 * The operator API (docs/protocol.md §11), behind the operator credentials: both
 * roles read, only `operator` acts (a `viewer` gets 403). Errors are
 * ErrorDetail bodies like everywhere else: 404 for an unknown id, 400
 * TRANSACTION_NOT_SUPPORTED for acting on an advice that is not parked.
 */
@Controller('admin/v1')
@OperatorApi()
@Roles('operator', 'viewer')
export class AdminController {
  constructor(
    private readonly admin: AdminService,
    private readonly retention: RetentionStats,
  ) {}

  /** The transaction list: payments newest first, filtered, keyset-paged. */
  @Get('payments')
  @ApiOperation({
    operationId: 'listPayments',
    summary: 'Payments newest first, filtered and paged (docs/console/transactions.md)',
  })
  @ApiQuery({
    name: 'phase',
    required: false,
    isArray: true,
    enum: STORED_PHASES,
    description: 'Lifecycle phase(s); repeat or comma-separate',
  })
  @ApiQuery({ name: 'partner', required: false, type: String, description: 'Partner id' })
  @ApiQuery({ name: 'retailer', required: false, type: String, description: "Retailer (the payment's client id)" })
  @ApiQuery({ name: 'terminal', required: false, type: String, description: 'Terminal id' })
  @ApiQuery({
    name: 'currency',
    required: false,
    type: String,
    description: 'ISO 4217 code, numeric (710) or alphabetic (ZAR)',
  })
  @ApiQuery({ name: 'minAmount', required: false, type: 'integer', description: 'Smallest amount, minor units' })
  @ApiQuery({ name: 'maxAmount', required: false, type: 'integer', description: 'Largest amount, minor units' })
  @ApiQuery({
    name: 'from',
    required: false,
    type: String,
    format: 'date-time',
    description: 'Created at or after (ISO 8601 instant)',
  })
  @ApiQuery({
    name: 'to',
    required: false,
    type: String,
    format: 'date-time',
    description: 'Created before (ISO 8601 instant)',
  })
  @ApiQuery({ name: 'q', required: false, type: String, description: 'Any id of a transaction: its payments only' })
  @ApiQuery({
    name: 'limit',
    required: false,
    type: 'integer',
    description: `Page size, 1–${LIST_LIMIT_MAX} (default ${LIST_LIMIT_DEFAULT})`,
  })
  @ApiQuery({ name: 'cursor', required: false, type: String, description: "The previous page's `next`" })
  @ApiOkResponse({
    description: '`{ items, next, previous }`: one page, newest first; `next` is null on the last page',
  })
  @ApiErrorResponse(400, 'FORMAT_ERROR: a parameter it cannot read, named in the message')
  payments(@Query() query: RawQuery): Promise<PaymentListPage> {
    return this.admin.payments(parsePaymentQuery(query));
  }

  /** A transaction's timeline, found by its tranId or any message id that belongs to it. */
  @Get('transactions')
  @ApiOperation({
    operationId: 'findTransaction',
    summary: "A transaction's timeline, by its tranId or any message id",
  })
  @ApiQuery({
    name: 'q',
    required: true,
    type: String,
    description: 'a tranId or any message id of the transaction',
  })
  @ApiOkResponse({
    description: 'The transaction: its payments (with words and money), advices and every event in time order',
  })
  @ApiErrorResponse(400, 'FORMAT_ERROR: q missing, longer than 64 characters, or holding U+0000')
  @ApiErrorResponse(404, 'No transaction has this tranId or message id')
  transaction(@Query('q') q: unknown): Promise<TransactionView> {
    return this.admin.transaction(typeof q === 'string' ? q : undefined);
  }

  /** The same, by tranId in the path. */
  @Get('transactions/:tranId')
  @ApiOperation({ operationId: 'getTransaction', summary: "A transaction's timeline, by its tranId" })
  @ApiParam({ name: 'tranId', type: String, description: 'The tranId (any other id of the transaction works too)' })
  @ApiOkResponse({ description: 'As findTransaction' })
  @ApiErrorResponse(400, 'FORMAT_ERROR: longer than 64 characters, or holding U+0000')
  @ApiErrorResponse(404, 'No transaction has this tranId')
  transactionById(@Param('tranId') tranId: string): Promise<TransactionView> {
    return this.admin.transaction(tranId);
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

  /** A parked advice goes back to the queue, due now (role operator; a viewer gets 403). */
  @Post('outbox/:id/retry')
  @Roles('operator')
  @ApiOperation({
    operationId: 'retryAdvice',
    summary: 'Send a parked advice again: back to the queue, due now (role operator)',
  })
  @ApiParam({ name: 'id', type: String, description: 'The outbox entry id of a parked advice (GET /admin/v1/outbox)' })
  @ApiOkResponse({ description: 'The outbox entry as it is now' })
  @ApiErrorResponse(400, 'TRANSACTION_NOT_SUPPORTED: the advice is not parked')
  @ApiErrorResponse(404, 'No outbox entry has this id')
  @HttpCode(200)
  @UseGuards(SameOriginGuard)
  retry(@Param('id') id: string, @Req() req: OperatorRequest): Promise<OutboxEntryView> {
    return this.admin.retry(id, req.user);
  }

  /** A parked advice is settled by other means and will not be sent again (role operator). */
  @Post('outbox/:id/resolve')
  @Roles('operator')
  @ApiOperation({
    operationId: 'resolveAdvice',
    summary: 'Mark a parked advice settled by other means; never sent again (role operator)',
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
