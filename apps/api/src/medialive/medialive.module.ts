import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChannelsModule } from '../channels/channels.module.js';
import { APP_CONFIG, type AppConfig, type MediaLiveConfig } from '../config/app-config.js';
import { MediaLiveLinkEntity } from './medialive-link.entity.js';
import { MediaLiveTransitionsService } from './medialive-transitions.service.js';
import { MediaLiveWiringService } from './medialive-wiring.service.js';
import { MediaLiveController } from './medialive.controller.js';
import { MEDIALIVE_GATEWAY, type MediaLiveGateway } from './medialive.model.js';
import { MediaLiveService } from './medialive.service.js';
import { NODE_ADDRESSES, systemAddresses } from './node-addresses.js';

/**
 * The SDK client exists only when a region is configured: without one, the SDK is not even
 * loaded, so no credential chain runs and nothing can reach instance metadata or AWS.
 */
export async function createMediaLiveGateway(config: MediaLiveConfig): Promise<MediaLiveGateway | null> {
  if (!config.region) return null;
  const { SdkMediaLiveGateway } = await import('./sdk/sdk-medialive-gateway.js');
  return new SdkMediaLiveGateway({ ...config, region: config.region });
}

@Module({
  imports: [TypeOrmModule.forFeature([MediaLiveLinkEntity]), ChannelsModule],
  controllers: [MediaLiveController],
  providers: [
    { provide: MEDIALIVE_GATEWAY, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createMediaLiveGateway(config.medialive) },
    { provide: NODE_ADDRESSES, useValue: systemAddresses },
    MediaLiveService,
    MediaLiveWiringService,
    MediaLiveTransitionsService,
  ],
})
export class MediaLiveModule {}
