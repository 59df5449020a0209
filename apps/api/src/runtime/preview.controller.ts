import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { RequirePermission } from '../auth/permissions.decorator.js';
import { PreviewService } from './preview.service.js';

@ApiTags('preview')
@ApiBearerAuth()
@ApiErrors(401, 403, 404, 409)
@Controller('channels/:id/preview')
export class PreviewController {
  constructor(private readonly previews: PreviewService) {}

  @Get(':file')
  @RequirePermission('channel.read')
  @ApiOperation({
    summary: 'Closed-loop preview: live HLS of a running channel (index.m3u8, then its segments)',
    description:
      'Started on the first request for index.m3u8 (FFmpeg -c copy, no transcoding; 2 s segments), stopped a minute after the last request, and stopped with its channel (its files removed; 409 while the channel is stopped; after a restart the next playlist request starts a fresh preview). Send the same bearer token (hls.js: xhrSetup).',
  })
  @ApiProduces('application/vnd.apple.mpegurl', 'video/mp2t')
  @ApiResponse({ status: 200, description: 'Playlist or segment' })
  async file(@Param('id') id: string, @Param('file') file: string, @Res() response: Response): Promise<void> {
    const path = await this.previews.file(id, file);
    response.setHeader('Cache-Control', 'no-cache');
    response.type(file.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp2t');
    response.sendFile(path);
  }
}
