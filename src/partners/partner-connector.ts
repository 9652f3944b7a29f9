/**
 * The connector interface is the connector kit's (`@qr-hub/connector-kit`), so a connector
 * in its own npm package implements the very types the hub calls. Re-exported here for the
 * hub's own code.
 */
export type {
  AdviceCall,
  AdviceOutcome,
  ConnectorDefinition,
  LateAnswer,
  PartnerConnector,
  PartnerOutcome,
  PayCall,
  PayOutcome,
} from '@qr-hub/connector-kit';
