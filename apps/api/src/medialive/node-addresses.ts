import { networkInterfaces } from 'node:os';

/** This node's IPv4 addresses (an adapter, so preflight and link stay pure and testable). */
export type NodeAddresses = () => string[];
export const NODE_ADDRESSES = Symbol('NODE_ADDRESSES');

export const systemAddresses: NodeAddresses = () =>
  Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => a.family === 'IPv4')
    .map((a) => a.address);
