/**
 * What a partner connector of the QR payment hub is written against (docs/adding-a-connector.md):
 * the `PartnerConnector` interface typed with the protocol's messages, `defineConnector`
 * with the options helpers (`secret()`, `pemFile()`, `tls()`), and the sandbox rules every
 * simulated partner answers by. The contract suite and the partner double are in
 * `@qr-hub/connector-kit/testing`. No NestJS: a connector package needs only this kit,
 * `@qr-hub/protocol` and zod.
 */
export type {
  AdviceCall,
  AdviceOutcome,
  LateAnswer,
  PartnerConnector,
  PartnerOutcome,
  PayCall,
  PayOutcome,
} from './connector';
export { defineConnector, isConnectorDefinition, KIT_VERSION, majorOf } from './define-connector';
export type {
  ConnectorClock,
  ConnectorContext,
  ConnectorDefinition,
  ConnectorLog,
  TimerHandle,
} from './define-connector';
export { upstreamAdvice } from './hub-messages';
export type { AdvisedPayment } from './hub-messages';
export { optionHelpers, strictObject, unknownKeyMessage } from './options';
export type { OptionHelpers, OptionSources, TlsOptions } from './options';
export * from './sandbox/sandbox-rules';
export { SandboxPartner } from './sandbox/sandbox-partner';
export type { AdviceKind, SandboxPartnerOptions, SandboxPayAnswer, SimulatedAnswer } from './sandbox/sandbox-partner';
