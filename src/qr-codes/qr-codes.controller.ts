import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { IdentityFrom, Roles } from '@app/auth/auth.decorators';
import { CreateQrCodeRequestDto } from '@app/common/dto/create-qr-code-request.dto';
import type { CreateQrCodeResponse } from '@app/common/dto/create-qr-code-response';
import { QrCodesService } from './qr-codes.service';

@Controller('qr/v1/qrCodes')
export class QrCodesController {
  constructor(private readonly qrCodes: QrCodesService) {}

  /** createQrCode (SPEC §1, §4). */
  @Post()
  @HttpCode(201)
  @Roles('retailer')
  @IdentityFrom('client')
  create(@Body() request: CreateQrCodeRequestDto): Promise<CreateQrCodeResponse> {
    return this.qrCodes.create(request);
  }
}
