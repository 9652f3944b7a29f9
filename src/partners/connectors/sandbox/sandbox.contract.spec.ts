import { connectorContract, ManualClock } from '@qr-hub/connector-kit/testing';
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
    wire: {
      approved: 201,
      declined: 400,
      fault: 500,
      adviceAccepted: 202,
      adviceFault: 500,
      adviceRefused: 400,
      notFound: 404,
      nothingToReverse: 404,
    },
    advanceTime: (ms) => clock.advance(ms),
    close: () => connector.close(),
  };
});
