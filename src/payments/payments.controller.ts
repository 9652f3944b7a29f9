import { Body, Controller, Req } from '@nestjs/common';
import { withIdsAsSent } from '@app/common/validation/message-id';
import type { Request } from 'express';
import { PaymentRequestDto } from '@app/common/dto/payment-request.dto';
import type { PaymentResponse } from '@app/common/dto/payment-response';
import { Serves } from '@app/operations/serves.decorator';
import { payOperation } from './pay.operation';
import { PaymentsService } from './payments.service';

@Controller()
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Serves(payOperation)
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
