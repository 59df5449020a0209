import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChannelEntity } from '../channels/channel.entity.js';
import { WhipController } from './whip.controller.js';
import { WhipService } from './whip.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([ChannelEntity])],
  controllers: [WhipController],
  providers: [WhipService],
})
export class WhipModule {}
