import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditRecordEntity } from './audit-record.entity.js';
import { AuditController } from './audit.controller.js';
import { AuditInterceptor } from './audit.interceptor.js';
import { RefusedRequests } from '../common/refused-requests.js';
import { AuditService } from './audit.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([AuditRecordEntity])],
  controllers: [AuditController],
  providers: [AuditService, { provide: RefusedRequests, useExisting: AuditService }, { provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
  exports: [AuditService, RefusedRequests],
})
export class AuditModule {}
