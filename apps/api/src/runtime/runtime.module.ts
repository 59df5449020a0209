import { Global, Module } from '@nestjs/common';
import { ChannelCatalog } from './channel-catalog.js';
import { dataPlaneProvider } from './data-plane.provider.js';
import { DataPlanePort } from './data-plane.port.js';
import { IngestEndpoints } from './ingest-endpoints.js';
import { RtmpIngestService } from './rtmp-ingest.service.js';
import { PipelinesService } from './pipelines.service.js';
import { PreviewController } from './preview.controller.js';
import { PreviewService } from './preview.service.js';
import { StatusController } from './status.controller.js';
import { StatusService } from './status.service.js';

/**
 * Owns the data plane (every ingest and egress process) for the lifetime of the service, and
 * the catalog it runs from. Use-cases reach it through DataPlanePort only.
 */
@Global()
@Module({
  controllers: [StatusController, PreviewController],
  providers: [ChannelCatalog, IngestEndpoints, RtmpIngestService, dataPlaneProvider, PipelinesService, { provide: DataPlanePort, useExisting: PipelinesService }, StatusService, PreviewService],
  exports: [DataPlanePort, IngestEndpoints, PipelinesService, StatusService],
})
export class RuntimeModule {}
