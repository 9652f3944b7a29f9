import { connectorContract, ELECTRUM_WIRE, ManualClock } from '@qr-hub/connector-kit/testing';
import { SandboxConnector } from './sandbox.connector';

/*
 * The kit's contract suite, on the hub's clock moved by hand: the sandbox applies the rules
 * itself, so its delays and timeouts take no real time. It reports its simulated partner's
 * reference on approvals and declines, and finds payments by the hub's request id.
 */
connectorContract('sandbox', async () => {
  const clock = new ManualClock();
  const connector = new SandboxConnector('sandbox', clock);
  return {
    connector,
    partnerRefs: 'always',
    wire: ELECTRUM_WIRE,
    advanceTime: (ms) => clock.advance(ms),
    close: () => connector.close(),
  };
});
