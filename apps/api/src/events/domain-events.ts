import type { InputSwitchRecord } from '@mld/contracts';
import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { MediaLiveProgress, Scte35CueRecord } from '@mld/contracts';

/** What an operator (or token) changed: `started`/`stopped` are changes of the desired state. */
export type ConfigChange = 'created' | 'updated' | 'input_changed' | 'stream_key_rotated' | 'input_selected' | 'started' | 'stopped' | 'deleted';

/** Live state transitions reported by the data plane (snapshots in the dataplane's own shape). */
export interface OutputStateEvent {
  channelId: string;
  channelName: string;
  outputId: string;
  outputName: string;
  protocol: string;
  from: string;
  to: string;
  reason: string | undefined;
  nextRetryAt: number | null;
  restarts: number;
}

export interface InputStateEvent {
  channelId: string;
  channelName: string;
  from: string;
  to: string;
  detail: string | null;
}

/** A credential's access may have changed: live connections using it are re-checked at once. */
export interface AccessChangedEvent {
  principal: 'user' | 'token';
  id: string;
  change: 'revoked' | 'role' | 'password' | 'deleted';
}

/** Something an input's transport saw that is not a state change: a peer came, left or was refused; a file looped. */
export interface InputEventRecord {
  channelId: string;
  channelName: string;
  kind: 'peer_connected' | 'peer_disconnected' | 'peer_rejected' | 'stream_restarted' | 'looped' | 'ended' | 'failover' | 'restored' | 'switched' | 'input_state' | 'slate_on' | 'slate_off' | 'video_black' | 'video_frozen' | 'video_ok';
  level: 'info' | 'warn';
  /** slate_on: how long the input had been silent; slate_off: how long the slate was on air (ms). */
  durationMs?: number;
  /** Never a secret: the sources build it from addresses and reasons only. */
  message: string;
  peer: string | null;
  /** Main/backup channels: which input the event is about. */
  input?: 'main' | 'backup';
  /** failover / restored / switched: the switch (API shape). */
  switch?: InputSwitchRecord;
  /** input_state: that one input's transition. */
  state?: { from: string; to: string; detail: string | null };
  /** Recorded as the event's details as they are (video_*: the condition, its duration, the picture's statistics). */
  details?: Record<string, string | number | boolean | null>;
}

export interface DomainEventMap {
  'auth.access_changed': AccessChangedEvent;
  'runtime.output_state': OutputStateEvent;
  'runtime.input_state': InputStateEvent;
  'runtime.input_event': InputEventRecord;
  /** The RTMP server refused a publisher (wrong key, wrong application, limits): no channel is named, the key never. */
  'runtime.rtmp_rejected': { clientAddress: string; kind: string; reason: string };
  'runtime.scte35_cue': { channelId: string; channelName: string; cue: Scte35CueRecord };
  /** `detail`: what changed, in words an operator reads (never a secret), e.g. "input rtp 0.0.0.0:5000 → srt listener 0.0.0.0:9000". */
  'channel.changed': { channelId: string; name: string; change: ConfigChange; actor: string; detail?: string };
  'channel.deleted': { channelId: string; name: string; change: 'deleted'; actor: string };
  'output.changed': { channelId: string; outputId: string; name: string; change: ConfigChange; actor: string };
  'output.deleted': { channelId: string; outputId: string; name: string; change: 'deleted'; actor: string };
  /** A file added to or removed from the media library; `summary` says what was stored. */
  'media.changed': { mediaId: string; name: string; change: 'created' | 'deleted'; actor: string; summary?: string };
  /** A MediaLive start/stop in progress (for the socket gateway). */
  'medialive.progress': MediaLiveProgress;
}

/**
 * In-process bus for what happened in the domain. Services publish; the data plane and the
 * socket gateway subscribe. Nothing here knows about HTTP or sockets.
 */
@Injectable()
export class DomainEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(100);
  }

  publish<K extends keyof DomainEventMap>(name: K, payload: DomainEventMap[K]): void {
    this.emitter.emit(name, payload);
  }

  subscribe<K extends keyof DomainEventMap>(name: K, listener: (payload: DomainEventMap[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
