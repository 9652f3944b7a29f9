import { Module } from '@nestjs/common';
import { QrCodesController } from './qr-codes.controller';
import { QrCodesRepository } from './qr-codes.repository';
import { QrCodesService } from './qr-codes.service';

@Module({
  controllers: [QrCodesController],
  providers: [QrCodesService, QrCodesRepository],
  exports: [QrCodesService, QrCodesRepository],
})
export class QrCodesModule {}
