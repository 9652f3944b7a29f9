import { DiscoveryService } from '@nestjs/core';

/**
 * Marks a provider as the factory for a connector type named in config
 * (`partners[].connector`). Adding a partner = a folder under
 * `partners/connectors/`, this decorator on its factory, and one line in
 * `connectors/index.ts` (STYLE: partner connectors).
 */
export const PartnerConnectorType = DiscoveryService.createDecorator<string>();
