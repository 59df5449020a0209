import type { Socket } from 'node:net';
import { decodeAmf0, encodeAmf0, type Amf0Object, type Amf0Value } from '../../rtmp/amf0.js';
import { ChunkReader, ChunkWriter, control, CSID, MSG, type RtmpMessage } from '../../rtmp/chunk-stream.js';
import { FlvTimeline } from './flv-timeline.js';
import type { FlvTag } from '../../rtmp/flv-tag-reader.js';
import { clientHello, HandshakeReader } from '../../rtmp/handshake.js';
import { defaultConnector, describeSocketError, type RtmpConnector, type RtmpTarget } from './rtmp-target.js';

export type PublisherPhase = 'idle' | 'connecting' | 'handshake' | 'connect' | 'createStream' | 'publish' | 'publishing' | 'closed';

export interface RtmpPublisherOptions {
  target: RtmpTarget;
  connector?: RtmpConnector;
  /** From start() to Publish.Start. Default 10 s. */
  setupTimeoutMs?: number;
  /** Publish.Start received: media may flow. */
  onPublished?: () => void;
  /** The session is over (the socket is closed); the sentence says why. Called at most once, never after close(). */
  onError?: (message: string) => void;
  /** Bytes the socket flushed to the kernel; `media` for audio, video and data tags (not the protocol's own). */
  onBytesWritten?: (bytes: number, media: boolean) => void;
  /** The socket buffer emptied after writeTag() returned false. */
  onDrain?: () => void;
}

const OUT_CHUNK_SIZE = 4096;
/** A session that survives this long after Publish.Start was accepted (see closedMessage). */
export const PUBLISH_CONFIRM_MS = 1000;
const WINDOW_ACK_SIZE = 2_500_000;
const FLASH_VER = 'FMLE/3.0 (compatible; MediaLive Distributor)';
/** Transaction ids of the setup commands. */
const TX = { connect: 1, releaseStream: 2, fcPublish: 3, createStream: 4, publish: 5 } as const;

/**
 * One RTMP publish session over TCP or TLS: handshake, connect, createStream, publish, then FLV tags
 * as RTMP messages. Everything that ends the session is reported once through onError with the
 * sentence an operator needs (refused, TLS, rejected with the server's own description).
 */
export class RtmpPublisher {
  private socket: Socket | undefined;
  private phaseValue: PublisherPhase = 'idle';
  private readonly writer = new ChunkWriter();
  private readonly reader = new ChunkReader();
  private readonly handshake = new HandshakeReader();
  private timeline: FlvTimeline | undefined;
  /** Data messages asked for before the stream exists; applied once it does. */
  private earlyData: Array<{ timestampMs: number; values: Amf0Value[] }> = [];
  private streamId = 0;
  private serverWindow = 0;
  private lastAckSent = 0;
  private setupTimer: NodeJS.Timeout | undefined;
  private ended = false;
  private publishedAt = 0;
  /** Bytes the server says it received (its Acknowledgements). */
  bytesAcknowledged = 0;
  bytesWritten = 0;

  constructor(private readonly options: RtmpPublisherOptions) {}

  get phase(): PublisherPhase {
    return this.phaseValue;
  }

  get publishing(): boolean {
    return this.phaseValue === 'publishing';
  }

  /** True when the socket's own buffer is empty: everything handed over reached the kernel. */
  get flushed(): boolean {
    return !!this.socket && this.socket.writableLength === 0;
  }

  get lastMediaTimestamp(): number {
    return this.timeline?.lastMediaTimestamp ?? -1;
  }

  get videoTags(): number {
    return this.timeline?.videoTags ?? 0;
  }

