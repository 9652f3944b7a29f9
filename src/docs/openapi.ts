import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { OperationTable } from '@app/operations/operation-table';
import { documentOperations } from './api-operations';
import { BASIC_AUTH } from './api-security';
import { contractSchemas } from './contract-schemas';
import { dtoSchemas } from './dto-schemas';

/** Where the Swagger UI is served; the JSON document is at `/docs-json` (docs/protocol.md §11). */
export const DOCS_PATH = 'docs';

/** The version of the Electrum QR Payment Service Interface the hub speaks. */
export const INTERFACE_VERSION = '1.7.0';

/**
 * The hub's OpenAPI document, generated from the running code: each
 * operation from its declaration in the operations table, message schemas
 * from the DTOs' validation decorators (see contract-schemas.ts).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const operations = app.get(OperationTable);
  documentOperations(operations);
  const config = new DocumentBuilder()
    .setTitle('QR payment hub')
    .setDescription(
      'Electrum QR Payment Service Interface ' +
        INTERFACE_VERSION +
        ' under /qr/v1 (HTTP Basic auth: the username is the institution id), ' +
        'plus the operations endpoints (health, metrics, QR images).',
    )
    .setVersion(INTERFACE_VERSION)
    .addBasicAuth({ type: 'http', scheme: 'basic' }, BASIC_AUTH)
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const generated = contractSchemas();
  // Messages of operations beside the interface's own, generated from their DTOs the same way.
  const dtos = operations.operations.flatMap((op) => (op.messageDto ? [op.messageDto] : []));
  for (const [name, schema] of Object.entries(dtoSchemas(dtos))) generated[name] ??= schema;
  // Nest adds an empty schema for each @Body() class it sees; ours replace them.
  const kept = Object.entries(document.components?.schemas ?? {}).filter(([name]) => !/Dto$/.test(name));
  document.components = { ...document.components, schemas: { ...Object.fromEntries(kept), ...generated } };
  return document;
}

/**
 * Serves the Swagger UI at `/docs` and the document at `/docs-json`, built on
 * first request. These are not Nest routes, so the global guard does not see
 * them: they need no credentials unless OPS_AUTH=operator (ops-access.ts).
 */
export function setupDocs(app: INestApplication): void {
  let document: OpenAPIObject | undefined;
  SwaggerModule.setup(DOCS_PATH, app, () => (document ??= buildOpenApiDocument(app)), {
    jsonDocumentUrl: `${DOCS_PATH}-json`,
    raw: ['json'],
    customSiteTitle: 'QR payment hub API',
  });
}
