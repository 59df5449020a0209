import { Global, Module } from '@nestjs/common';
import { PipelinesService } from './pipelines.service.js';

/** Owns the data plane (every ingest and egress process) for the lifetime of the service. */
@Global()
@Module({ providers: [PipelinesService], exports: [PipelinesService] })
export class ProcessModule {}
