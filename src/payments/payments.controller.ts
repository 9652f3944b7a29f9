import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { withIdsAsSent } from '@app/common/validation/message-id';
import type { Request } from 'express';
import { IdentityFrom, Roles } from '@app/auth/auth.decorators';
import { PaymentRequestDto } from '@app/common/dto/payment-request.dto';
import type { PaymentResponse } from '@app/common/dto/payment-response';
import { PaymentsService } from './payments.service';

@Controller('qr/v1/payments')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  /** pay (docs/protocol.md §5): held open until the partner's scan, then 201 PaymentResponse. */
  @Post()
  @HttpCode(201)
  @Roles('retailer')
  @IdentityFrom('client')
  async pay(@Body() request: PaymentRequestDto, @Req() req: Request): Promise<PaymentResponse> {
    // The response closing before it was written means the retailer hung up.
    const answer = await this.payments.pay(request, (onGone) => {
      req.res?.once('close', () => {
        if (!req.res?.writableFinished) onGone();
      });
    });
    return withIdsAsSent(answer, req.body);
  }
}
