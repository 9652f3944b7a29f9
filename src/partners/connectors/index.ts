import type { ConnectorDefinition } from '@qr-hub/connector-kit';
import { electrumHttpConnector } from './electrum-http/electrum-http.connector';
import { sandboxConnector } from './sandbox/sandbox.connector';

/**
 * The connector types built into the hub (docs/adding-a-connector.md). Adding one = its
 * folder under `connectors/` plus one line here; a connector published as its own npm
 * package needs no line at all: config names the package.
 */
export const CONNECTORS: readonly ConnectorDefinition[] = [
  sandboxConnector, // `sandbox`: in-process simulated partner
  electrumHttpConnector, // `electrum-http`: the QR Payment Service Interface over HTTPS
];
