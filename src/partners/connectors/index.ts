import { ElectrumHttpConnectorModule } from './electrum-http/electrum-http.module';
import { SandboxConnectorModule } from './sandbox/sandbox.module';

/**
 * Every connector type the hub knows (docs/protocol.md §8). Adding a partner connector =
 * its folder under `connectors/` plus one line here (STYLE: partner connectors).
 */
export const CONNECTOR_MODULES = [
  SandboxConnectorModule, // `sandbox`: in-process simulated partner
  ElectrumHttpConnectorModule, // `electrum-http`: the QR Payment Service Interface over HTTPS
];
