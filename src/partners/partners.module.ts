import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CONNECTOR_MODULES } from './connectors';
import { PartnerRegistry } from './partner-registry.service';

@Module({
  imports: [DiscoveryModule, ...CONNECTOR_MODULES],
  providers: [PartnerRegistry],
  exports: [PartnerRegistry],
})
export class PartnersModule {}
