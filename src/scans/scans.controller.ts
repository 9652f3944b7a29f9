import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { IdentityFrom, Roles } from '@app/auth/auth.decorators';
import { ScanNotificationDto } from '@app/common/dto/scan-notification.dto';
import { ScansService } from './scans.service';

@Controller('qr/v1/scans')
export class ScansController {
  constructor(private readonly scans: ScansService) {}

  /** notifyScan (docs/protocol.md §6): 202 with an empty body. */
  @Post()
  @HttpCode(202)
  @Roles('partner')
  @IdentityFrom('partner')
  async notifyScan(@Body() scan: ScanNotificationDto): Promise<void> {
    await this.scans.notify(scan);
  }
}
