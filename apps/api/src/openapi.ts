import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

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

export function setupOpenApi(app: INestApplication, version: string): void {
  const config = new DocumentBuilder()
    .setTitle('MediaLive Distributor API')
    .setDescription(DESCRIPTION.trim())
    .setVersion(version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Login JWT or API token (mld_…)' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('api/docs', app, document, {
    jsonDocumentUrl: 'api/openapi.json',
    yamlDocumentUrl: 'api/openapi.yaml',
    customSiteTitle: 'MediaLive Distributor API',
    swaggerOptions: { persistAuthorization: true },
  });
}
