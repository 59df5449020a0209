import { Inject, Injectable } from '@nestjs/common';
import { rtmpPublishUrl, type ChannelInputSpec, type ChannelInputView } from '@mld/contracts';
import { networkInterfaces } from 'node:os';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

/**
 * Where encoders send to this node: the host operators are told (PUBLIC_HOST, else the first
 * external IPv4) and the shared RTMP server's port (the bound one once it listens, so a port
 * chosen by the system is shown as it is).
 */
@Injectable()
export class IngestEndpoints {
  private rtmpBoundPort: number | undefined;
  readonly host: string;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.host = config.publicHost ?? firstExternalIpv4() ?? '127.0.0.1';
  }

  /** The RTMP server reports the port it bound. */
  rtmpListening(port: number | undefined): void {
    this.rtmpBoundPort = port;
  }

  get rtmpPort(): number {
    return this.rtmpBoundPort ?? this.config.rtmpIngest.port;
  }

  /** The input with what an encoder operator needs: the RTMP URL with the key, the SRT URL to call. */
  view(input: ChannelInputSpec): ChannelInputView {
    if (input.type === 'rtmp') return { ...input, publish_url: rtmpPublishUrl(this.host, this.rtmpPort, input.stream_key) };
    if (input.type === 'srt' && input.mode === 'listener') {
      const host = input.bind_ip === '0.0.0.0' ? this.host : input.bind_ip;
      return { ...input, connect_url: `srt://${host}:${input.port}` };
    }
    return input;
  }
}

function firstExternalIpv4(): string | undefined {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .find((a) => a.family === 'IPv4' && !a.internal)?.address;
}
