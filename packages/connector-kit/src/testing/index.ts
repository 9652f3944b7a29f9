/**
 * `@qr-hub/connector-kit/testing`: what a connector's spec needs to prove the connector.
 * - `connectorContract(type, setup)`: the one jest suite every connector passes.
 * - `startPartnerDouble({ dialect })`: a real HTTPS partner answering by the sandbox rules
 *   in any wire format, given a `DialectTranslation`; `electrumDialect` is the protocol's own.
 * - `upstreamPaymentRequest` / `upstreamAdviceFor`: messages exactly as the hub sends them.
 */
export { connectorContract } from './contract';
export type { ContractHarness, WireDetails } from './contract';
export { startPartnerDouble } from './partner-double';
export type { PartnerDouble, PartnerDoubleOptions, RecordedCall } from './partner-double';
export { acceptBasicAuth, acceptBearerToken } from './dialect';
export type { DialectTranslation, PartnerCall, PartnerOperation, WireAnswer, WireRequest } from './dialect';
export { ELECTRUM_WIRE, electrumDialect } from './electrum-dialect';
export { createTestAuthority } from './certificates';
export type { PemPair, TestAuthority } from './certificates';
export { TEST_HUB, TEST_PARTNER, upstreamAdviceFor, upstreamPaymentRequest } from './upstream-messages';
export { ManualClock } from './manual-clock';
export { Timeline, track } from './timeline';
export type { Tracked } from './timeline';
