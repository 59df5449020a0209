import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { RequirePermission } from '../auth/permissions.decorator.js';
import { LimitsResponseDto, UpdateLimitsDto } from './dto/limits.dto.js';
import { LimitsService, type LimitsView } from './limits.service.js';

function toResponse(view: LimitsView): LimitsResponseDto {
  return {
    max_channels: view.maxChannels,
    max_outputs_per_channel: view.maxOutputsPerChannel,
    max_child_processes: view.maxChildProcesses,
    usage: { channels: view.usage.channels, max_outputs_in_a_channel: view.usage.maxOutputsInAChannel, child_processes: view.usage.childProcesses },
    updated_at: view.updatedAt?.toISOString() ?? null,
    updated_by: view.updatedBy,
  };
}

@ApiTags('limits')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller('limits')
export class LimitsController {
  constructor(private readonly limits: LimitsService) {}

  @Get()
  @RequirePermission('system.read')
  @ApiOperation({
    summary: "This node's limits and how much of each is used",
    description: 'Creating a channel or an output, or starting outputs, beyond a limit answers 409 with code LIMIT_REACHED naming the limit.',
  })
  @ApiResponse({ status: 200, type: LimitsResponseDto })
  async get(): Promise<LimitsResponseDto> {
    return toResponse(await this.limits.view());
  }

  @Put()
  @RequirePermission('system.write')
  @ApiOperation({
    summary: 'Change the limits (admin); omitted fields keep their value',
    description: 'Lowering a limit below what is in use refuses new channels, outputs or starts; what exists and runs is left alone.',
  })
  @ApiResponse({ status: 200, type: LimitsResponseDto })
  @ApiErrors(400)
  async update(@Body() body: UpdateLimitsDto, @CurrentPrincipal() principal: Principal): Promise<LimitsResponseDto> {
    return toResponse(
      await this.limits.update({ maxChannels: body.max_channels, maxOutputsPerChannel: body.max_outputs_per_channel, maxChildProcesses: body.max_child_processes }, principal.name),
    );
  }
}
