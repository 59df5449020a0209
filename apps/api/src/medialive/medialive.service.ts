import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { MediaLiveAlertResponse, MediaLiveChannelResponse, MediaLiveInputResponse, MediaLiveLinkResponse, MediaLivePreflightResponse, MediaLiveStatus } from '@mld/contracts';
import { Not, Repository } from 'typeorm';
import { ChannelsService } from '../channels/channels.service.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EventLogService } from '../event-log/event-log.service.js';
import { DISABLED_HINT, mapped } from './medialive-errors.js';
import { MediaLiveLinkEntity } from './medialive-link.entity.js';
import { MEDIALIVE_GATEWAY, MediaLiveError, type MediaLiveGateway, type MlChannel, type MlInputRequest } from './medialive.model.js';
import { NODE_ADDRESSES, type NodeAddresses } from './node-addresses.js';
import { parseDestination, preflight, type OurChannelRef } from './preflight.js';
import { TtlCache } from './ttl-cache.js';

const CREDENTIALS_RECHECK_MS = 60_000;

/** List, inspect, preflight, alerts and inputs; the one place that asks MediaLive for channel state. */
@Injectable()
export class MediaLiveService {
  private readonly logger = new Logger('MediaLive');
  private readonly listCache: TtlCache<MlChannel[]>;
  private readonly describeCache: TtlCache<MlChannel>;
  private credentials: { at: number; error: string | null } | undefined;
  private lastThrottledAt: Date | null = null;
  private readonly alertsSeen = new Set<string>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MEDIALIVE_GATEWAY) private readonly gateway: MediaLiveGateway | null,
    @Inject(NODE_ADDRESSES) readonly addresses: NodeAddresses,
    @InjectRepository(MediaLiveLinkEntity) readonly links: Repository<MediaLiveLinkEntity>,
    readonly channels: ChannelsService,
    private readonly eventLog: EventLogService,
  ) {
    this.listCache = new TtlCache(config.medialive.cacheMs);
    this.describeCache = new TtlCache(config.medialive.cacheMs);
  }

  async status(): Promise<MediaLiveStatus> {
    const { region, endpoint } = this.config.medialive;
    if (!this.gateway || !region) return { enabled: false, reason: `AWS_REGION is not set: the MediaLive module is off. To enable it, ${DISABLED_HINT}` };
    const credentialsError = await this.credentialsError();
    if (credentialsError) return { enabled: false, region, endpoint: endpoint ?? null, reason: `${credentialsError}. To enable it, ${DISABLED_HINT}` };
    return { enabled: true, region, endpoint: endpoint ?? null, last_throttled_at: this.lastThrottledAt?.toISOString() ?? null };
  }

  /** The gateway, or 409 MODULE_DISABLED naming how to enable the module (disabled is a setting, not a fault). */
  async requireGateway(): Promise<MediaLiveGateway> {
    const status = await this.status();
    if (!status.enabled || !this.gateway) throw new DomainError('MODULE_DISABLED', `MediaLive module disabled: ${status.reason ?? DISABLED_HINT}`);
    return this.gateway;
  }

  /** Every channel, over all pages of nextToken; cached briefly. */
  async listChannels(): Promise<MediaLiveChannelResponse[]> {
    const gateway = await this.requireGateway();
    const channels = await this.listCache.get('all', () => this.loadAll(gateway));
    const links = await this.links.find({ relations: { channel: true } });
    return channels.map((c) => this.present(c, links.find((l) => l.medialiveChannelId === c.id) ?? null));
  }

  async getChannel(id: string): Promise<MediaLiveChannelResponse> {
    const channel = await this.describe(id);
    return this.present(channel, await this.links.findOne({ where: { medialiveChannelId: id }, relations: { channel: true } }));
  }

  /** DescribeChannel, cached briefly unless `fresh` (before a change). */
  async describe(id: string, fresh = false): Promise<MlChannel> {
    if (!/^[\w-]{1,64}$/.test(id)) throw DomainError.validation([{ field: 'id', message: 'a MediaLive channel id is 1-64 letters, digits, "-" or "_"' }]);
    const gateway = await this.requireGateway();
    if (fresh) this.describeCache.invalidate(id);
    return this.describeCache.get(id, () => this.call(() => gateway.describeChannel(id)));
  }

  invalidate(id?: string): void {
    this.listCache.invalidate();
    if (id) this.describeCache.invalidate(id);
    else this.describeCache.invalidate();
  }

  async preflight(id: string, channel?: MlChannel): Promise<MediaLivePreflightResponse> {
    const described = channel ?? (await this.describe(id));
    const link = await this.links.findOneBy({ medialiveChannelId: id });
    // MediaLive sends RTP/UDP: only such channels can be its destination.
    const ours: OurChannelRef[] = (await this.channels.list()).flatMap((c) => {
      if ((c.inputType !== 'rtp' && c.inputType !== 'udp') || c.bindIp === null || c.port === null) return [];
      const b = c.backupInput;
      const backup = b && (b.type === 'rtp' || b.type === 'udp') ? { inputType: b.type, bindIp: b.bind_ip, port: b.port } : null;
      return [{ id: c.id, name: c.name, inputType: c.inputType, bindIp: c.bindIp, port: c.port, backup }];
    });
    const others = (await this.listCached()).filter((c) => c.id !== id);
    const result = preflight({
      channel: described,
      linked: link ? (ours.find((c) => c.id === link.channelId) ?? null) : null,
      ourChannels: ours,
      otherMediaLive: others.map((c) => ({
        id: c.id,
        name: c.name,
        ports: c.udpOutputs.flatMap((o) => o.urls.map((u) => parseDestination(u)?.port).filter((p): p is number => p !== undefined)),
        fec: c.udpOutputs.some((o) => o.fec !== null),
      })),
      localAddresses: this.addresses(),
    });
    return { medialive_channel_id: id, ...result };
  }

  async alerts(id: string): Promise<MediaLiveAlertResponse[]> {
    const gateway = await this.requireGateway();
    const alerts = await this.call(() => gateway.listAlerts(id));
    const link = await this.links.findOneBy({ medialiveChannelId: id });
    for (const alert of alerts) {
      if (this.alertsSeen.has(alert.id)) continue;
      this.alertsSeen.add(alert.id);
      void this.eventLog.record({
        type: 'medialive.alert',
        severity: 'warning',
        channelId: link?.channelId ?? null,
        message: `MediaLive channel ${id} pipeline ${alert.pipeline}: ${alert.type}: ${alert.message}`,
        details: { medialive_channel_id: id, alert_id: alert.id, alert_type: alert.type, pipeline: alert.pipeline },
      });
    }
    return alerts.map((a) => ({ id: a.id, type: a.type, message: a.message, pipeline: a.pipeline, state: a.state, set_at: a.setAt?.toISOString() ?? null }));
  }

  async createInput(request: MlInputRequest & { cidrs?: string[] }): Promise<MediaLiveInputResponse> {
    const gateway = await this.requireGateway();
    const securityGroupId = request.cidrs && request.cidrs.length > 0 ? await this.call(() => gateway.createInputSecurityGroup(request.cidrs!)) : undefined;
    const input = await this.call(() => gateway.createInput({ ...request, securityGroupId }));
    return { id: input.id, name: input.name, type: input.type, state: input.state, security_group_ids: input.securityGroupIds, endpoints: input.endpoints };
  }

  /** Runs a gateway call with MediaLive errors mapped (and throttling remembered for the status). */
  call<T>(send: () => Promise<T>): Promise<T> {
    return mapped(send, () => {
      this.lastThrottledAt = new Date();
      this.logger.warn('MediaLive throttled a request after the SDK retries');
    });
  }

  private async listCached(): Promise<MlChannel[]> {
    try {
      const gateway = await this.requireGateway();
      return await this.listCache.get('all', () => this.loadAll(gateway));
    } catch {
      return []; // preflight still runs; overlap with other MediaLive channels is then unknown
    }
  }

  private loadAll(gateway: MediaLiveGateway): Promise<MlChannel[]> {
    return this.call(async () => {
      const all: MlChannel[] = [];
      let token: string | undefined;
      do {
        const page = await gateway.listChannels(token);
        all.push(...page.channels);
        token = page.nextToken;
      } while (token);
      return all;
    });
  }

  private async credentialsError(): Promise<string | null> {
    const now = Date.now();
    if (this.credentials && (this.credentials.error === null || now - this.credentials.at < CREDENTIALS_RECHECK_MS)) return this.credentials.error;
    try {
      await this.gateway!.checkCredentials();
      this.credentials = { at: now, error: null };
    } catch (error) {
      this.credentials = { at: now, error: error instanceof MediaLiveError ? error.message : 'no AWS credentials' };
    }
    return this.credentials.error;
  }

  present(channel: MlChannel, link: MediaLiveLinkEntity | null): MediaLiveChannelResponse {
    return {
      id: channel.id,
      name: channel.name,
      arn: channel.arn,
      state: channel.state,
      channel_class: channel.channelClass,
      pipelines_running: channel.pipelinesRunning,
      input_attachments: channel.inputAttachments.map((a) => ({ name: a.name, input_id: a.inputId })),
      udp_destinations: channel.udpOutputs.map((o) => ({
        output_group: o.outputGroup ?? '',
        output: o.output ?? '',
        destination_id: o.destinationId,
        urls: o.urls,
        scte35_control: o.scte35Control,
        scte35_pid: o.scte35Pid,
        fec: o.fec,
        buffer_msec: o.bufferMsec,
      })),
      link: link ? presentLink(link, '') : null,
    };
  }

  /** Links to other MediaLive channels than `id` that use the channel (one link per channel). */
  otherLinkFor(channelId: string, id: string): Promise<MediaLiveLinkEntity | null> {
    return this.links.findOneBy({ channelId, medialiveChannelId: Not(id) });
  }
}

export function presentLink(link: MediaLiveLinkEntity, channelName: string): MediaLiveLinkResponse {
  return {
    medialive_channel_id: link.medialiveChannelId,
    channel_id: link.channelId,
    channel_name: channelName || link.channel?.name || '',
    pipeline0_url: link.pipeline0Url,
    pipeline1_url: link.pipeline1Url,
    linked_at: link.linkedAt.toISOString(),
    linked_by: link.linkedBy,
  };
}
