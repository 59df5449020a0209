import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';

/**
 * In-process bus for what happened in the domain. Services publish; the data plane and the
 * socket gateway subscribe. Nothing here knows about HTTP or sockets.
 */
export interface DomainEventMap {
  'channel.changed': { channelId: string; actor: string };
  'channel.deleted': { channelId: string; actor: string };
  'output.changed': { channelId: string; outputId: string; actor: string };
  'output.deleted': { channelId: string; outputId: string; actor: string };
}

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
