import { timingSafeEqual } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { WhipEndpoints, WhipOfferError } from '@mld/dataplane';
import type { Repository } from 'typeorm';
import { inputSpecOf } from '../channels/channel-input.mapper.js';
import { ChannelEntity } from '../channels/channel.entity.js';
import { DomainError } from '../common/domain-error.js';
import { whipEndpointId } from '../runtime/pipeline-config.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OFFER_STATUS: Record<WhipOfferError['code'], DomainError['code']> = {
  malformed_sdp: 'VALIDATION_FAILED',
  no_video: 'VALIDATION_FAILED',
  unsupported_video_codec: 'VALIDATION_FAILED',
  unsupported_audio_codec: 'VALIDATION_FAILED',
  negotiation_failed: 'VALIDATION_FAILED',
  busy: 'CONFLICT',
  not_running: 'UNAVAILABLE',
};

export type WhipInputRole = 'main' | 'backup';

/**
 * WHIP (RFC 9725) for a channel's WHIP input: the bearer token is the channel's secret (checked
 * in constant time, never logged), the offer goes to the running input (WhipEndpoints). A wrong
 * token is logged with the client's address, so an operator sees who tries.
 */
@Injectable()
export class WhipService {
  private readonly logger = new Logger('Whip');

  constructor(
    @InjectRepository(ChannelEntity) private readonly channels: Repository<ChannelEntity>,
    private readonly endpoints: WhipEndpoints,
  ) {}

  async offer(channelId: string, which: WhipInputRole, authorization: string | undefined, sdp: string, clientAddress: string): Promise<{ sessionId: string; sdp: string }> {
    await this.authorise(channelId, which, authorization, clientAddress);
    try {
      return await this.endpoints.offer(whipEndpointId(channelId, which), sdp, clientAddress);
    } catch (err) {
      if (err instanceof WhipOfferError) {
        const code = OFFER_STATUS[err.code];
        throw new DomainError(code, err.message, code === 'VALIDATION_FAILED' ? [{ field: 'sdp', message: `${err.code}: ${err.message}` }] : []);
      }
      throw err;
    }
  }

  async end(channelId: string, which: WhipInputRole, sessionId: string, authorization: string | undefined, clientAddress: string): Promise<void> {
    await this.authorise(channelId, which, authorization, clientAddress);
    if (!(await this.endpoints.end(whipEndpointId(channelId, which), sessionId, `the publisher (${clientAddress}) ended the session`))) throw DomainError.notFound('WHIP session', sessionId);
  }

  private async authorise(channelId: string, which: WhipInputRole, authorization: string | undefined, clientAddress: string): Promise<void> {
    const channel = UUID.test(channelId) ? await this.channels.findOne({ where: { id: channelId } }) : null;
    if (!channel) throw DomainError.notFound('channel', channelId);
    const input = which === 'main' ? inputSpecOf(channel) : channel.backupInput;
    if (input?.type !== 'whip') throw DomainError.notFound(`WHIP ${which} input of channel`, channelId);
    const given = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
    if (!given || !sameSecret(given, input.token)) {
      this.logger.warn(`channel "${channel.name}" WHIP ${which} input: ${given ? 'wrong' : 'no'} bearer token from ${clientAddress}`);
      throw new DomainError('UNAUTHENTICATED', 'a WHIP publisher needs the channel\'s token: Authorization: Bearer <token>');
    }
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
