import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { decodeAmf0, encodeAmf0, type Amf0Value } from '../../../rtmp/amf0.js';
import { ChunkReader, ChunkWriter, CSID, MSG, type RtmpMessage } from '../../../rtmp/chunk-stream.js';
import { HANDSHAKE_SIZE } from '../../../rtmp/handshake.js';

/** What the scripted server answers; defaults: accept everything. */
export interface ServerScript {
  /** Answer to connect: 'accept', an _error with this status, or 'close'. */
  connect?: 'accept' | 'close' | { code: string; description: string };
  /** Answer to publish: an onStatus with this code (error level unless it is Publish.Start). */
  publish?: 'accept' | 'close' | 'silent' | { code: string; description: string };
  /** Sent right after the handshake. */
  pingRequest?: number;
  tls?: { key: string; cert: string };
  /** Stop reading the socket once publishing started (a destination that takes nothing more). */
  stopReadingAfterPublish?: boolean;
}

export interface ScriptedServer {
  port: number;
  /** Messages received from the client, commands decoded. */
  received: Array<RtmpMessage & { command?: Amf0Value[] }>;
  close(): Promise<void>;
}

/**
 * A minimal RTMP server that follows a script: a fake of the remote platform, to check what our
 * client sends and how it reads each answer. Real-server behaviour is checked against nginx-rtmp in e2e.
 */
export async function startScriptedServer(script: ServerScript = {}): Promise<ScriptedServer> {
  const received: ScriptedServer['received'] = [];
  const sockets = new Set<Socket>();
  const onSocket = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const writer = new ChunkWriter();
    const reader = new ChunkReader();
    let pending = Buffer.alloc(0);
    let stage: 'c0c1' | 'c2' | 'chunks' = 'c0c1';
    const send = (m: RtmpMessage) => socket.write(Buffer.concat(writer.encode(m)));
    const command = (streamId: number, ...values: Amf0Value[]) => send({ csid: CSID.Command, type: MSG.CommandAmf0, streamId, timestamp: 0, payload: encodeAmf0(...values) });
    socket.on('data', (data: Buffer) => {
      pending = Buffer.concat([pending, data]);
      if (stage === 'c0c1' && pending.length >= 1 + HANDSHAKE_SIZE) {
        socket.write(Buffer.concat([Buffer.of(3), Buffer.alloc(HANDSHAKE_SIZE, 1), pending.subarray(1, 1 + HANDSHAKE_SIZE)]));
        pending = pending.subarray(1 + HANDSHAKE_SIZE);
        stage = 'c2';
      }
      if (stage === 'c2' && pending.length >= HANDSHAKE_SIZE) {
        pending = pending.subarray(HANDSHAKE_SIZE);
        stage = 'chunks';
        if (script.pingRequest !== undefined) {
          const payload = Buffer.alloc(6);
          payload.writeUInt16BE(6, 0);
          payload.writeUInt32BE(script.pingRequest, 2);
          send({ csid: 2, type: MSG.UserControl, streamId: 0, timestamp: 0, payload });
        }
      }
      if (stage !== 'chunks' || pending.length === 0) return;
      const messages = reader.push(pending);
      pending = Buffer.alloc(0);
      for (const m of messages) {
        const cmd = m.type === MSG.CommandAmf0 ? decodeAmf0(m.payload) : undefined;
        received.push({ ...m, ...(cmd ? { command: cmd } : {}) });
        if (!cmd) continue;
        const [name, tx] = cmd;
        if (name === 'connect') {
          const answer = script.connect ?? 'accept';
          if (answer === 'close') socket.destroy();
          else if (answer === 'accept') command(0, '_result', tx as number, { fmsVer: 'FMS/3,0,1,123' }, { level: 'status', code: 'NetConnection.Connect.Success' });
          else command(0, '_error', tx as number, null, { level: 'error', ...answer });
        } else if (name === 'createStream') command(0, '_result', tx as number, null, 1);
        else if (name === 'publish') {
          const answer = script.publish ?? 'accept';
          if (answer === 'close') socket.destroy();
          else if (answer === 'accept') {
            command(1, 'onStatus', 0, null, { level: 'status', code: 'NetStream.Publish.Start', description: 'Start publishing' });
            if (script.stopReadingAfterPublish) socket.pause();
          }
          else if (answer !== 'silent') command(1, 'onStatus', 0, null, { level: 'error', ...answer });
        }
      }
    });
  };
  const server: Server = script.tls ? createTlsServer({ key: script.tls.key, cert: script.tls.cert }, onSocket) : createTcpServer(onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
