import type { Clock, TimerHandle } from '@mld/supervisor';
import { decodeAmf0, encodeAmf0, type Amf0Object, type Amf0Value } from '../../rtmp/amf0.js';
import { ChunkReader, ChunkWriter, control, CSID, MSG, type ChunkReaderLimits, type RtmpMessage } from '../../rtmp/chunk-stream.js';
import { ServerHandshake } from '../../rtmp/handshake.js';
import type { RtmpConnection, RtmpPublishSession } from './rtmp-publish-session.js';

export type { RtmpConnection, RtmpPublishSession } from './rtmp-publish-session.js';

export type SessionPhase = 'handshake' | 'connect' | 'connected' | 'publish_pending' | 'publishing' | 'closed';

export interface SessionDelegate {
  /** null accepts the application; a sentence refuses it (sent to the client as the description). */
  connect(session: RtmpServerSession, app: string): string | null;
  /** A publish command: the delegate answers with acceptPublish() or rejectPublish(), now or later. */
  publish(session: RtmpServerSession, streamName: string): void;
  /** Audio (8), video (9) or data (18, `@setDataFrame` removed) of the published stream. */
  media(session: RtmpServerSession, message: RtmpMessage): void;
  /** The session is over; `phase` is where it was when it ended. Called once. */
  closed(session: RtmpServerSession, reason: string, phase: SessionPhase): void;
}

export interface SessionOptions {
  /** From accept to an accepted publish. */
  setupTimeoutMs: number;
  /** Publishing and nothing received for this long (while we are not pausing it ourselves). */
  idleTimeoutMs: number;
  /** Largest message once publishing (a keyframe). */
  maxMessageBytes: number;
}

/** Before publish only commands arrive: small limits, so unauthenticated peers cannot make us hold much. */
const SETUP_LIMITS: ChunkReaderLimits = { maxMessageBytes: 64 * 1024, maxChunkStreams: 16, maxPendingBytes: 256 * 1024 };
const OUT_CHUNK_SIZE = 4096;
const WINDOW_ACK_SIZE = 2_500_000;
/** A client that does not read what we send (acks, pings) is dropped beyond this. */
const MAX_UNSENT_BYTES = 1024 * 1024;
const SET_DATA_FRAME = '@setDataFrame';
/** The message stream id we give the one stream a publisher creates. */
const STREAM_ID = 1;

let nextSessionId = 1;

/**
 * The server side of one RTMP connection: handshake, connect, createStream, publish, then the
 * published stream's messages to the delegate. Anything malformed ends this session only, with a
 * sentence saying why; nothing it receives can make it throw to its caller.
 */
export class RtmpServerSession implements RtmpPublishSession {
  readonly id = nextSessionId++;
  readonly connectedAt: number;
  flashVer: string | null = null;
  app: string | null = null;
  private phaseValue: SessionPhase = 'handshake';
  private readonly handshake: ServerHandshake;
  private readonly reader = new ChunkReader(SETUP_LIMITS);
  private readonly writer = new ChunkWriter();
  private handshakeBytes = 0;
  private peerWindow = WINDOW_ACK_SIZE;
  private lastAck = 0;
  private lastDataAt: number;
  private paused = false;
  private setupTimer: TimerHandle | undefined;
  private idleTimer: TimerHandle | undefined;

  constructor(
    private readonly connection: RtmpConnection,
    readonly clientAddress: string,
    private readonly delegate: SessionDelegate,
    private readonly clock: Clock,
    private readonly options: SessionOptions,
  ) {
    this.connectedAt = clock.now();
    this.lastDataAt = this.connectedAt;
    this.handshake = new ServerHandshake(() => this.clock.now() - this.connectedAt);
    this.setupTimer = clock.setTimeout(() => this.close(`no publish within ${options.setupTimeoutMs / 1000} s of connecting`), options.setupTimeoutMs);
  }

  get phase(): SessionPhase {
    return this.phaseValue;
  }

  get bytesReceived(): number {
    return this.handshakeBytes + this.reader.bytesReceived;
  }

  private isClosed(): boolean {
    return this.phaseValue === 'closed';
  }

