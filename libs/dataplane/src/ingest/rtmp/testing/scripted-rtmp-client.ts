// Test doubles for the RTMP server side: a connection that records what the server writes, and a
// client that produces the bytes an encoder would send. Real encoders are in the *.real.spec.ts.
import { decodeAmf0, encodeAmf0, encodeAmf0EcmaArray, type Amf0Object, type Amf0Value } from '../../../rtmp/amf0.js';
import { ChunkReader, ChunkWriter, control, CSID, MSG, type RtmpMessage } from '../../../rtmp/chunk-stream.js';
import { HANDSHAKE_SIZE } from '../../../rtmp/handshake.js';
import type { RtmpConnection } from '../rtmp-server-session.js';

export class RecordingConnection implements RtmpConnection {
  readonly written: Buffer[] = [];
  pendingWriteBytes = 0;
  paused = false;
  closes = 0;

  write(data: Buffer): void {
    this.written.push(data);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  close(): void {
    this.closes += 1;
  }

  /** S0+S1+S2 as the server sent them. */
  handshake(): Buffer {
    return Buffer.concat(this.written).subarray(0, 1 + 2 * HANDSHAKE_SIZE);
  }

  /** Every message the server sent after its handshake. */
  messages(): RtmpMessage[] {
    const all = Buffer.concat(this.written);
    return all.length > 1 + 2 * HANDSHAKE_SIZE ? new ChunkReader().push(all.subarray(1 + 2 * HANDSHAKE_SIZE)) : [];
  }

  /** The AMF0 commands among them, decoded, with the message stream they came on. */
  commands(): Array<{ streamId: number; values: Amf0Value[] }> {
    return this.messages()
      .filter((m) => m.type === MSG.CommandAmf0)
      .map((m) => ({ streamId: m.streamId, values: decodeAmf0(m.payload) }));
  }
}

/** The bytes of an encoder's side of the conversation, built with the project's own chunk writer. */
export class ScriptedClient {
  private readonly writer = new ChunkWriter();

  /** C0+C1 of the simple handshake, then C2 (the server's S1 is not needed to build it). */
  handshake(): Buffer {
    const c1 = Buffer.alloc(HANDSHAKE_SIZE, 0x33);
    c1.writeUInt32BE(0, 0);
    c1.writeUInt32BE(0, 4);
    return Buffer.concat([Buffer.of(3), c1, Buffer.alloc(HANDSHAKE_SIZE, 0x44)]);
  }

  command(name: string, tx: number, ...args: Amf0Value[]): Buffer {
    const streamId = name === 'publish' || name === 'deleteStream' || name === 'FCUnpublish' ? 1 : 0;
    return this.message({ csid: CSID.Command, type: MSG.CommandAmf0, streamId, timestamp: 0, payload: encodeAmf0(name, tx, ...args) });
  }

  /** connect, releaseStream, FCPublish, createStream, publish — what FFmpeg and OBS send. */
  publishSequence(key: string, app = 'live'): Buffer {
    return Buffer.concat([
      this.command('connect', 1, { app, type: 'nonprivate', flashVer: 'FMLE/3.0 (compatible; scripted)', tcUrl: `rtmp://127.0.0.1/${app}` }),
      this.command('releaseStream', 2, null, key),
      this.command('FCPublish', 3, null, key),
      this.command('createStream', 4, null),
      this.command('publish', 5, null, key, 'live'),
    ]);
  }

  media(type: number, timestamp: number, payload: Buffer): Buffer {
    const csid = type === MSG.Audio ? CSID.Audio : type === MSG.Video ? CSID.Video : CSID.Data;
    return this.message({ csid, type, streamId: 1, timestamp, payload });
  }

  setChunkSize(size: number): Buffer {
    const bytes = this.message(control.setChunkSize(size));
    this.writer.setChunkSize(size);
    return bytes;
  }

  message(message: RtmpMessage): Buffer {
    return Buffer.concat(this.writer.encode(message));
  }
}

/** FLV tag bodies an encoder sends: sequence headers and frames of H.264 and AAC (contents are dummies). */
export const tagBodies = {
  avcConfig: (variant = 1) => Buffer.from([0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f + variant, 0xff, 0xe1, 0, 4, 0x67, 0x64, 0, variant]),
  avcKeyframe: (size = 100) => Buffer.concat([Buffer.from([0x17, 1, 0, 0, 0]), Buffer.alloc(size, 0x65)]),
  avcFrame: (size = 50) => Buffer.concat([Buffer.from([0x27, 1, 0, 0, 0]), Buffer.alloc(size, 0x41)]),
  aacConfig: () => Buffer.from([0xaf, 0, 0x11, 0x90]),
  aacFrame: (size = 20) => Buffer.concat([Buffer.from([0xaf, 1]), Buffer.alloc(size, 0x21)]),
  mp3Frame: () => Buffer.concat([Buffer.from([0x2f, 0xff, 0xfb]), Buffer.alloc(100, 1)]),
  /** Legacy FLV codec id 12 (the non-standard HEVC extension). */
  hevcLegacy: () => Buffer.from([0x1c, 0, 0, 0, 0, 1, 2, 3]),
  /** Enhanced RTMP: IsExHeader | keyframe | SequenceStart, FourCC hvc1. */
  hevcEnhanced: () => Buffer.concat([Buffer.from([0x90]), Buffer.from('hvc1'), Buffer.alloc(20, 1)]),
  metadata: (fields: Amf0Object) => Buffer.concat([encodeAmf0('@setDataFrame', 'onMetaData'), encodeAmf0EcmaArray(fields)]),
};
