import { Logger, type FactoryProvider } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { defaultSpawner, systemClock } from '@mld/supervisor';
import {
  createEgress,
  DataPlane,
  datagramTsSourceFactory,
  fileTsSourceFactory,
  mergedRtpSourceFactory,
  redundantSourceFactory,
  DEFAULT_CARD_FONT,
  rtmpSourceFactory,
  slateProcessFactory,
  sourceFactoryByType,
  srtSourceFactory,
  udpDatagramSourceFactory,
  WhipEndpoints,
  type EgressStateChange,
  type SourceEvent,
  type SourceFactories,
} from '@mld/dataplane';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DomainEvents } from '../events/domain-events.js';
import { ChannelCatalog } from './channel-catalog.js';
import { LEASE_VALIDITY } from './ownership/channel-ownership.js';
import type { LeaseValidity } from './ownership/lease-validity.js';
import { RtmpIngestService } from './rtmp-ingest.service.js';
import { toCueRecord, toSwitchRecord } from './runtime.presenter.js';

/** The data plane of this node: one instance for the service's lifetime, made here and nowhere else. */
export const DATA_PLANE = Symbol('DATA_PLANE');

/**
 * Builds the data plane with this node's tools and sockets, and relays what it reports
 * (input and output transitions, SCTE-35 cues) to the log and the domain event bus, named
 * from the catalog. The data plane itself knows nothing of Nest, SQL or names.
 */
export const dataPlaneProvider: FactoryProvider<DataPlane> = {
  provide: DATA_PLANE,
  inject: [APP_CONFIG, DomainEvents, ChannelCatalog, RtmpIngestService, WhipEndpoints, LEASE_VALIDITY],
  useFactory: (config: AppConfig, events: DomainEvents, catalog: ChannelCatalog, rtmp: RtmpIngestService, whip: WhipEndpoints, leases: LeaseValidity): DataPlane => {
    const logger = new Logger('Pipelines');
    const datagrams = datagramTsSourceFactory(udpDatagramSourceFactory);
    const tools = { ffmpeg: config.ffmpegPath, srtLiveTransmit: config.srtLiveTransmitPath };
    const single: SourceFactories = {
      rtp: datagrams,
      udp: datagrams,
      srt: srtSourceFactory({ command: config.srtLiveTransmitPath }),
      rtmp: rtmpSourceFactory(rtmp, { ffmpegPath: config.ffmpegPath }),
      file: fileTsSourceFactory(),
      whip: whip.factory(),
    };
    return new DataPlane({
      // A main/backup pair is made of two single inputs of any kind; a merge, of two RTP sockets.
      createSource: sourceFactoryByType({ ...single, redundant: redundantSourceFactory(sourceFactoryByType(single)), merged: mergedRtpSourceFactory(udpDatagramSourceFactory) }),
      createEgress: (output, onStateChange) => createEgress(output, { tools, onStateChange }),
      onIngestState: (channelId, from, to, detail) => {
        const channelName = catalog.channelName(channelId);
        logger.log(`channel "${channelName}" input ${from} → ${to}${detail ? `: ${detail}` : ''}`);
        events.publish('runtime.input_state', { channelId, channelName, from, to, detail });
      },
      onIngestEvent: (channelId, event) => relayIngestEvent(logger, events, catalog.channelName(channelId), channelId, event),
      onEgressState: (channelId, change) => relayEgressState(logger, events, catalog.channelName(channelId), channelId, change),
      onCue: (channelId, cue) => events.publish('runtime.scte35_cue', { channelId, channelName: catalog.channelName(channelId), cue: toCueRecord(cue) }),
      // Nothing goes out for a channel whose ownership lease this node may no longer use.
      mayEmit: (channelId) => leases.mayEmit(channelId),
      createSlate: slateProcessFactory({ ffmpegPath: config.ffmpegPath, spawner: defaultSpawner(), clock: systemClock, fontFile: DEFAULT_CARD_FONT, fontExists: existsSync }),
    });
  },
};

function relayIngestEvent(logger: Logger, events: DomainEvents, channelName: string, channelId: string, event: SourceEvent): void {
  const message = `channel "${channelName}" input: ${event.message}`;
  if (event.level === 'warn') logger.warn(message);
  else logger.log(message);
  events.publish('runtime.input_event', {
    channelId,
    channelName,
    kind: event.kind,
    level: event.level,
    message: event.message,
    peer: event.peer ?? null,
    ...(event.input ? { input: event.input } : {}),
    ...(event.switch ? { switch: toSwitchRecord(event.switch) } : {}),
    ...(event.state ? { state: event.state } : {}),
    ...(event.durationMs !== undefined ? { durationMs: event.durationMs } : {}),
  });
}

function relayEgressState(logger: Logger, events: DomainEvents, channelName: string, channelId: string, { from, to, snapshot, reason }: EgressStateChange): void {
  const message = `channel "${channelName}" output "${snapshot.name}" (${snapshot.protocol}) ${from} → ${to}${reason ? `: ${reason}` : ''}`;
  if (to === 'backoff' || to === 'failed') logger.warn(message);
  else logger.log(message);
  events.publish('runtime.output_state', {
    channelId,
    channelName,
    outputId: snapshot.id,
    outputName: snapshot.name,
    protocol: snapshot.protocol,
    from,
    to,
    reason,
    nextRetryAt: snapshot.nextRetryAt,
    restarts: snapshot.restarts,
  });
}
