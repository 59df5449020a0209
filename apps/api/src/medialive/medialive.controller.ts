import { applyDecorators, Body, Controller, Delete, Get, HttpCode, Param, type PipeTransform, Post } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { MediaLiveActionResponse, MediaLiveAlertResponse, MediaLiveChannelResponse, MediaLiveFixResponse, MediaLiveInputResponse, MediaLivePreflightResponse, MediaLiveStatus } from '@mld/contracts';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { RequirePermission } from '../auth/permissions.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { CreateMediaLiveInputDto, LinkMediaLiveDto, StartMediaLiveDto } from './dto/medialive-request.dto.js';
import { MediaLiveActionDto, MediaLiveAlertDto, MediaLiveChannelDto, MediaLiveFixDto, MediaLiveInputDto, MediaLiveLinkResultDto, MediaLivePreflightDto, MediaLiveStatusDto } from './dto/medialive-response.dto.js';
import { MediaLiveTransitionsService } from './medialive-transitions.service.js';
import { MediaLiveWiringService, type LinkResult } from './medialive-wiring.service.js';
import { MediaLiveService } from './medialive.service.js';

/** The errors every AWS-backed route can answer besides auth: bad id, disabled, throttled, unreachable. */
const AwsErrors = () =>
  applyDecorators(
    ApiResponse({ status: 400, description: 'The id is not a MediaLive id (digits only)', type: ErrorResponseDto }),
    ApiResponse({ status: 409, description: 'The MediaLive module is disabled (no AWS_REGION or credentials): code MODULE_DISABLED, the message says how to enable it', type: ErrorResponseDto }),
    ApiResponse({ status: 429, description: 'MediaLive throttled the request even after retries with backoff; try again shortly', type: ErrorResponseDto }),
    ApiResponse({ status: 503, description: 'AWS cannot be reached, or our IAM policy does not allow the call', type: ErrorResponseDto }),
  );

/** MediaLive channel and input ids are decimal numbers ("1234567"); anything else never reaches AWS or the database. */
class MediaLiveIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !/^[0-9]{1,32}$/.test(value)) throw DomainError.validation([{ field: 'id', message: 'id must be a MediaLive id (digits only)' }]);
    return value;
  }
}

@ApiTags('medialive')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller('medialive')
export class MediaLiveController {
  constructor(
    private readonly medialive: MediaLiveService,
    private readonly wiring: MediaLiveWiringService,
    private readonly transitions: MediaLiveTransitionsService,
  ) {}

  @Get('status')
  @RequirePermission('medialive.read')
  @ApiOperation({ summary: 'Whether the MediaLive module is enabled, and how to enable it when not' })
  @ApiResponse({ status: 200, type: MediaLiveStatusDto })
  status(): Promise<MediaLiveStatus> {
    return this.medialive.status();
  }

  @Get('channels')
  @RequirePermission('medialive.read')
  @ApiOperation({ summary: 'MediaLive channels with state, pipelines and UDP destinations (cached briefly)' })
  @ApiResponse({ status: 200, type: [MediaLiveChannelDto] })
  @AwsErrors()
  list(): Promise<MediaLiveChannelResponse[]> {
    return this.medialive.listChannels();
  }

  @Get('channels/:id')
  @RequirePermission('medialive.read')
  @ApiOperation({ summary: 'One MediaLive channel with its UDP output settings' })
  @ApiResponse({ status: 200, type: MediaLiveChannelDto })
  @ApiErrors(400, 404)
  @AwsErrors()
  get(@Param('id', new MediaLiveIdPipe()) id: string): Promise<MediaLiveChannelResponse> {
    return this.medialive.getChannel(id);
  }

  @Get('channels/:id/preflight')
  @RequirePermission('medialive.read')
  @ApiOperation({ summary: 'Checks that the channel feeds us correctly, each with the MediaLive setting to change' })
  @ApiResponse({ status: 200, type: MediaLivePreflightDto })
  @ApiErrors(400, 404)
  @AwsErrors()
  preflight(@Param('id', new MediaLiveIdPipe()) id: string): Promise<MediaLivePreflightResponse> {
    return this.medialive.preflight(id);
  }

  @Get('channels/:id/alerts')
  @RequirePermission('medialive.read')
  @ApiOperation({ summary: "The channel's active MediaLive alerts" })
  @ApiResponse({ status: 200, type: [MediaLiveAlertDto] })
  @ApiErrors(404)
  @AwsErrors()
  alerts(@Param('id', new MediaLiveIdPipe()) id: string): Promise<MediaLiveAlertResponse[]> {
    return this.medialive.alerts(id);
  }

