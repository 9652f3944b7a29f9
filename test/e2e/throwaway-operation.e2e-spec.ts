import { randomUUID } from 'node:crypto';
import { HubStore } from '../utils/lifecycle-db';
import { OPERATOR, RETAILER, WALLET } from '../factories/hub-config.factory';
import { DEMO_RETAILER } from '../factories/messages.factory';
import { PingModule } from '../fixtures/ping/ping.module';
import { RolelessModule } from '../fixtures/ping/roleless.module';
import { createTestApp, TestApp } from '../utils/create-test-app';

/**
 * An operation declared in its own folder (test/fixtures/ping) and registered
 * once (`features: [PingModule]`) is routed, authorised, documented, counted
 * and audited by the hub with no other file changed (docs/adding-an-operation.md).
 */
describe('a throw-away operation from its own folder', () => {
  let hub: TestApp;
  let store: HubStore;

  beforeAll(async () => {
    hub = await createTestApp({ features: [PingModule] });
    store = new HubStore(hub);
  });
  afterAll(async () => {
    await hub?.close();
  });

  const aPing = (overrides: Record<string, unknown> = {}) => ({
    id: randomUUID(),
    client: { ...DEMO_RETAILER },
    text: 'hello',
    ...overrides,
  });

  it('is routed: the right role gets its answer with the declared status', async () => {
    const ping = aPing();
    const res = await hub.post('/qr/v1/pings', ping, RETAILER);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(ping);
  });

  it('is authorised: no credentials 401, a role it does not declare 403, another client 403', async () => {
    expect((await hub.post('/qr/v1/pings', aPing())).status).toBe(401);
    expect((await hub.post('/qr/v1/pings', aPing(), WALLET)).status).toBe(403);
    expect((await hub.post('/qr/v1/pings', aPing(), OPERATOR)).status).toBe(403);
    const other = await hub.post('/qr/v1/pings', aPing({ client: { id: '5678', name: 'Other' } }), RETAILER);
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ errorType: 'GENERAL_ERROR', errorMessage: 'client.id is not the caller' });
  });

  it('is validated like every message: a missing field is a FORMAT_ERROR', async () => {
    const res = await hub.post('/qr/v1/pings', aPing({ text: undefined }), RETAILER);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ errorType: 'FORMAT_ERROR' });
  });

  it('answers another method on its path 501, after authentication', async () => {
    const get = await hub.raw().get('/qr/v1/pings').auth(RETAILER.id, RETAILER.password);
    expect(get.status).toBe(501);
    expect(get.body).toMatchObject({ errorType: 'FUNCTION_NOT_SUPPORTED' });
    expect((await hub.raw().get('/qr/v1/pings')).status).toBe(401);
  });

  it('is documented: the served API document lists it with its summary, roles and message schema', async () => {
    const doc = (await hub.raw().get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { operationId: string; summary: string; tags: string[] }>>;
      components: { schemas: Record<string, { required?: string[] }> };
    };
    expect(doc.paths['/qr/v1/pings'].post).toMatchObject({
      operationId: 'ping',
      summary: 'Echo a text back to the retailer',
      tags: expect.arrayContaining(['retailer']) as string[],
    });
    expect(Object.keys(doc.paths['/qr/v1/pings'].post)).toContain('requestBody');
    expect(doc.components.schemas.PingRequest.required).toEqual(expect.arrayContaining(['id', 'client', 'text']));
  });

  it('is audited: its answer and its refusals are rows under its own name', async () => {
    const ping = aPing();
    await hub.post('/qr/v1/pings', ping, RETAILER).expect(200);
    expect(await store.audit({ messageId: ping.id })).toEqual([
      expect.objectContaining({ direction: 'IN', operation: 'ping', httpStatus: 200, outcome: 'OK' }),
    ]);

    const refused = aPing();
    await hub.post('/qr/v1/pings', refused, WALLET).expect(403);
    expect(await store.audit({ messageId: refused.id })).toEqual([
      expect.objectContaining({ operation: 'ping', httpStatus: 403, institutionId: WALLET.id }),
    ]);
  });

  it('is counted in the metrics under its own name', async () => {
    const metrics = (await hub.raw().get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/qrhub_http_requests_total\{operation="ping",status="200"\} \d+/);
  });
});

describe('a route that declares no role', () => {
  it('stops the hub from starting, naming the route', async () => {
    await expect(createTestApp({ features: [RolelessModule] })).rejects.toThrow(
      /Routes that declare no role .*RolelessController\.open/,
    );
  });
});
