import { Body, Controller, Delete, Get, HttpCode, Param, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { MediaResponse } from '@mld/contracts';
import { RequirePermission } from '../auth/permissions.decorator.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { DomainError } from '../common/domain-error.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { MediaResponseDto, UPLOAD_MEDIA_BODY_SCHEMA, UploadMediaFieldsDto } from './dto/media.dto.js';
import type { StoredUpload } from './media-files.js';
import { MediaIngest } from './media-ingest.service.js';
import { MediaLibrary } from './media-library.service.js';
import { UploadLimitInterceptor } from './upload-limit.interceptor.js';

@ApiTags('media')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller('media')
export class MediaController {
  constructor(
    private readonly library: MediaLibrary,
    private readonly ingest: MediaIngest,
  ) {}

  @Get()
  @RequirePermission('media.read')
  @ApiOperation({ summary: 'List the media library: files a channel can play as its input, newest first' })
  @ApiResponse({ status: 200, type: [MediaResponseDto] })
  list(): Promise<MediaResponse[]> {
    return this.library.list();
  }

  @Post()
  @RequirePermission('media.write')
  @UseInterceptors(UploadLimitInterceptor, FileInterceptor('file'))
  @ApiOperation({
    summary: 'Upload a media file (admin)',
    description:
      'multipart/form-data with the field `file` (and optionally `name`), streamed to disk. The type is read from the content by ffprobe: MPEG-TS is stored byte for byte; MP4/MOV with H.264 video and AAC audio (or none) is remuxed once to MPEG-TS without transcoding; anything else is refused with 415.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: UPLOAD_MEDIA_BODY_SCHEMA })
  @ApiResponse({ status: 201, type: MediaResponseDto })
  @ApiErrors(400)
  @ApiResponse({ status: 413, description: 'The file is larger than MEDIA_MAX_UPLOAD_BYTES; nothing was stored', type: ErrorResponseDto })
  @ApiResponse({ status: 415, description: 'Not a container/codec the library takes; the message names what was found and what is accepted', type: ErrorResponseDto })
  async upload(@UploadedFile() file: StoredUpload | undefined, @Body() fields: UploadMediaFieldsDto, @CurrentPrincipal() principal: Principal): Promise<MediaResponse> {
    if (!file) throw DomainError.validation([{ field: 'file', message: 'file is required: send the media as the multipart/form-data field "file"' }]);
    return this.ingest.ingest(file, fields.name, principal.name);
  }

  @Get(':id')
  @RequirePermission('media.read')
  @ApiOperation({ summary: 'One media file: its codecs, duration, size and the channels that use it' })
  @ApiResponse({ status: 200, type: MediaResponseDto })
  @ApiErrors(404)
  get(@Param('id') id: string): Promise<MediaResponse> {
    return this.library.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('media.write')
  @ApiOperation({ summary: 'Delete a media file and its stored copy (admin); refused while a channel uses it' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiErrors(404, 409)
  async remove(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.library.remove(id, principal.name);
  }
}
