import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { withIdsAsSent } from '@app/common/validation/message-id';
import type { Request } from 'express';
import { Roles } from '@app/auth/auth.decorators';
import type { Principal } from '@app/auth/principal';
import { PaymentConfirmationDto } from '@app/common/dto/payment-confirmation.dto';
import { PaymentReversalDto } from '@app/common/dto/payment-reversal.dto';
import { JsonObject } from '@app/persistence/column-types';
import { AdvicesService } from './advices.service';

/**
 * Advices carry no `client` field, so ownership is checked against the
 * payment: another client's payment is answered as if it did not exist (docs/protocol.md §3).
 */
@Controller('qr/v1/payments')
export class AdvicesController {
  constructor(private readonly advices: AdvicesService) {}

  /** confirmPayment (docs/protocol.md §7): 202 with the confirmation echoed. */
  @Post('confirmations')
  @HttpCode(202)
  @Roles('retailer')
  async confirm(
    @Body() advice: PaymentConfirmationDto,
    @Req() req: Request & { user: Principal },
  ): Promise<JsonObject> {
    return withIdsAsSent(await this.advices.accept('CONFIRMATION', advice, req.user.id), req.body);
  }

  /** reversePayment (docs/protocol.md §7): 202 with the reversal echoed; 404 means nothing to reverse. */
  @Post('reversals')
  @HttpCode(202)
  @Roles('retailer')
  async reverse(@Body() advice: PaymentReversalDto, @Req() req: Request & { user: Principal }): Promise<JsonObject> {
    return withIdsAsSent(await this.advices.accept('REVERSAL', advice, req.user.id), req.body);
  }
}
