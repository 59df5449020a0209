import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { OutputResponse } from '@mld/contracts';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { RequirePermission } from '../auth/permissions.decorator.js';
import { CreateOutputDto, OutputResponseDto, UpdateOutputDto } from './dto/output.dto.js';
import { toOutputResponse } from './output.presenter.js';
import { OutputsService } from './outputs.service.js';
import { PipelinesService } from '../runtime/pipelines.service.js';
import { DomainError } from '../common/domain-error.js';

@ApiTags('outputs')
@ApiBearerAuth()
@ApiErrors(401, 403, 404)
@Controller('channels/:channelId/outputs')
export class OutputsController {
  constructor(
    private readonly outputs: OutputsService,
    private readonly pipelines: PipelinesService,
  ) {}

  @Get()
  @RequirePermission('output.read')
  @ApiOperation({ summary: "List a channel's outputs" })
  @ApiResponse({ status: 200, type: [OutputResponseDto] })
  async list(@Param('channelId') channelId: string, @CurrentPrincipal() principal: Principal): Promise<OutputResponse[]> {
    return (await this.outputs.list(channelId)).map((o) => toOutputResponse(o, principal.role, this.pipelines));
  }

  @Post()
  @RequirePermission('output.write')
  @ApiOperation({
    summary: 'Add an output to a channel',
    description: 'Seed-compatible: `{"protocol": "srt", "url": "srt://..."}` works unchanged. New outputs are wanted running: they start when the channel runs. SCTE-35 travels on srt, udp and rtp outputs, not on rtmp/rtmps. 409 LIMIT_REACHED beyond max_outputs_per_channel or max_child_processes (GET /api/limits).',
  })
  @ApiResponse({ status: 201, type: OutputResponseDto })
  @ApiErrors(400, 409)
  async create(@Param('channelId') channelId: string, @Body() body: CreateOutputDto, @CurrentPrincipal() principal: Principal): Promise<OutputResponse> {
    const output = await this.outputs.create(channelId, body, principal.name);
    return toOutputResponse(output, principal.role, this.pipelines);
  }

  @Post('start-all')
  @HttpCode(200)
  @RequirePermission('output.control')
  @ApiOperation({
    summary: 'Master start: want every enabled output of the channel running',
    description: 'All outputs or none (one transaction). Refused with 409 LIMIT_REACHED when the SRT/RTMP outputs would exceed max_child_processes.',
  })
  @ApiResponse({ status: 200, type: [OutputResponseDto] })
  @ApiErrors(409)
  async startAll(@Param('channelId') channelId: string, @CurrentPrincipal() principal: Principal): Promise<OutputResponse[]> {
    const outputs = await this.outputs.setAllDesiredState(channelId, 'running', principal.name);
    return outputs.map((o) => toOutputResponse(o, principal.role, this.pipelines));
  }

  @Post('stop-all')
  @HttpCode(200)
  @RequirePermission('output.control')
  @ApiOperation({ summary: 'Master stop: stop every output of the channel (the input keeps running)', description: 'All outputs or none (one transaction).' })
  @ApiResponse({ status: 200, type: [OutputResponseDto] })
  async stopAll(@Param('channelId') channelId: string, @CurrentPrincipal() principal: Principal): Promise<OutputResponse[]> {
    const outputs = await this.outputs.setAllDesiredState(channelId, 'stopped', principal.name);
    return outputs.map((o) => toOutputResponse(o, principal.role, this.pipelines));
  }

  @Get(':outputId')
  @RequirePermission('output.read')
  @ApiOperation({ summary: 'One output of a channel (secrets masked for roles that may not see them)' })
  @ApiResponse({ status: 200, type: OutputResponseDto })
  async get(@Param('channelId') channelId: string, @Param('outputId') outputId: string, @CurrentPrincipal() principal: Principal): Promise<OutputResponse> {
    return toOutputResponse(await this.outputs.get(channelId, outputId), principal.role, this.pipelines);
  }

  @Patch(':outputId')
  @RequirePermission('output.write')
  @ApiOperation({ summary: 'Change an output (only the fields given); `options` replaces the whole options object' })
  @ApiResponse({ status: 200, type: OutputResponseDto })
  @ApiErrors(400, 409)
  async update(
    @Param('channelId') channelId: string,
    @Param('outputId') outputId: string,
    @Body() body: UpdateOutputDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<OutputResponse> {
    const output = await this.outputs.update(channelId, outputId, body, principal.name);
    return toOutputResponse(output, principal.role, this.pipelines);
  }

  @Delete(':outputId')
  @HttpCode(204)
  @RequirePermission('output.write')
  @ApiOperation({ summary: 'Remove an output; the other outputs are not touched' })
  @ApiResponse({ status: 204 })
  async remove(@Param('channelId') channelId: string, @Param('outputId') outputId: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.outputs.remove(channelId, outputId, principal.name);
  }

  @Post(':outputId/start')
  @HttpCode(200)
  @RequirePermission('output.control')
  @ApiOperation({ summary: 'Want this output running (it streams while its channel runs)' })
  @ApiResponse({ status: 200, type: OutputResponseDto })
  @ApiErrors(409)
  async start(@Param('channelId') channelId: string, @Param('outputId') outputId: string, @CurrentPrincipal() principal: Principal): Promise<OutputResponse> {
    const output = await this.outputs.setDesiredState(channelId, outputId, 'running', principal.name);
    return toOutputResponse(output, principal.role, this.pipelines);
  }

  @Post(':outputId/retry')
  @HttpCode(200)
  @RequirePermission('output.control')
  @ApiOperation({ summary: 'Retry now: skip the backoff wait of a failing output (or restart a failed one)' })
  @ApiResponse({ status: 200, type: OutputResponseDto })
  @ApiErrors(409)
  async retry(@Param('channelId') channelId: string, @Param('outputId') outputId: string, @CurrentPrincipal() principal: Principal): Promise<OutputResponse> {
    const output = await this.outputs.get(channelId, outputId);
    if (!this.pipelines.retryOutput(channelId, outputId)) {
      throw DomainError.conflict(`output "${output.name}" is not running: start its channel and the output first`);
    }
    return toOutputResponse(output, principal.role, this.pipelines);
  }

  @Post(':outputId/stop')
  @HttpCode(200)
  @RequirePermission('output.control')
  @ApiOperation({ summary: 'Stop this output only' })
  @ApiResponse({ status: 200, type: OutputResponseDto })
  async stop(@Param('channelId') channelId: string, @Param('outputId') outputId: string, @CurrentPrincipal() principal: Principal): Promise<OutputResponse> {
    const output = await this.outputs.setDesiredState(channelId, outputId, 'stopped', principal.name);
    return toOutputResponse(output, principal.role, this.pipelines);
  }
}
