import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DESIRED_STATES, OUTPUT_PROTOCOLS, type ChannelStatus, type DesiredState, type OutputProtocol, type OutputStatus, type StatusSnapshot } from '@mld/contracts';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { RequirePermission } from '../auth/permissions.decorator.js';
import { ChannelRuntimeDto, OutputRuntimeDto } from './dto/runtime.dto.js';
import { StatusService } from './status.service.js';

class OutputStatusDto implements OutputStatus {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: OUTPUT_PROTOCOLS }) protocol!: OutputProtocol;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ enum: DESIRED_STATES }) desired_state!: DesiredState;
  @ApiProperty({ type: OutputRuntimeDto, nullable: true }) runtime!: OutputRuntimeDto | null;
}

class ChannelStatusDto implements ChannelStatus {
  @ApiProperty({ format: 'uuid' }) channel_id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: DESIRED_STATES }) desired_state!: DesiredState;
  @ApiProperty({ type: ChannelRuntimeDto, nullable: true }) runtime!: ChannelRuntimeDto | null;
  @ApiProperty({ type: [OutputStatusDto] }) outputs!: OutputStatusDto[];
}

class StatusSnapshotDto implements StatusSnapshot {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: [ChannelStatusDto] }) channels!: ChannelStatusDto[];
}

@ApiTags('status')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller()
export class StatusController {
  constructor(private readonly status: StatusService) {}

  @Get('status')
  @RequirePermission('channel.read')
  @ApiOperation({ summary: 'Live status of every channel and output (the same data the Socket.IO gateway pushes)' })
  @ApiResponse({ status: 200, type: StatusSnapshotDto })
  all(): StatusSnapshot {
    return this.status.snapshot();
  }

  @Get('channels/:id/status')
  @RequirePermission('channel.read')
  @ApiOperation({ summary: "Live status of one channel's input and outputs" })
  @ApiResponse({ status: 200, type: ChannelStatusDto })
  @ApiErrors(404)
  one(@Param('id') id: string): ChannelStatus {
    return this.status.requireChannelStatus(id);
  }
}
