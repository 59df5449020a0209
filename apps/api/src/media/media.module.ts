import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChannelEntity } from '../channels/channel.entity.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MediaController } from './media.controller.js';
import { MediaEntity } from './media.entity.js';
import { IncomingUploadStorage, MediaFiles } from './media-files.js';
import { MediaIngest } from './media-ingest.service.js';
import { MediaLibrary } from './media-library.service.js';
import { mediaToolProviders } from './media-tools.js';
import { UploadLimitInterceptor } from './upload-limit.interceptor.js';

/** The media library. Other modules use MediaLibrary (resolveForPlayback) and nothing else. */
@Module({
  imports: [
    TypeOrmModule.forFeature([MediaEntity, ChannelEntity]),
    MulterModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        storage: new IncomingUploadStorage(new MediaFiles(config.dataDir)),
        // One file and a name; busboy's part headers are parsed as UTF-8 (browsers send file names so).
        limits: { fileSize: config.mediaMaxUploadBytes, files: 1, fields: 4, fieldSize: 4096, parts: 6 },
        defParamCharset: 'utf8',
      }),
    }),
  ],
  controllers: [MediaController],
  providers: [{ provide: MediaFiles, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new MediaFiles(config.dataDir) }, MediaLibrary, MediaIngest, UploadLimitInterceptor, ...mediaToolProviders],
  exports: [MediaLibrary],
})
export class MediaModule {}
