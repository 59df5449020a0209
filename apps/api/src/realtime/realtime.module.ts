import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { StatusGateway } from './status.gateway.js';

@Module({ imports: [AuthModule], providers: [StatusGateway] })
export class RealtimeModule {}
