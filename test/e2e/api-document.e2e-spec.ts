import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Module, Param, Query, RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DiscoveryService } from '@nestjs/core';
import { ApiBasicAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { BASIC_AUTH, OperatorApi } from '@app/operations/api-docs';
import { Roles } from '@app/operations/route-access';
import { createTestApp, TestApp } from '../utils/create-test-app';

/*
 * The API document at /docs-json as a reader of it needs it (docs/protocol.md §11):
 * each operation once, under one of four declared lower-case tags; every
 * operator API route (`/admin/v1/…`, whoever adds it) with an operationId, a
 * summary, the Basic security marker, the parameters it really reads and its
 * answers; the interface named as README.md names it; no console page in it.
 * Each check returns the problems it finds, so a failure names them, and each
 * is shown to catch a broken copy of the document.
 * The document against the interface itself: openapi-contract.e2e-spec.ts.
 */

const TAGS = ['retailer', 'partner', 'operator', 'operations'];
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const ERROR_DETAIL = '#/components/schemas/ErrorDetail';

interface Parameter {
  name: string;
  in: string;
  description?: string;
  required?: boolean;
}
interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: unknown;
  parameters?: Parameter[];
  responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
interface Listed {
  path: string;
  method: string;
  op: Operation;
}
type ApiDocument = {
  info: { title: string; description: string; version: string };
  tags?: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, Operation>>;
};

function operationsOf(doc: ApiDocument): Listed[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, op]) => ({ path, method, op })),
  );
}

const label = ({ path, method, op }: Listed): string => `${method.toUpperCase()} ${path} (${op.operationId ?? '-'})`;
const isOperatorApi = (path: string): boolean => path.startsWith('/admin/v1/') || path === '/admin/v1';

/** Each operation once, under exactly one tag; operationIds unique; tags declared, described, lower-case, in order. */
function tagProblems(doc: ApiDocument): string[] {
  const problems: string[] = [];
  const declared = (doc.tags ?? []).map((t) => t.name);
  if (JSON.stringify(declared) !== JSON.stringify(TAGS)) problems.push(`declared tags ${declared.join(', ')}`);
  for (const tag of doc.tags ?? []) if (!tag.description?.trim()) problems.push(`tag ${tag.name} has no description`);
  const seen = new Map<string, string>();
  for (const listed of operationsOf(doc)) {
    const tags = listed.op.tags ?? [];
    if (tags.length !== 1) problems.push(`${label(listed)} is under ${tags.length} tags: ${tags.join(', ')}`);
    for (const tag of tags) {
      if (!declared.includes(tag)) problems.push(`${label(listed)}: tag ${tag} is not declared`);
      if (tag !== tag.toLowerCase()) problems.push(`${label(listed)}: tag ${tag} is not lower-case`);
    }
    const id = listed.op.operationId;
    if (id !== undefined && seen.has(id)) problems.push(`operationId ${id} twice: ${seen.get(id)}, ${label(listed)}`);
    if (id !== undefined) seen.set(id, label(listed));
  }
  return problems;
}

/** Who calls it decides the tag: the operator API, the operations endpoints, retailers' and partners' operations. */
function placementProblems(doc: ApiDocument): string[] {
  const expected = ({ path, op }: Listed): string | undefined => {
    if (isOperatorApi(path)) return 'operator';
    if (/^\/(health|metrics)(\/|$)/.test(path)) return 'operations';
    if (path.startsWith('/qr/v1/')) return op.operationId === 'notifyScan' ? 'partner' : 'retailer';
    return undefined;
  };
  return operationsOf(doc).flatMap((listed) => {
    const want = expected(listed);
    const got = (listed.op.tags ?? []).join(', ');
    return want === got ? [] : [`${label(listed)} is under ${got || 'no tag'}, not ${want ?? 'a known tag'}`];
  });
}

