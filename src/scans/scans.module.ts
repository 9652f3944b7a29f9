import { Module } from '@nestjs/common';
import { LifecycleModule } from '@app/lifecycle/lifecycle.module';
import { PartnersModule } from '@app/partners/partners.module';
import { ScansController } from './scans.controller';
import { ScansService } from './scans.service';

@Module({ imports: [LifecycleModule, PartnersModule], controllers: [ScansController], providers: [ScansService] })
export class ScansModule {}
