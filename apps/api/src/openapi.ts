import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { OPENAPI_PUBLIC_EXTENSION } from './auth/permissions.decorator.js';

const DESCRIPTION = `
Control plane of MediaLive Distributor: channels (live MPEG-TS inputs over RTP/UDP) and their outputs
(SRT, UDP, RTP, RTMP, RTMPS destinations), users, API tokens and the audit log.

**Authentication.** \`POST /api/auth/login\` returns a short-lived JWT; API tokens (\`mld_…\`, created by an admin at
\`POST /api/tokens\`) work the same way. Send either as \`Authorization: Bearer <token>\`.

**Roles.** \`viewer\`: read everything, secrets masked (stream keys, SRT passphrases and stream ids show as \`****\`).
\`operator\`: also start/stop channels and outputs and add, edit and remove outputs. \`admin\`: everything, including
channels, users and tokens.

**Errors.** Every error has the body \`{status_code, error, code, message, errors?: [{field, message}]}\`. Unknown fields
are refused. 400 names each bad field, 404 unknown ids, 409 conflicts (duplicate names, a bind address already in use).

**JSON** is snake_case everywhere. **SCTE-35** markers travel on SRT, UDP and RTP outputs; RTMP/FLV cannot carry them.
`;

/** The OpenAPI document of the running app, as served at /api/openapi.json. */
export function buildOpenApiDocument(app: INestApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('MediaLive Distributor API')
    .setDescription(DESCRIPTION.trim())
    .setVersion(version)
    .setLicense('Proprietary (UNLICENSED): all rights reserved', '')
    // Relative: the document is served by the API it describes, whatever host and port it is reached on.
    .addServer('/', 'This service')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Login JWT or API token (mld_…)' })
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The token of a channel’s WHIP input (not a user’s): what a WebRTC publisher sends' }, 'whip')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  delete document.info.license?.url;
  markPublicOperations(document);
  return document;
}

/**
 * @Public() routes say so explicitly, as OpenAPI linters and generated clients expect: `security: []`,
 * or, for a public route that still documents a bearer token (it checks one itself unless the
 * deployment opens it, like /metrics), the token or nothing (`[{bearer: []}, {}]`). A public route
 * with a token of its own (WHIP: the input's token) requires that one and says so.
 */
function markPublicOperations(document: OpenAPIObject): void {
  for (const pathItem of Object.values(document.paths)) {
    for (const operation of Object.values(pathItem)) {
      if (typeof operation !== 'object' || operation === null || !(OPENAPI_PUBLIC_EXTENSION in operation)) continue;
      const marked = operation as Record<string, unknown>;
      delete marked[OPENAPI_PUBLIC_EXTENSION];
      const declared = Array.isArray(marked['security']) ? (marked['security'] as object[]) : [];
      const ownToken = declared.length > 0 && declared.every((scheme) => !('bearer' in scheme));
      marked['security'] = declared.length === 0 ? [] : ownToken ? declared : [...declared, {}];
    }
  }
}

export function setupOpenApi(app: INestApplication, version: string): void {
  const document = buildOpenApiDocument(app, version);
  SwaggerModule.setup('api/docs', app, document, {
    jsonDocumentUrl: 'api/openapi.json',
    yamlDocumentUrl: 'api/openapi.yaml',
    customSiteTitle: 'MediaLive Distributor API',
    swaggerOptions: { persistAuthorization: true },
  });
}
