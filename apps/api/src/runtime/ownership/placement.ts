// Which node may run a channel, and which of them should (docs/multi-node.md, slice 2). Pure.
import type { InputConfig, SingleInputConfig } from '@mld/dataplane';

const WILDCARD = '0.0.0.0';
const isMulticast = (ip: string): boolean => {
  const first = Number(ip.split('.')[0]);
  return first >= 224 && first <= 239;
};

/**
 * The local addresses a channel's inputs bind, which a node must own to run it. A wildcard,
 * a multicast group (joined on any node), an SRT caller, RTMP, WHIP and files bind none here.
 */
export function inputBindAddresses(input: InputConfig): string[] {
  const of = (i: SingleInputConfig): string[] => {
    switch (i.type) {
      case 'rtp':
      case 'udp':
        return i.bindIp === WILDCARD || isMulticast(i.bindIp) ? [] : [i.bindIp];
      case 'srt':
        return i.mode === 'listener' && i.bindIp !== WILDCARD ? [i.bindIp] : [];
      default:
        return [];
    }
  };
  if (input.type === 'redundant') return [...new Set([...of(input.main), ...of(input.backup)])];
  if (input.type === 'merged') return [...new Set(input.paths.flatMap(of))];
  return of(input);
}

export interface PlacementNode {
  id: string;
  /** The addresses it advertises (NODE_ADDRESSES). */
  addresses: readonly string[];
  /** Channels it holds a live lease on now. */
  channels: number;
  /** This node also owns every address of its own machine (loopback included) when NODE_ADDRESSES was not set. */
  ownsLocal?: (address: string) => boolean;
}

export function eligible(node: PlacementNode, bindAddresses: readonly string[]): boolean {
  return bindAddresses.every((a) => node.addresses.includes(a) || (node.ownsLocal?.(a) ?? false));
}

/** The node that should take an unowned channel: the least loaded eligible one, ties by id; null when none is eligible. */
export function placeChannel(nodes: readonly PlacementNode[], bindAddresses: readonly string[]): PlacementNode | null {
  const candidates = nodes.filter((n) => eligible(n, bindAddresses));
  candidates.sort((a, b) => a.channels - b.channels || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return candidates[0] ?? null;
}
