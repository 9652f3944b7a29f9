import { isConnectorDefinition, type ConnectorDefinition } from '@qr-hub/connector-kit';
import * as registered from './connectors';

/** Every connector type exported by `connectors/index.ts` (a module namespace: by export name). */
export const CONNECTORS: readonly ConnectorDefinition[] = Object.values(registered).filter(isConnectorDefinition);