  /** Bytes arrived from the socket. */
  receive(data: Buffer): void {
    if (this.phaseValue === 'closed') return;
    this.lastDataAt = this.clock.now();
    try {
      if (this.phaseValue === 'handshake') {
        this.handshakeBytes += data.length;
        const step = this.handshake.push(data);
        if (step.reply) this.connection.write(step.reply);
        if (!step.done) return;
        this.handshakeBytes -= step.done.rest.length;
        this.phaseValue = 'connect';
        data = step.done.rest;
        if (data.length === 0) return;
      }
      for (const message of this.reader.push(data)) {
        // A message can end the session (a refused app, play); the rest of the read is dropped.
        if (this.isClosed()) return;
        this.onMessage(message);
      }
      this.acknowledge();
    } catch (err) {
      this.close(`protocol error: ${(err as Error).message}`);
    }
  }

  /** The peer closed or reset the connection. */
  ended(error?: string): void {
    this.close(error ? `connection error: ${error}` : 'the client closed the connection');
  }

  acceptPublish(): void {
    if (this.phaseValue !== 'publish_pending') return;
    this.phaseValue = 'publishing';
    this.clearSetupTimer();
    this.reader.setLimits({ maxMessageBytes: this.options.maxMessageBytes, maxChunkStreams: 64 });
    this.send(control.streamBegin(STREAM_ID));
    this.status('status', 'NetStream.Publish.Start', 'Publishing.');
    const every = Math.min(1000, this.options.idleTimeoutMs);
    this.idleTimer = this.clock.setInterval(() => this.checkIdle(), every);
  }

  /** Refuses the publish: an error status the encoder shows, then the connection closes. */
  rejectPublish(description: string, code = 'NetStream.Publish.BadName'): void {
    if (this.phaseValue !== 'publish_pending') return;
    this.status('error', code, description);
    this.close(description);
  }

  pause(): void {
    if (this.paused || this.phaseValue === 'closed') return;
    this.paused = true;
    this.connection.pause();
  }

  resume(): void {
    if (!this.paused || this.phaseValue === 'closed') return;
    this.paused = false;
    // Silence while we held it back is ours, not the encoder's.
    this.lastDataAt = this.clock.now();
    this.connection.resume();
  }

  close(reason: string): void {
    if (this.phaseValue === 'closed') return;
    const phase = this.phaseValue;
    this.phaseValue = 'closed';
    this.clearSetupTimer();
    if (this.idleTimer !== undefined) this.clock.clearInterval(this.idleTimer);
    this.idleTimer = undefined;
    this.connection.close();
    this.delegate.closed(this, reason, phase);
  }

  private onMessage(m: RtmpMessage): void {
    switch (m.type) {
      case MSG.WindowAckSize:
        if (m.payload.length >= 4) this.peerWindow = m.payload.readUInt32BE(0) || WINDOW_ACK_SIZE;
        return;
      case MSG.UserControl:
        // PingRequest → PingResponse; SetBufferLength and the rest mean nothing to a publisher's server.
        if (m.payload.length >= 6 && m.payload.readUInt16BE(0) === 6) this.send(control.pingResponse(m.payload.readUInt32BE(2)));
        return;
      case MSG.CommandAmf0:
      case MSG.CommandAmf3:
        this.onCommand(decodeCommand(m));
        return;
      case MSG.Audio:
      case MSG.Video:
        if (this.phaseValue === 'publishing') this.delegate.media(this, m);
        return;
      case MSG.DataAmf0:
      case MSG.DataAmf3: {
        if (this.phaseValue !== 'publishing') return;
        const payload = dataPayload(m);
        if (payload) this.delegate.media(this, { ...m, type: MSG.DataAmf0, payload });
        return;
      }
      default:
        return; // Acknowledgement, SetPeerBandwidth, aggregate messages (never sent by encoders we know)
    }
  }

  private onCommand(values: Amf0Value[]): void {
    const [name, tx] = values;
    const txId = typeof tx === 'number' ? tx : 0;
    switch (name) {
      case 'connect':
        this.onConnect(txId, values[2]);
        return;
      case 'createStream':
        if (this.phaseValue === 'connected') this.command(0, '_result', txId, null, STREAM_ID);
        return;
      case 'publish':
        if (this.phaseValue !== 'connected') return;
        this.phaseValue = 'publish_pending';
        this.delegate.publish(this, typeof values[3] === 'string' ? values[3] : '');
        return;
      case 'play':
      case 'play2':
        this.status('error', 'NetStream.Play.Failed', 'This server takes publishers only.');
        this.close('asked to play: this server takes publishers only');
        return;
      case 'deleteStream':
      case 'closeStream':
        if (this.phaseValue === 'publishing') this.close(`the publisher stopped (${name})`);
        return;
      default:
        // releaseStream, FCPublish, FCUnpublish, _checkbw, getStreamLength: nginx-rtmp does not answer them either.
        return;
    }
  }