  start(): void {
    if (this.phaseValue !== 'idle') return;
    const timeoutMs = this.options.setupTimeoutMs ?? 10_000;
    this.setupTimer = setTimeout(() => {
      const { host, port } = this.options.target;
      this.end(`no answer from ${host}:${port} within ${timeoutMs / 1000} s (while waiting for ${this.describePhase()})`);
    }, timeoutMs);
    this.phaseValue = 'connecting';
    let socket: Socket;
    try {
      socket = (this.options.connector ?? defaultConnector())(this.options.target);
    } catch (err) {
      this.end(describeSocketError(err as NodeJS.ErrnoException, this.options.target));
      return;
    }
    this.socket = socket;
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const { secure, host, port } = this.options.target;
      // A plain RTMP port (or anything not TLS) resets a TLS ClientHello.
      if (secure && this.phaseValue === 'connecting' && err.code === 'ECONNRESET') this.end(`TLS with ${host}:${port} failed: the connection was reset during the TLS handshake (is it an RTMPS endpoint?)`);
      else this.end(describeSocketError(err, this.options.target));
    });
    socket.on('close', () => this.end(this.closedMessage()));
    socket.on('end', () => this.end(this.closedMessage()));
    socket.on('drain', () => this.options.onDrain?.());
    socket.on('data', (data: Buffer) => this.onData(data));
    // TLS sockets say 'secureConnect'; plain ones 'connect'. Either way the handshake starts then.
    socket.once(this.options.target.secure ? 'secureConnect' : 'connect', () => {
      if (this.ended) return;
      this.phaseValue = 'handshake';
      this.send(clientHello(0));
    });
  }

  /**
   * Sends one FLV tag (tags before Publish.Start are refused: the caller holds them back).
   * False when the socket buffer is full: wait for onDrain.
   */
  writeTag(tag: FlvTag): boolean {
    if (!this.publishing || !this.timeline || !this.socket) return false;
    let ok = true;
    this.socket.cork();
    for (const message of this.timeline.map(tag)) ok = this.sendMessage(message, true) && ok;
    this.socket.uncork();
    return ok;
  }

  /** Issue #14's hook: an AMF0 data message (e.g. `'onCuePoint', {...}`) at `timestampMs` of the FLV timeline. */
  insertDataMessage(timestampMs: number, ...values: Amf0Value[]): void {
    if (this.timeline) this.timeline.insertDataMessage(timestampMs, values);
    else this.earlyData.push({ timestampMs, values });
  }

  /** Ends the session politely (FCUnpublish, deleteStream) without reporting an error. */
  close(): void {
    if (this.ended) return;
    if (this.publishing && this.socket) {
      const key = this.options.target.streamName;
      this.command('FCUnpublish', 6, null, key);
      this.command('deleteStream', 7, null, this.streamId);
    }
    this.ended = true;
    this.finish();
    this.socket?.end();
    // A peer that never reads must not keep the socket (and this output) around.
    setTimeout(() => this.socket?.destroy(), 2000).unref();
  }

  private onData(data: Buffer): void {
    if (this.ended) return;
    try {
      if (this.phaseValue === 'handshake') {
        const done = this.handshake.push(data);
        if (!done) return;
        this.send(done.c2);
        this.afterHandshake();
        if (done.rest.length > 0) this.onMessages(this.reader.push(done.rest));
        return;
      }
      this.onMessages(this.reader.push(data));
    } catch (err) {
      this.end(`${this.options.target.host}:${this.options.target.port} broke the RTMP protocol: ${(err as Error).message}`);
    }
  }

  private afterHandshake(): void {
    this.sendMessage(control.setChunkSize(OUT_CHUNK_SIZE));
    this.writer.setChunkSize(OUT_CHUNK_SIZE);
    this.sendMessage(control.windowAckSize(WINDOW_ACK_SIZE));
    this.phaseValue = 'connect';
    const { app, tcUrl } = this.options.target;
    this.command('connect', TX.connect, { app, type: 'nonprivate', flashVer: FLASH_VER, tcUrl });
  }

  private onMessages(messages: RtmpMessage[]): void {
    for (const m of messages) {
      if (this.ended) return;
      this.ackIfDue();
      if (m.type === MSG.WindowAckSize && m.payload.length >= 4) this.serverWindow = m.payload.readUInt32BE(0);
      else if (m.type === MSG.Acknowledgement && m.payload.length >= 4) this.bytesAcknowledged = m.payload.readUInt32BE(0);
      else if (m.type === MSG.UserControl && m.payload.length >= 6 && m.payload.readUInt16BE(0) === 6) this.sendMessage(control.pingResponse(m.payload.readUInt32BE(2)));
      else if (m.type === MSG.CommandAmf0) this.onCommand(decodeAmf0(m.payload));
    }
  }

  private ackIfDue(): void {
    if (this.serverWindow > 0 && this.reader.bytesReceived - this.lastAckSent >= this.serverWindow) {
      this.lastAckSent = this.reader.bytesReceived;
      this.sendMessage(control.acknowledgement(this.reader.bytesReceived));
    }
  }

  private onCommand(values: Amf0Value[]): void {
    const [name, tx, , info] = values;
    const status = isObject(info) ? info : undefined;
    if (name === '_error') {
      this.end(`${tx === TX.connect ? 'connection' : 'publish'} rejected by the server: ${describeStatus(status)}`);
    } else if (name === '_result' && tx === TX.connect) {
      this.phaseValue = 'createStream';
      const key = this.options.target.streamName;
      this.command('releaseStream', TX.releaseStream, null, key);
      this.command('FCPublish', TX.fcPublish, null, key);
      this.command('createStream', TX.createStream, null);
    } else if (name === '_result' && tx === TX.createStream) {
      this.streamId = typeof info === 'number' ? info : 1;
      this.phaseValue = 'publish';
      this.command('publish', TX.publish, null, this.options.target.streamName, 'live');
    } else if (name === 'onStatus' && status) {
      const code = typeof status['code'] === 'string' ? status['code'] : '';
      if (code === 'NetStream.Publish.Start' && this.phaseValue === 'publish') {
        this.phaseValue = 'publishing';
        this.publishedAt = Date.now();
        clearTimeout(this.setupTimer);
        this.timeline = new FlvTimeline(this.streamId);
        for (const d of this.earlyData.splice(0)) this.timeline.insertDataMessage(d.timestampMs, d.values);
        this.options.onPublished?.();
      } else if (status['level'] === 'error' || /BadName|Rejected|Failed|Unauthorized/i.test(code)) {
        this.end(`publish rejected by the server: ${describeStatus(status)}`);
      }
    }
  }

  private command(name: string, tx: number, ...args: Amf0Value[]): void {
    const streamId = name === 'publish' || name === 'deleteStream' || name === 'FCUnpublish' ? this.streamId : 0;
    this.sendMessage({ csid: CSID.Command, type: MSG.CommandAmf0, streamId, timestamp: 0, payload: encodeAmf0(name, tx, ...args) });
  }

  private sendMessage(message: RtmpMessage, media = false): boolean {
    // One write per message: a frame's chunks reach the kernel together, with one completion callback.
    return this.send(Buffer.concat(this.writer.encode(message)), media);
  }

  private send(buf: Buffer, media = false): boolean {
    const socket = this.socket;
    if (!socket || socket.destroyed) return false;
    return socket.write(buf, (err) => {
      if (err) return;
      this.bytesWritten += buf.length;
      this.options.onBytesWritten?.(buf.length, media);
    });
  }

  private describePhase(): string {
    switch (this.phaseValue) {
      case 'connecting':
        return this.options.target.secure ? 'the TCP/TLS connection' : 'the TCP connection';
      case 'handshake':
        return 'the RTMP handshake';
      case 'connect':
        return `the answer to connect (app "${this.options.target.app}")`;
      case 'createStream':
        return 'the answer to createStream';
      default:
        return 'the answer to publish';
    }
  }

  private closedMessage(): string {
    const { host, port, app } = this.options.target;
    const where = `${host}:${port}`;
    switch (this.phaseValue) {
      case 'connect':
        return `${where} closed the connection in answer to connect: application "${app}" refused or unknown`;
      case 'createStream':
      case 'publish':
        // nginx-rtmp answers a denied publish or an unknown key by closing without a status.
        return `${where} closed the connection in answer to publish: stream key rejected or publishing not allowed`;
      case 'publishing':
        // nginx-rtmp says Publish.Start, then closes when an access rule denies publishing.
        if (Date.now() - this.publishedAt < PUBLISH_CONFIRM_MS) return `${where} closed the connection just after publish started: stream key rejected or publishing not allowed`;
        return `${where} closed the connection`;
      default:
        return `${where} closed the connection during ${this.describePhase()}`;
    }
  }

  private end(message: string): void {
    if (this.ended) return;
    this.ended = true;
    this.finish();
    this.socket?.destroy();
    this.options.onError?.(message);
  }

  private finish(): void {
    clearTimeout(this.setupTimer);
    this.phaseValue = 'closed';
  }
}

function isObject(value: Amf0Value): value is Amf0Object {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** `NetStream.Publish.BadName: <the server's description>` */
function describeStatus(status: Amf0Object | undefined): string {
  if (!status) return 'no reason given';
  const code = typeof status['code'] === 'string' ? status['code'] : '';
  const description = typeof status['description'] === 'string' ? status['description'] : '';
  return [code, description].filter(Boolean).join(': ') || 'no reason given';
}