/** Every operator API route: its own operationId, a summary, Basic auth, described query parameters, its answers. */
function operatorRouteProblems(doc: ApiDocument): string[] {
  return operationsOf(doc)
    .filter(({ path }) => isOperatorApi(path))
    .flatMap((listed) => {
      const { op } = listed;
      const problems: string[] = [];
      // Nest's own id when none is given is `<Controller>_<method>`.
      if (!op.operationId || /Controller_/.test(op.operationId)) problems.push('no operationId of its own');
      if (!op.summary?.trim()) problems.push('no summary');
      if (JSON.stringify(op.security) !== JSON.stringify([{ httpBasic: [] }])) problems.push('no Basic security');
      // A path parameter Nest lists by itself from the route; a query parameter only when declared, with its words.
      for (const p of op.parameters ?? []) {
        if (p.in === 'query' && !p.description?.trim()) problems.push(`query parameter ${p.name} has no description`);
      }
      const responses = op.responses ?? {};
      if (!Object.keys(responses).some((code) => /^2\d\d$/.test(code))) problems.push('no success answer');
      for (const code of ['401', '403']) if (!(code in responses)) problems.push(`no ${code}`);
      for (const [code, response] of Object.entries(responses)) {
        const ref = response.content?.['application/json']?.schema?.$ref;
        if (/^[45]\d\d$/.test(code) && ref !== ERROR_DETAIL) problems.push(`${code} is not an ErrorDetail`);
      }
      return problems.map((problem) => `${label(listed)}: ${problem}`);
    });
}

/** A route as Nest serves it: the parameters its handler reads by name (`@Query('q')`, `@Param('id')`). */
interface Route {
  path: string;
  method: string;
  where: string;
  query: string[];
  /** `@Query()` whole: its names are not known here. */
  wholeQuery: boolean;
  params: string[];
}

function routesOf(controllers: readonly Type<object>[]): Route[] {
  return controllers.flatMap((controller) => {
    const base = Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined;
    const prototype = controller.prototype as Record<string, unknown>;
    return Object.getOwnPropertyNames(prototype).flatMap((name) => {
      const handler = prototype[name];
      if (name === 'constructor' || typeof handler !== 'function') return [];
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (path === undefined) return [];
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod].toLowerCase();
      // Nest keeps a handler's arguments as `<type>:<index>` → { data: the name given, if any }.
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<
        string,
        { data?: unknown }
      >;
      const argsOf = (type: RouteParamtypes) =>
        Object.entries(args)
          .filter(([key]) => key.split(':')[0] === String(type))
          .map(([, arg]) => arg.data);
      const query = argsOf(RouteParamtypes.QUERY);
      return [base ?? ''].flat().flatMap((b) =>
        [path].flat().map((p) => ({
          path:
            `/${[b, p].join('/')}`
              .replace(/\/+/g, '/')
              .replace(/\/$/, '')
              .replace(/:([^/]+)/g, '{$1}') || '/',
          method,
          where: `${controller.name}.${name}`,
          query: query.filter((d): d is string => typeof d === 'string'),
          wholeQuery: query.some((d) => typeof d !== 'string'),
          params: argsOf(RouteParamtypes.PARAM).filter((d): d is string => typeof d === 'string'),
        })),
      );
    });
  });
}

/** Each operator API route is in the document with every parameter its handler reads. */
function parameterProblems(doc: ApiDocument, routes: readonly Route[]): string[] {
  return routes
    .filter((route) => isOperatorApi(route.path))
    .flatMap((route) => {
      const op = doc.paths[route.path]?.[route.method];
      if (!op) return [`${route.where} (${route.method.toUpperCase()} ${route.path}) is not in the document`];
      const documented = (where: string) => (op.parameters ?? []).filter((p) => p.in === where).map((p) => p.name);
      const problems: string[] = [];
      const [query, path] = [documented('query'), documented('path')];
      for (const name of route.query) if (!query.includes(name)) problems.push(`query parameter ${name} undocumented`);
      if (route.wholeQuery && query.length === 0) problems.push('reads the whole query, documents none');
      if (!route.wholeQuery) {
        for (const name of query) if (!route.query.includes(name)) problems.push(`query parameter ${name} not read`);
      }
      const inPath = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const name of new Set([...inPath, ...route.params])) {
        if (!path.includes(name)) problems.push(`path parameter ${name} undocumented`);
      }
      return problems.map((problem) => `${route.where}: ${problem}`);
    });
}

