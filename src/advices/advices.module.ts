import { Module } from '@nestjs/common';
import { PaymentsModule } from '@app/payments/payments.module';
import { AdvicesController } from './advices.controller';
import { AdvicesService } from './advices.service';

@Module({ imports: [PaymentsModule], controllers: [AdvicesController], providers: [AdvicesService] })
export class AdvicesModule {}
