import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Roles } from '@app/auth/auth.decorators';
import { PaymentConfirmationDto } from '@app/common/dto/payment-confirmation.dto';
import { PaymentReversalDto } from '@app/common/dto/payment-reversal.dto';
import { FunctionNotSupportedError } from '@app/errors/hub-error';

@Controller('qr/v1/payments')
export class AdvicesController {
  /** confirmPayment (SPEC §7). */
  @Post('confirmations')
  @HttpCode(202)
  @Roles('retailer')
  confirm(@Body() _advice: PaymentConfirmationDto): never {
    throw new FunctionNotSupportedError();
  }

  /** reversePayment (SPEC §7). */
  @Post('reversals')
  @HttpCode(202)
  @Roles('retailer')
  reverse(@Body() _advice: PaymentReversalDto): never {
    throw new FunctionNotSupportedError();
  }
}
