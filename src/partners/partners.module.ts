import { Module } from '@nestjs/common';
import { PartnerRegistry } from './partner-registry.service';

/** The configured partners and their connectors; the connector types come from ConnectorCatalogModule. */
@Module({
  providers: [PartnerRegistry],
  exports: [PartnerRegistry],
})
export class PartnersModule {}