/*
 * Two operator routes added the way the console's other pages add theirs: one
 * with the convention's decorators spelled out, one with `@OperatorApi()`.
 * The document must come out complete, and the same, for both.
 */
const fixtureRoute = (operationId: string): MethodDecorator =>
  ApiOperation({ operationId, summary: 'A fixture list of payments' });
const fromQuery = ApiQuery({ name: 'from', required: false, type: String, description: 'From this local date' });
const listed = ApiOkResponse({ description: 'The fixture list' });

@Controller('admin/v1/fixture-convention')
@ApiTags('operator')
@ApiBasicAuth(BASIC_AUTH)
@Roles('operator', 'viewer')
class ConventionFixtureController {
  @Get(':partner')
  @fixtureRoute('conventionFixture')
  @fromQuery
  @listed
  list(@Param('partner') partner: string, @Query('from') from: unknown): object {
    return { partner, from };
  }
}

@Controller('admin/v1/fixture-helper')
@OperatorApi()
@Roles('operator', 'viewer')
class HelperFixtureController {
  @Get(':partner')
  @fixtureRoute('helperFixture')
  @fromQuery
  @listed
  list(@Param('partner') partner: string, @Query('from') from: unknown): object {
    return { partner, from };
  }
}

@Module({ controllers: [ConventionFixtureController, HelperFixtureController] })
class OperatorFixtureModule {}

/** How README.md names the interface the hub speaks, and its version. */
function readmeInterface(): { name: string; version: string } {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8').replace(/\s+/g, ' ');
  const found = /It speaks the \*\*([^*]+)\*\* \(v(\d+\.\d+\.\d+)\)/.exec(readme);
  if (!found) throw new Error('README.md no longer says "It speaks the **<interface>** (v<version>)"');
  return { name: found[1], version: found[2] };
}

