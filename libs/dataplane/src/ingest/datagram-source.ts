import { createSocket, type Socket } from 'node:dgram';
import { isIpv4Multicast } from '@mld/contracts';
import type { DatagramInputConfig } from '../types.js';

/** Where datagrams come from: a UDP socket in production, anything in tests. */
export interface DatagramSource {
  /** Resolves once receiving (bound and, for multicast, joined); rejects with a readable reason. */
  start(onDatagram: (datagram: Buffer) => void, onError: (message: string) => void): Promise<void>;
  stop(): Promise<void>;
}

export type DatagramSourceFactory = (input: DatagramInputConfig) => DatagramSource;

const RECEIVE_BUFFER_BYTES = 8 * 1024 * 1024;

/**
 * A UDP socket bound to the channel's address. For a multicast group it binds the group's
 * port on every address and joins the group on the configured interface (source-specific when
 * a source is given). Such a socket receives every datagram of the port (unicast, and other
 * groups joined on the host), so the API lets no other channel use that port (channel-input-rules).
 */
export class UdpDatagramSource implements DatagramSource {
  private socket: Socket | undefined;

  constructor(private readonly input: DatagramInputConfig) {}

  start(onDatagram: (datagram: Buffer) => void, onError: (message: string) => void): Promise<void> {
    const multicast = isIpv4Multicast(this.input.bindIp);
    const socket = createSocket({ type: 'udp4', reuseAddr: multicast });
    this.socket = socket;
    return new Promise((resolve, reject) => {
      let bound = false;
      socket.on('error', (error: NodeJS.ErrnoException) => {
        const message = describeSocketError(error, this.input);
        if (!bound) reject(new Error(message));
        else onError(message);
      });
      socket.on('message', onDatagram);
      socket.bind({ port: this.input.port, address: multicast ? '0.0.0.0' : this.input.bindIp, exclusive: !multicast }, () => {
        bound = true;
        try {
          socket.setRecvBufferSize(RECEIVE_BUFFER_BYTES);
        } catch {
          // The kernel caps it at net.core.rmem_max; the default still works at broadcast rates.
        }
        try {
          if (multicast) {
            const iface = this.input.interfaceIp ?? undefined;
            if (this.input.sourceIp) socket.addSourceSpecificMembership(this.input.sourceIp, this.input.bindIp, iface);
            else socket.addMembership(this.input.bindIp, iface);
          }
          resolve();
        } catch (error) {
          reject(new Error(`cannot join multicast group ${this.input.bindIp}${this.input.interfaceIp ? ` on ${this.input.interfaceIp}` : ''}: ${(error as Error).message}`));
        }
      });
    });
  }

  stop(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => {
      try {
        socket.close(() => resolve());
      } catch {
        resolve(); // never bound
      }
    });
  }
}

function describeSocketError(error: NodeJS.ErrnoException, input: DatagramInputConfig): string {
  const where = `${input.bindIp}:${input.port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return `cannot receive on ${where}: the port is already used by another program`;
    case 'EADDRNOTAVAIL':
      return `cannot receive on ${where}: ${input.bindIp} is not an address of this host`;
    case 'EACCES':
      return `cannot receive on ${where}: permission denied`;
    default:
      return `cannot receive on ${where}: ${error.message}`;
  }
}

export const udpDatagramSourceFactory: DatagramSourceFactory = (input) => new UdpDatagramSource(input);
