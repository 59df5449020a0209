import { Injectable } from '@nestjs/common';
import type { MediaLiveFixResponse, MediaLiveLinkResponse, MediaLivePreflightResponse } from '@mld/contracts';
import type { ChannelEntity } from '../channels/channel.entity.js';
import { DomainError } from '../common/domain-error.js';
import { EDITABLE_STATES } from './medialive.model.js';
import { planFix } from './fix-plan.js';
import { isMulticast, parseDestination } from './preflight.js';
import { MediaLiveService, presentLink } from './medialive.service.js';

export interface LinkResult {
  link: MediaLiveLinkResponse;
  channel: { id: string; name: string; input_type: string; bind_ip: string; port: number; created: boolean };
  preflight: MediaLivePreflightResponse;
  /** How the two pipelines were wired, said plainly. */
  note: string;
}

/** Link a MediaLive channel to one of ours, and Fix MediaLive's destinations to match it. */
@Injectable()
export class MediaLiveWiringService {
  constructor(private readonly medialive: MediaLiveService) {}

  async link(id: string, channelId: string | undefined, actor: string): Promise<LinkResult> {
    const described = await this.medialive.describe(id, true);
    const output = described.udpOutputs[0];
    if (!output) throw DomainError.conflict(`MediaLive channel "${described.name}" has no UDP output group to link (add one that sends rtp:// or udp:// to this node)`, 'id');
    const pipeline0 = output.urls[0] ?? '';
    const destination = parseDestination(pipeline0);
    if (!destination) throw DomainError.conflict(`pipeline 0 destination "${pipeline0}" is not an rtp:// or udp:// URL with an IPv4 address and port; set Destinations["${output.destinationId}"].Settings[0].Url`, 'id');
    // Bind the destination address when it is ours (or a group); otherwise it is NAT'ed to us: bind all.
    const bindOf = (host: string): string => (this.medialive.addresses().includes(host) || isMulticast(host) ? host : '0.0.0.0');
    // Pipeline 1 (STANDARD channels) becomes the backup input (docs/redundancy.md), on a port of its own.
    const pipeline1 = output.urls[1] ? parseDestination(output.urls[1]) : null;
    const backupOk = pipeline1 !== null && pipeline1.port !== destination.port;
    const input = {
      input_type: destination.scheme,
      bind_ip: bindOf(destination.host),
      port: destination.port,
      ...(backupOk ? { backup_input: { type: pipeline1.scheme, bind_ip: bindOf(pipeline1.host), port: pipeline1.port } } : {}),
    };
    const note = backupOk
      ? `pipeline 0 is wired to the main input, pipeline 1 to the backup input (failover: the outputs move to pipeline 1 when pipeline 0 fails)`
      : pipeline1
        ? `pipeline 0 is wired to the main input; pipeline 1 sends to the same port (${pipeline1.port}) and is not received: give it a port of its own to use it as the backup input`
        : 'pipeline 0 is wired to the main input; there is no pipeline 1 (SINGLE_PIPELINE): no backup input';
    const existing = await this.medialive.links.findOneBy({ medialiveChannelId: id });
    let channel: ChannelEntity;
    let created = false;
    if (channelId !== undefined) {
      const other = await this.medialive.otherLinkFor(channelId, id);
      if (other) throw DomainError.conflict(`channel is already fed by MediaLive channel "${other.medialiveName}" (${other.medialiveChannelId}); unlink it first`, 'channel_id');
      channel = await this.medialive.channels.update(channelId, input, actor);
    } else if (existing) {
      channel = await this.medialive.channels.update(existing.channelId, input, actor);
    } else {
      channel = await this.medialive.channels.create({ name: await this.freeName(described.name, id), description: `fed by AWS MediaLive channel "${described.name}" (${id})`, ...input }, actor);
      created = true;
    }
    if (existing && existing.channelId !== channel.id) await this.medialive.links.delete({ medialiveChannelId: id });
    await this.medialive.links.save(
      this.medialive.links.create({ medialiveChannelId: id, channelId: channel.id, medialiveName: described.name.slice(0, 256), pipeline0Url: pipeline0, pipeline1Url: output.urls[1] || null, linkedBy: actor.slice(0, 100) }),
    );
    const link = await this.medialive.links.findOneByOrFail({ medialiveChannelId: id });
    return {
      link: presentLink(link, channel.name),
      channel: { id: channel.id, name: channel.name, input_type: channel.inputType, bind_ip: channel.bindIp ?? input.bind_ip, port: channel.port ?? input.port, created },
      preflight: await this.medialive.preflight(id, described),
      note,
    };
  }

  async unlink(id: string): Promise<void> {
    const result = await this.medialive.links.delete({ medialiveChannelId: id });
    if (!result.affected) throw DomainError.notFound('MediaLive link', id);
  }

  /** The diff (apply=false), or the diff applied with UpdateChannel (only while stopped). */
  async fix(id: string, apply: boolean): Promise<MediaLiveFixResponse> {
    const link = await this.medialive.links.findOneBy({ medialiveChannelId: id });
    if (!link) throw DomainError.conflict(`MediaLive channel ${id} is not linked to a channel of ours: link it first`, 'id');
    const ours = await this.medialive.channels.get(link.channelId);
    if ((ours.inputType !== 'rtp' && ours.inputType !== 'udp') || ours.bindIp === null || ours.port === null) {
      throw DomainError.conflict(`channel "${ours.name}" has a ${ours.inputType} input: MediaLive sends RTP or UDP, so its destinations cannot point at it; give the channel an RTP/UDP input or unlink`, 'id');
    }
    const described = await this.medialive.describe(id, true);
    const plan = planFix(described, { id: ours.id, name: ours.name, inputType: ours.inputType, bindIp: ours.bindIp, port: ours.port }, this.medialive.addresses());
    if (!apply || plan.changes.length === 0) return { medialive_channel_id: id, applied: false, changes: plan.changes };
    if (!EDITABLE_STATES.has(described.state)) {
      throw DomainError.conflict(`MediaLive channel "${described.name}" is ${described.state}: MediaLive edits only stopped channels; stop it, then fix`, 'state');
    }
    const gateway = await this.medialive.requireGateway();
    const updated = await this.medialive.call(() => gateway.updateChannel(id, plan.edit));
    this.medialive.invalidate(id);
    const url = updated.udpOutputs[0]?.urls[0];
    if (url) await this.medialive.links.update({ medialiveChannelId: id }, { pipeline0Url: url });
    return { medialive_channel_id: id, applied: true, changes: plan.changes };
  }

  private async freeName(name: string, id: string): Promise<string> {
    const base = `medialive ${name}`.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 100);
    const taken = (await this.medialive.channels.list()).map((c) => c.name);
    return taken.includes(base) ? `${base.slice(0, 80)} (${id})`.slice(0, 100) : base;
  }
}
