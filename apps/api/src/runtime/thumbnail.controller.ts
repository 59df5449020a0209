import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { RequirePermission } from '../auth/permissions.decorator.js';
import { ThumbnailService } from './thumbnail.service.js';

@ApiTags('preview')
@ApiBearerAuth()
@ApiErrors(401, 403, 404, 409, 503)
@Controller('channels/:id/thumbnail')
export class ThumbnailController {
  constructor(private readonly thumbnails: ThumbnailService) {}

  @Get()
  @RequirePermission('channel.read')
  @ApiOperation({
    summary: "A JPEG (320 px wide) of a running channel's latest key frame",
    description:
      'Made on demand from one key frame (IDR) of the input, never by decoding the stream: the first request makes the channel keep its latest key frame for 30 s (and may wait up to 4 s for one), FFmpeg decodes that one picture, and requests within 5 s get the same image. Nothing runs while nobody asks. X-Thumbnail-At (and Last-Modified) say when the key frame arrived. 409 while the channel is stopped or no key frame arrives.',
  })
  @ApiProduces('image/jpeg')
  @ApiResponse({ status: 200, description: 'The JPEG' })
  async thumbnail(@Param('id') id: string, @Res() response: Response): Promise<void> {
    const { jpeg, at } = await this.thumbnails.thumbnail(id);
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Last-Modified', at.toUTCString());
    response.setHeader('X-Thumbnail-At', at.toISOString());
    response.type('image/jpeg');
    response.send(jpeg);
  }
}
