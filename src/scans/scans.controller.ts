import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { IdentityFrom, Roles } from '@app/auth/auth.decorators';
import { ScanNotificationDto } from '@app/common/dto/scan-notification.dto';
import { FunctionNotSupportedError } from '@app/errors/hub-error';

@Controller('qr/v1/scans')
export class ScansController {
  /** notifyScan (SPEC §6). */
  @Post()
  @HttpCode(202)
  @Roles('partner')
  @IdentityFrom('partner')
  notifyScan(@Body() _scan: ScanNotificationDto): never {
    throw new FunctionNotSupportedError();
  }
}
