import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ChannelWithOutputsResponse } from '@mld/contracts';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { RequirePermission } from '../auth/permissions.decorator.js';
import { toChannelResponse } from './channel.presenter.js';
import { ChannelsService } from './channels.service.js';
import { IngestEndpoints } from '../runtime/ingest-endpoints.js';
import { PipelinesService } from '../runtime/pipelines.service.js';
import { ChannelResponseDto, CreateChannelDto, RotateStreamKeyDto, SwitchInputDto, UpdateChannelDto } from './dto/channel.dto.js';

@ApiTags('channels')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller('channels')
export class ChannelsController {
  constructor(
    private readonly channels: ChannelsService,
    private readonly pipelines: PipelinesService,
    private readonly endpoints: IngestEndpoints,
  ) {}

  @Get()
  @RequirePermission('channel.read')
  @ApiOperation({ summary: 'List channels with their outputs' })
  @ApiResponse({ status: 200, type: [ChannelResponseDto] })
  async list(@CurrentPrincipal() principal: Principal): Promise<ChannelWithOutputsResponse[]> {
    return (await this.channels.list()).map((c) => toChannelResponse(c, principal.role, this.pipelines, this.endpoints));
  }

  @Post()
  @RequirePermission('channel.write')
  @ApiOperation({
    summary: 'Create a channel with its input (RTP/UDP, SRT listener or caller, RTMP push, media file)',
    description: 'Seed-compatible: `{"name": "...", "rtp_ip": "...", "rtp_port": 5000}` works unchanged; other inputs as `"input": {"type": …}`. 409 when the input\'s UDP port is taken by another channel (RTP/UDP and SRT listeners share the UDP port space), 409 LIMIT_REACHED beyond max_channels (GET /api/limits).',
  })
  @ApiResponse({ status: 201, type: ChannelResponseDto })
  @ApiErrors(400, 409)
  async create(@Body() body: CreateChannelDto, @CurrentPrincipal() principal: Principal): Promise<ChannelWithOutputsResponse> {
    return toChannelResponse(await this.channels.create(body, principal.name), principal.role, this.pipelines, this.endpoints);
  }

  @Get(':id')
  @RequirePermission('channel.read')
  @ApiOperation({ summary: 'One channel with its input settings' })
  @ApiResponse({ status: 200, type: ChannelResponseDto })
  @ApiErrors(404)
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<ChannelWithOutputsResponse> {
    return toChannelResponse(await this.channels.get(id), principal.role, this.pipelines, this.endpoints);
  }

  @Patch(':id')
  @RequirePermission('channel.write')
  @ApiOperation({ summary: 'Change a channel (only the fields given)' })
  @ApiResponse({ status: 200, type: ChannelResponseDto })
  @ApiErrors(400, 404, 409)
  async update(@Param('id') id: string, @Body() body: UpdateChannelDto, @CurrentPrincipal() principal: Principal): Promise<ChannelWithOutputsResponse> {
    const channel = await this.channels.update(id, body, principal.name);
    return toChannelResponse(channel, principal.role, this.pipelines, this.endpoints);
  }

  @Post(':id/input/rotate-key')
  @HttpCode(200)
  @RequirePermission('channel.write')
  @ApiOperation({
    summary: 'RTMP input: make a new stream key',
    description: 'The old key stops working at once: a publisher using it is disconnected and must be given the new publish_url. `{"input": "backup"}` rotates the key of an RTMP backup input.',
  })
  @ApiResponse({ status: 200, type: ChannelResponseDto })
  @ApiErrors(400, 404, 409)
  async rotateStreamKey(@Param('id') id: string, @Body() body: RotateStreamKeyDto, @CurrentPrincipal() principal: Principal): Promise<ChannelWithOutputsResponse> {
    return toChannelResponse(await this.channels.rotateStreamKey(id, body?.input ?? 'main', principal.name), principal.role, this.pipelines, this.endpoints);
  }

  @Post(':id/input/switch')
  @HttpCode(200)
  @RequirePermission('channel.control')
  @ApiOperation({
    summary: 'Main/backup: force an input on air, or return to automatic',
    description:
      '`{"to": "backup"}` puts the backup on air (at its next key frame) and keeps it there, whatever the main does, until `{"to": "auto"}`; `main` likewise. Stored with the channel. Outputs never restart. 409 on a channel without a backup input or in merge mode.',
  })
  @ApiResponse({ status: 200, type: ChannelResponseDto })
  @ApiErrors(400, 404, 409)
  async switchInput(@Param('id') id: string, @Body() body: SwitchInputDto, @CurrentPrincipal() principal: Principal): Promise<ChannelWithOutputsResponse> {
    return toChannelResponse(await this.channels.selectInput(id, body.to, principal.name), principal.role, this.pipelines, this.endpoints);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('channel.write')
  @ApiOperation({ summary: 'Delete a channel and all its outputs' })
  @ApiResponse({ status: 204 })
  @ApiErrors(404)
  async remove(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.channels.remove(id, principal.name);
  }

  @Post(':id/start')
  @HttpCode(200)
  @RequirePermission('channel.control')
  @ApiOperation({ summary: 'Start the channel: receive its input and feed its outputs', description: 'Refused with 409 LIMIT_REACHED when its SRT/RTMP outputs would exceed max_child_processes (GET /api/limits).' })
  @ApiResponse({ status: 200, type: ChannelResponseDto })
  @ApiErrors(404, 409)
  async start(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<ChannelWithOutputsResponse> {
    const channel = await this.channels.setDesiredState(id, 'running', principal.name);
    return toChannelResponse(channel, principal.role, this.pipelines, this.endpoints);
  }

  @Post(':id/stop')
  @HttpCode(200)
  @RequirePermission('channel.control')
  @ApiOperation({ summary: 'Stop the channel and all its outputs' })
  @ApiResponse({ status: 200, type: ChannelResponseDto })
  @ApiErrors(404)
  async stop(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<ChannelWithOutputsResponse> {
    const channel = await this.channels.setDesiredState(id, 'stopped', principal.name);
    return toChannelResponse(channel, principal.role, this.pipelines, this.endpoints);
  }
}
