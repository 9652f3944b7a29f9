/*
 * The connector types built into the hub, one line each (docs/adding-a-connector.md).
 * Adding one = its folder under `connectors/` plus one line here; a connector published
 * as its own npm package needs no line at all: config names the package.
 */
export { sandboxConnector } from './sandbox/sandbox.connector';
export { electrumHttpConnector } from './electrum-http/electrum-http.connector';
