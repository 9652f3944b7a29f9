import { Module } from '@nestjs/common';
import { PaymentsModule } from '@app/payments/payments.module';
import { PartnersModule } from '@app/partners/partners.module';
import { ScansController } from './scans.controller';
import { ScansService } from './scans.service';

@Module({ imports: [PaymentsModule, PartnersModule], controllers: [ScansController], providers: [ScansService] })
export class ScansModule {}
