import { Global, Module } from '@nestjs/common';
import { PipelinesService } from './pipelines.service.js';
import { PreviewController } from './preview.controller.js';
import { PreviewService } from './preview.service.js';
import { StatusController } from './status.controller.js';
import { StatusService } from './status.service.js';

/** Owns the data plane (every ingest and egress process) for the lifetime of the service. */
@Global()
@Module({ controllers: [StatusController, PreviewController], providers: [PipelinesService, StatusService, PreviewService], exports: [PipelinesService, StatusService] })
export class ProcessModule {}