  @Post('channels/:id/start')
  @HttpCode(202)
  @RequirePermission('medialive.control')
  @ApiOperation({ summary: 'Start the MediaLive channel; returns at once, progress arrives as medialive.progress over Socket.IO' })
  @ApiResponse({ status: 202, type: MediaLiveActionDto })
  @ApiErrors(404, 409)
  @AwsErrors()
  start(@Param('id', new MediaLiveIdPipe()) id: string, @Body() body: StartMediaLiveDto, @CurrentPrincipal() principal: Principal): Promise<MediaLiveActionResponse> {
    return this.transitions.run(id, 'start', principal.name, body.with_channel === true);
  }

  @Post('channels/:id/stop')
  @HttpCode(202)
  @RequirePermission('medialive.control')
  @ApiOperation({ summary: 'Stop the MediaLive channel; progress arrives as medialive.progress over Socket.IO' })
  @ApiResponse({ status: 202, type: MediaLiveActionDto })
  @ApiErrors(404, 409)
  @AwsErrors()
  stop(@Param('id', new MediaLiveIdPipe()) id: string, @CurrentPrincipal() principal: Principal): Promise<MediaLiveActionResponse> {
    return this.transitions.run(id, 'stop', principal.name);
  }

  @Post('channels/:id/link')
  @HttpCode(200)
  @RequirePermission('medialive.write')
  @ApiOperation({ summary: "Make our channel's input match pipeline 0's destination (creating the channel when channel_id is omitted)" })
  @ApiResponse({ status: 200, type: MediaLiveLinkResultDto })
  @ApiErrors(400, 404, 409)
  @AwsErrors()
  link(@Param('id', new MediaLiveIdPipe()) id: string, @Body() body: LinkMediaLiveDto, @CurrentPrincipal() principal: Principal): Promise<LinkResult> {
    return this.wiring.link(id, body.channel_id, principal.name);
  }

  @Delete('channels/:id/link')
  @HttpCode(204)
  @RequirePermission('medialive.write')
  @ApiOperation({ summary: 'Forget the link (our channel stays as it is)' })
  @ApiResponse({ status: 204 })
  @ApiErrors(404)
  unlink(@Param('id', new MediaLiveIdPipe()) id: string): Promise<void> {
    return this.wiring.unlink(id);
  }

  @Get('channels/:id/fix')
  @RequirePermission('medialive.write')
  @ApiOperation({ summary: 'What Fix would change in MediaLive (the diff), without changing it' })
  @ApiResponse({ status: 200, type: MediaLiveFixDto })
  @ApiErrors(404, 409)
  @AwsErrors()
  planFix(@Param('id', new MediaLiveIdPipe()) id: string): Promise<MediaLiveFixResponse> {
    return this.wiring.fix(id, false);
  }

  @Post('channels/:id/fix')
  @HttpCode(200)
  @RequirePermission('medialive.write')
  @ApiOperation({ summary: "Rewrite the UDP destination (and SCTE-35 passthrough) to match the linked channel; MediaLive channel must be stopped" })
  @ApiResponse({ status: 200, type: MediaLiveFixDto })
  @ApiErrors(400, 404, 409)
  @AwsErrors()
  fix(@Param('id', new MediaLiveIdPipe()) id: string): Promise<MediaLiveFixResponse> {
    return this.wiring.fix(id, true);
  }

  @Post('inputs')
  @RequirePermission('medialive.write')
  @ApiOperation({ summary: 'Create a MediaLive input (RTP_PUSH, RTMP_PUSH with a security group from cidrs, or SRT_CALLER) and show its endpoints' })
  @ApiResponse({ status: 201, type: MediaLiveInputDto })
  @ApiErrors(400)
  @AwsErrors()
  createInput(@Body() body: CreateMediaLiveInputDto): Promise<MediaLiveInputResponse> {
    return this.medialive.createInput({
      name: body.name,
      type: body.type,
      cidrs: body.cidrs,
      streamNames: body.stream_names,
      srtListener: body.type === 'SRT_CALLER' ? { address: body.srt_listener_address!, port: body.srt_listener_port!, ...(body.stream_id ? { streamId: body.stream_id } : {}) } : undefined,
    });
  }
}
