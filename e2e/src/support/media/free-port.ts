// Ports for peers that cannot bind port 0 themselves (srt-live-transmit, nginx). The kernel
// picks a free one; the socket is closed before the port is used, so a port handed out
// here is remembered and never handed out twice by this process.
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const handedOut = new Set<string>();
const ATTEMPTS = 20;

export async function freeUdpPort(host = '127.0.0.1'): Promise<number> {
  return unique('udp', () => bindUdp(host));
}

export async function freeTcpPort(host = '127.0.0.1'): Promise<number> {
  return unique('tcp', () => bindTcp(host));
}

async function unique(kind: 'udp' | 'tcp', probe: () => Promise<number>): Promise<number> {
  for (let i = 0; i < ATTEMPTS; i++) {
    const port = await probe();
    if (handedOut.has(`${kind}:${port}`)) continue;
    handedOut.add(`${kind}:${port}`);
    return port;
  }
  throw new Error(`no unused ${kind} port after ${ATTEMPTS} attempts`);
}

function bindUdp(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', (err) => {
      socket.close();
      reject(err);
    });
    socket.bind(0, host, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

function bindTcp(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether some socket is bound to this UDP port (any address), read from /proc/net/udp{,6}. */
export function udpPortBound(port: number): boolean {
  const suffix = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
    try {
      // Column 2 is local_address as HEXIP:HEXPORT.
      if (readFileSync(table, 'utf8').split('\n').some((line) => line.trim().split(/\s+/)[1]?.endsWith(suffix))) return true;
    } catch {
      /* no IPv6 table */
    }
  }
  return false;
}