  private onConnect(tx: number, args: Amf0Value): void {
    if (this.phaseValue !== 'connect') return;
    const info = isObject(args) ? args : {};
    const app = typeof info['app'] === 'string' ? info['app'] : '';
    this.app = app;
    // Shown in events and the dashboard: printable and short, whatever the client sent.
    this.flashVer = typeof info['flashVer'] === 'string' ? info['flashVer'].replace(/[^\x20-\x7e]/g, '').slice(0, 120) || null : null;
    const refusal = this.delegate.connect(this, app);
    if (this.phaseValue !== 'connect') return;
    if (refusal !== null) {
      this.command(0, '_error', tx, null, { level: 'error', code: 'NetConnection.Connect.Rejected', description: refusal });
      this.close(refusal);
      return;
    }
    this.send(control.windowAckSize(WINDOW_ACK_SIZE));
    this.send(control.setPeerBandwidth(WINDOW_ACK_SIZE));
    this.send(control.setChunkSize(OUT_CHUNK_SIZE));
    this.writer.setChunkSize(OUT_CHUNK_SIZE);
    const objectEncoding = typeof info['objectEncoding'] === 'number' ? info['objectEncoding'] : 0;
    this.command(0, '_result', tx, { fmsVer: 'FMS/3,5,7,7009', capabilities: 31, mode: 1 }, { level: 'status', code: 'NetConnection.Connect.Success', description: 'Connection succeeded.', objectEncoding });
    this.phaseValue = 'connected';
  }

  private status(level: 'status' | 'error', code: string, description: string): void {
    this.command(STREAM_ID, 'onStatus', 0, null, { level, code, description });
  }

  private command(streamId: number, ...values: Amf0Value[]): void {
    this.send({ csid: CSID.Command, type: MSG.CommandAmf0, streamId, timestamp: 0, payload: encodeAmf0(...values) });
  }

  private send(message: RtmpMessage): void {
    if (this.phaseValue === 'closed') return;
    if (this.connection.pendingWriteBytes > MAX_UNSENT_BYTES) {
      this.close('the client does not read what the server sends');
      return;
    }
    this.connection.write(Buffer.concat(this.writer.encode(message)));
  }

  private acknowledge(): void {
    const received = this.reader.bytesReceived;
    if (received - this.lastAck < this.peerWindow) return;
    this.lastAck = received;
    this.send(control.acknowledgement(received));
  }

  private checkIdle(): void {
    if (this.paused) return;
    const quiet = this.clock.now() - this.lastDataAt;
    if (quiet >= this.options.idleTimeoutMs) this.close(`nothing received from the publisher for ${Math.round(quiet / 1000)} s`);
  }

  private clearSetupTimer(): void {
    if (this.setupTimer !== undefined) this.clock.clearTimeout(this.setupTimer);
    this.setupTimer = undefined;
  }
}

function isObject(value: Amf0Value): value is Amf0Object {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** AMF3 command messages start with a format byte; the encoders that send them put AMF0 after it. */
function decodeCommand(m: RtmpMessage): Amf0Value[] {
  const body = m.type === MSG.CommandAmf3 && m.payload[0] === 0 ? m.payload.subarray(1) : m.payload;
  return decodeAmf0(body);
}

/**
 * A data message as an FLV script tag would hold it: `@setDataFrame` (how encoders ask the server
 * to keep their onMetaData) removed; undefined for what only concerns the server (`@clearDataFrame`).
 */
function dataPayload(m: RtmpMessage): Buffer | undefined {
  const body = m.type === MSG.DataAmf3 && m.payload[0] === 0 ? m.payload.subarray(1) : m.payload;
  const prefix = encodeAmf0(SET_DATA_FRAME);
  if (body.length > prefix.length && body.subarray(0, prefix.length).equals(prefix)) return body.subarray(prefix.length);
  if (body.subarray(0, 3).equals(Buffer.of(2, 0, 15)) && body.toString('latin1', 3, 18) === '@clearDataFrame') return undefined;
  return body;
}
