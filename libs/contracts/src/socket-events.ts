import type { ChannelStatus, EventRecord, StatusSnapshot } from './api-types.js';
import type { Role } from './roles.js';
import type { MediaLiveProgress } from './medialive.js';

/**
 * The Socket.IO contract (path /socket.io). Connect with `io(url, { auth: { token } })`, the
 * token being a login JWT or an API token; an invalid one gets `error` then a disconnect.
 *
 * On connect the server sends `snapshot` and subscribes the socket to every channel. Then:
 * - `channel.status`: one channel's live status, at most once per second per channel;
 * - `event`: each event-log entry as it is written (state changes, failures, recoveries, input
 *   loss, SCTE-35 cues, configuration changes).
 * - `medialive.progress`: while a MediaLive channel starts or stops, each state seen (with elapsed
 *   time) until it settles; the last one has `done: true` (and `error` when it failed).
 * `subscribe` / `unsubscribe` with `{ channel_id }` (a UUID, or "all") narrow what arrives.
 *
 * The server re-checks the credential every few seconds and at once when a token is revoked or a
 * user is changed or deleted: when access ends it sends `session.ended` and disconnects; when the
 * role changes it sends `session.changed` and what the socket receives follows the new role.
 */
export interface ServerToClientEvents {
  snapshot: (payload: StatusSnapshot) => void;
  'channel.status': (payload: ChannelStatus) => void;
  event: (payload: EventRecord) => void;
  'medialive.progress': (payload: MediaLiveProgress) => void;
  error: (payload: { message: string }) => void;
  'session.ended': (payload: SessionEnded) => void;
  'session.changed': (payload: { role: Role }) => void;
}

/** Why the server closed a live connection: its credential no longer grants access. */
export interface SessionEnded {
  /** For people: "your session ended: sign in again (<why>)". */
  message: string;
  /** What the credential check said, e.g. "API token is unknown, revoked or expired". */
  reason: string;
}

export interface SubscriptionRequest {
  channel_id: string;
}

export interface SubscriptionAck {
  ok: boolean;
  error?: string;
  subscriptions?: string[];
}

export interface ClientToServerEvents {
  subscribe: (payload: SubscriptionRequest, ack?: (result: SubscriptionAck) => void) => void;
  unsubscribe: (payload: SubscriptionRequest, ack?: (result: SubscriptionAck) => void) => void;
}

export const SOCKET_PATH = '/socket.io';
