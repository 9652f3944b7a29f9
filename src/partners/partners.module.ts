import { Module } from '@nestjs/common';
import { Admission } from './admission';
import { PartnerRegistry } from './partner-registry.service';

/** The configured partners and their connectors; the connector types come from ConnectorCatalogModule. */
@Module({
  providers: [PartnerRegistry, Admission],
  exports: [PartnerRegistry, Admission],
})
export class PartnersModule {}
