import { Global, Module } from '@nestjs/common';
import { ThumbnailMaker, WhipEndpoints } from '@mld/dataplane';
import { defaultSpawner, systemClock } from '@mld/supervisor';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ChannelCatalog } from './channel-catalog.js';
import { dataPlaneProvider } from './data-plane.provider.js';
import { DataPlanePort } from './data-plane.port.js';
import { IngestEndpoints } from './ingest-endpoints.js';
import { RtmpIngestService } from './rtmp-ingest.service.js';
import { ChannelLeases } from './ownership/channel-leases.js';
import { ChannelOwnership, LEASE_VALIDITY, leaseTimings } from './ownership/channel-ownership.js';
import { ClusterNotifications } from './ownership/cluster-notifications.js';
import { LeaseValidity } from './ownership/lease-validity.js';
import { RuntimeShare } from './ownership/runtime-share.js';
import { OwnershipKeeper } from './ownership/ownership-keeper.js';
import { PictureWatchService } from './picture-watch.service.js';
import { PipelinesService } from './pipelines.service.js';
import { PreviewController } from './preview.controller.js';
import { PreviewService } from './preview.service.js';
import { StatusController } from './status.controller.js';
import { StatusService } from './status.service.js';
import { ThumbnailController } from './thumbnail.controller.js';
import { THUMBNAIL_MAKER, ThumbnailService } from './thumbnail.service.js';

/**
 * Owns the data plane (every ingest and egress process) for the lifetime of the service, and
 * the catalog it runs from. Use-cases reach it through DataPlanePort only.
 */
@Global()
@Module({
  controllers: [StatusController, PreviewController, ThumbnailController],
  providers: [
    ChannelCatalog,
    IngestEndpoints,
    RtmpIngestService,
    dataPlaneProvider,
    PipelinesService,
    { provide: DataPlanePort, useExisting: PipelinesService },
    StatusService,
    PreviewService,
    ThumbnailService,
    PictureWatchService,
    ChannelLeases,
    ChannelOwnership,
    OwnershipKeeper,
    ClusterNotifications,
    RuntimeShare,
    {
      provide: LEASE_VALIDITY,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const t = leaseTimings(config.node);
        return new LeaseValidity(t.ttlMs, t.marginMs);
      },
    },
    // One registry of running WHIP inputs: the data plane fills it, the WHIP routes offer to it.
    { provide: WhipEndpoints, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new WhipEndpoints({ ffmpegPath: config.ffmpegPath, network: config.whip }) },
    { provide: THUMBNAIL_MAKER, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new ThumbnailMaker(config.ffmpegPath, defaultSpawner(), systemClock) },
  ],
  exports: [DataPlanePort, IngestEndpoints, PipelinesService, StatusService, WhipEndpoints, ChannelOwnership],
})
export class RuntimeModule {}
