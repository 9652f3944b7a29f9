import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { IdentityFrom, Roles } from '@app/auth/auth.decorators';
import { PaymentRequestDto } from '@app/common/dto/payment-request.dto';
import { FunctionNotSupportedError } from '@app/errors/hub-error';

@Controller('qr/v1/payments')
export class PaymentsController {
  /** pay (SPEC §5). */
  @Post()
  @HttpCode(201)
  @Roles('retailer')
  @IdentityFrom('client')
  pay(@Body() _request: PaymentRequestDto): never {
    throw new FunctionNotSupportedError();
  }
}