describe('the API document (/docs-json) as its readers need it', () => {
  let hub: TestApp;
  let doc: ApiDocument;
  let routes: Route[];

  beforeAll(async () => {
    hub = await createTestApp({ features: [OperatorFixtureModule] });
    doc = (await hub.raw().get('/docs-json').expect(200)).body as ApiDocument;
    const controllers = hub.app
      .get(DiscoveryService)
      .getControllers()
      .map((wrapper) => wrapper.metatype)
      .filter((type): type is Type<object> => typeof type === 'function');
    routes = routesOf(controllers);
  });
  afterAll(() => hub?.close());

  /** A copy of the document to break on purpose. */
  const copy = (): ApiDocument => structuredClone(doc);
  const op = (d: ApiDocument, path: string, method: string): Operation => d.paths[path][method];

  it('lists each operation once, under exactly one declared lower-case tag; the tags in order, each described', () => {
    expect(tagProblems(doc)).toEqual([]);
    expect(doc.tags?.map((t) => t.name)).toEqual(TAGS);
  });

  it('would notice an operation under two tags, a tag it does not declare, an upper-case tag', () => {
    const broken = copy();
    op(broken, '/qr/v1/payments', 'post').tags = ['Payments', 'retailer'];
    op(broken, '/admin/v1/outbox', 'get').tags = ['admin'];
    expect(tagProblems(broken)).toEqual([
      'POST /qr/v1/payments (pay) is under 2 tags: Payments, retailer',
      'POST /qr/v1/payments (pay): tag Payments is not declared',
      'POST /qr/v1/payments (pay): tag Payments is not lower-case',
      'GET /admin/v1/outbox (getOutbox): tag admin is not declared',
    ]);
  });

  it("puts each operation under its caller's tag: retailer, partner, operator (/admin/v1), operations", () => {
    expect(placementProblems(doc)).toEqual([]);
    const byTag = (tag: string) =>
      operationsOf(doc)
        .filter(({ op: o }) => o.tags?.includes(tag))
        .map(({ op: o }) => o.operationId)
        .sort();
    expect(byTag('retailer')).toEqual(['confirmPayment', 'createQrCode', 'pay', 'qrCodeImage', 'reversePayment']);
    expect(byTag('partner')).toEqual(['notifyScan']);
    expect(byTag('operations')).toEqual(['liveness', 'metrics', 'readiness']);
    expect(byTag('operator')).toEqual(expect.arrayContaining(['findTransaction', 'retryAdvice', 'resolveAdvice']));
  });

  it('documents every operator API route: operationId, summary, Basic security, parameters, answers', () => {
    expect(operatorRouteProblems(doc)).toEqual([]);
    const transactions = op(doc, '/admin/v1/transactions', 'get');
    expect(transactions.parameters).toEqual([
      expect.objectContaining({
        name: 'q',
        in: 'query',
        required: true,
        description: 'a tranId or any message id of the transaction',
      }),
    ]);
    expect(Object.keys(transactions.responses ?? {})).toEqual(['200', '400', '401', '403', '404', '429']);
    expect(Object.keys(op(doc, '/admin/v1/outbox/{id}/retry', 'post').responses ?? {})).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '429',
    ]);
  });

  it('would notice an operator route left as Nest words it by itself', () => {
    const broken = copy();
    const outbox = op(broken, '/admin/v1/outbox', 'get');
    Object.assign(outbox, { operationId: 'AdminController_outbox', summary: undefined, security: undefined });
    outbox.parameters = [{ name: 'partner', in: 'query' }];
    outbox.responses = { '200': {}, '404': { content: { 'application/json': { schema: {} } } } };
    expect(operatorRouteProblems(broken)).toEqual(
      [
        'no operationId of its own',
        'no summary',
        'no Basic security',
        'query parameter partner has no description',
        'no 401',
        'no 403',
        '404 is not an ErrorDetail',
      ].map((problem) => `GET /admin/v1/outbox (AdminController_outbox): ${problem}`),
    );
  });

  it('documents the query and path parameters each operator route reads (every /admin/v1 controller)', () => {
    const operatorRoutes = routes.filter((r) => isOperatorApi(r.path));
    expect(operatorRoutes.find((r) => r.path === '/admin/v1/transactions')).toMatchObject({ query: ['q'] });
    expect(operatorRoutes.find((r) => r.path === '/admin/v1/outbox/{id}/retry')).toMatchObject({ params: ['id'] });
    expect(parameterProblems(doc, routes)).toEqual([]);
  });

  it('would notice a query parameter a route reads but the document leaves out', () => {
    const broken = copy();
    op(broken, '/admin/v1/transactions', 'get').parameters = [];
    op(broken, '/admin/v1/outbox/{id}/resolve', 'post').parameters = [];
    delete broken.paths['/admin/v1/retention'];
    expect(parameterProblems(broken, routes).sort()).toEqual([
      'AdminController.resolve: path parameter id undocumented',
      'AdminController.retentionOverview (GET /admin/v1/retention) is not in the document',
      'AdminController.transaction: query parameter q undocumented',
    ]);
  });

  it('completes a route added by the convention, and @OperatorApi() is the same convention', () => {
    const convention = op(doc, '/admin/v1/fixture-convention/{partner}', 'get');
    const helper = op(doc, '/admin/v1/fixture-helper/{partner}', 'get');
    expect(convention.tags).toEqual(['operator']);
    expect(Object.keys(convention.responses ?? {})).toEqual(['200', '401', '403', '429']);
    expect(operatorRouteProblems(doc).filter((p) => p.includes('fixture'))).toEqual([]);
    expect(parameterProblems(doc, routes).filter((p) => p.includes('Fixture'))).toEqual([]);
    expect({ ...helper, operationId: 'x' }).toEqual({ ...convention, operationId: 'x' });
  });

  it('names the interface as README.md does, with its version', () => {
    const { name, version } = readmeInterface();
    expect(name).toBe('Electrum QR Payment Retailer Interface');
    expect(doc.info.title).toContain(name);
    expect(doc.info.description).toContain(`${name} ${version}`);
    expect(doc.info.version).toBe(version);
    expect(JSON.stringify(doc)).not.toMatch(/Payment Service Interface/);
  });

  it('leaves the console out: its routes are pages, not API', () => {
    expect(routes.some((r) => r.path.startsWith('/console'))).toBe(true);
    expect(Object.keys(doc.paths).filter((path) => /^\/console(\/|$)/i.test(path))).toEqual([]);
  });
});
