import { Controller, Delete, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { WHIP_MAX_OFFER_BYTES } from '@mld/dataplane';
import type { Request, Response } from 'express';
import { Public } from '../auth/permissions.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { DomainError } from '../common/domain-error.js';
import { WhipService, type WhipInputRole } from './whip.service.js';

/**
 * The WHIP endpoint of a channel (RFC 9725). Outside the JWT guard (@Public): publishers are
 * browsers and encoders that carry the channel's bearer token, not a user session.
 */
@ApiTags('whip')
@ApiBearerAuth('whip')
@Controller('channels/:id/whip')
export class WhipController {
  constructor(private readonly whip: WhipService) {}

  @Post()
  @Public()
  @ApiOperation({
    summary: 'WHIP: publish to a channel’s WebRTC input (RFC 9725)',
    description:
      'Body: the SDP offer (Content-Type: application/sdp), with `Authorization: Bearer <token>` (the input’s token). 201 answers the SDP; `Location` is the session, DELETE it to stop. Video must be H.264 Constrained Baseline or Main, packetization-mode 1 (it is not transcoded); audio Opus (encoded to AAC). One publisher at a time: 409 while another is live. `?input=backup` publishes to a WHIP backup input.',
  })
  @ApiConsumes('application/sdp')
  @ApiProduces('application/sdp')
  @ApiBody({ schema: { type: 'string', description: 'SDP offer' } })
  @ApiResponse({ status: 201, description: 'The SDP answer; Location: the session resource', schema: { type: 'string' } })
  @ApiErrors(400, 401, 404, 409, 413, 415, 503)
  async offer(@Param('id') id: string, @Query('input') input: string | undefined, @Headers('authorization') authorization: string | undefined, @Req() request: Request, @Res() response: Response): Promise<void> {
    const which = role(input);
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/sdp') throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'a WHIP offer is sent as Content-Type: application/sdp');
    const sdp = await readBody(request, WHIP_MAX_OFFER_BYTES);
    const answer = await this.whip.offer(id, which, authorization, sdp, clientAddress(request));
    const location = `/api/channels/${id}/whip/${answer.sessionId}${which === 'backup' ? '?input=backup' : ''}`;
    response.status(201).setHeader('Content-Type', 'application/sdp').setHeader('Location', location).send(answer.sdp);
  }

  @Delete(':sessionId')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'WHIP: end a publishing session', description: 'With the same bearer token as the offer.' })
  @ApiResponse({ status: 200, description: 'The session ended' })
  @ApiErrors(401, 404)
  async end(@Param('id') id: string, @Param('sessionId') sessionId: string, @Query('input') input: string | undefined, @Headers('authorization') authorization: string | undefined, @Req() request: Request): Promise<void> {
    await this.whip.end(id, role(input), sessionId, authorization, clientAddress(request));
  }
}

function role(input: string | undefined): WhipInputRole {
  if (input === undefined || input === 'main') return 'main';
  if (input === 'backup') return 'backup';
  throw DomainError.validation([{ field: 'input', message: 'input must be "main" or "backup"' }]);
}

function clientAddress(request: Request): string {
  return request.ip ?? request.socket.remoteAddress ?? 'unknown';
}

/** The raw offer (the JSON parser leaves other types unread), bounded. */
function readBody(request: Request, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new DomainError('PAYLOAD_TOO_LARGE', `a WHIP offer is at most ${limit} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
