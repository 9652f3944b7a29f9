import { Body, Controller, Req } from '@nestjs/common';
import { withIdsAsSent } from '@app/common/validation/message-id';
import type { Request } from 'express';
import type { Principal } from '@app/auth/principal';
import { PaymentConfirmationDto } from '@app/common/dto/payment-confirmation.dto';
import { PaymentReversalDto } from '@app/common/dto/payment-reversal.dto';
import { JsonObject } from '@app/persistence/column-types';
import { Serves } from '@app/operations/serves.decorator';
import { confirmPaymentOperation, reversePaymentOperation } from './advice.operations';
import { AdvicesService } from './advices.service';

/**
 * Advices carry no `client` field, so ownership is checked against the
 * payment: another client's payment is answered as if it did not exist (docs/protocol.md §3).
 */
@Controller()
export class AdvicesController {
  constructor(private readonly advices: AdvicesService) {}

  @Serves(confirmPaymentOperation)
  async confirm(
    @Body() advice: PaymentConfirmationDto,
    @Req() req: Request & { user: Principal },
  ): Promise<JsonObject> {
    return withIdsAsSent(await this.advices.accept('CONFIRMATION', advice, req.user.id), req.body);
  }

  @Serves(reversePaymentOperation)
  async reverse(@Body() advice: PaymentReversalDto, @Req() req: Request & { user: Principal }): Promise<JsonObject> {
    return withIdsAsSent(await this.advices.accept('REVERSAL', advice, req.user.id), req.body);
  }
}
