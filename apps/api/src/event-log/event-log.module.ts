import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventRecordEntity } from './event-record.entity.js';
import { EventLogService } from './event-log.service.js';
import { EventRecorderService } from './event-recorder.service.js';
import { EventsController } from './events.controller.js';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([EventRecordEntity])],
  controllers: [EventsController],
  providers: [EventLogService, EventRecorderService],
  exports: [EventLogService],
})
export class EventLogModule {}
