import type { ChannelWithOutputsResponse, EventRecord, EventPage, MediaResponse, OutputResponse, OutputRuntime } from '@mld/contracts';
import { api, waitFor } from './service-process.js';

/** Thin client for the service under test, with polling helpers for live state. */
export class Distributor {
  constructor(
    readonly url: string,
    readonly token: string,
  ) {}

  async createChannel(body: Record<string, unknown>): Promise<ChannelWithOutputsResponse> {
    const r = await api<ChannelWithOutputsResponse>(this.url, 'POST', '/api/channels', this.token, body);
    if (r.status !== 201) throw new Error(`create channel: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async addOutput(channelId: string, body: Record<string, unknown>): Promise<OutputResponse> {
    const r = await api<OutputResponse>(this.url, 'POST', `/api/channels/${channelId}/outputs`, this.token, body);
    if (r.status !== 201) throw new Error(`add output: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async removeOutput(channelId: string, outputId: string): Promise<void> {
    const r = await api(this.url, 'DELETE', `/api/channels/${channelId}/outputs/${outputId}`, this.token);
    if (r.status !== 204) throw new Error(`remove output: ${r.status}`);
  }

  /** Uploads a file to the media library (multipart field `file`, as the dashboard does). */
  async uploadMedia(name: string, bytes: Buffer): Promise<MediaResponse> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)]), name);
    form.append('name', name);
    const response = await fetch(`${this.url}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${this.token}` }, body: form, signal: AbortSignal.timeout(60_000) });
    const body = (await response.json()) as MediaResponse;
    if (response.status !== 201) throw new Error(`upload media: ${response.status} ${JSON.stringify(body)}`);
    return body;
  }

  /** The event log, newest first (`query` as /api/events takes it: channel_id, type, limit). */
  async events(query: Record<string, string>): Promise<EventRecord[]> {
    const r = await api<EventPage>(this.url, 'GET', `/api/events?${new URLSearchParams(query).toString()}`, this.token);
    if (r.status !== 200) throw new Error(`events: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.events;
  }

  async get(path: string): Promise<{ status: number; body: unknown }> {
    return api(this.url, 'GET', path, this.token);
  }

  async post(path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    return api(this.url, 'POST', path, this.token, body);
  }

  async delete(path: string): Promise<{ status: number; body: unknown }> {
    return api(this.url, 'DELETE', path, this.token);
  }

  async channel(channelId: string): Promise<ChannelWithOutputsResponse> {
    const r = await api<ChannelWithOutputsResponse>(this.url, 'GET', `/api/channels/${channelId}`, this.token);
    if (r.status !== 200) throw new Error(`get channel: ${r.status}`);
    return r.body;
  }

  async outputRuntime(channelId: string, outputId: string): Promise<OutputRuntime | null> {
    return (await this.channel(channelId)).outputs.find((o) => o.id === outputId)?.runtime ?? null;
  }

  /** Polls an output's live state until the predicate holds. */
  async waitOutput(channelId: string, outputId: string, what: string, predicate: (r: OutputRuntime) => boolean, timeoutMs = 20_000): Promise<OutputRuntime> {
    return waitFor(
      `output ${what}`,
      async () => {
        const runtime = await this.outputRuntime(channelId, outputId);
        return runtime && predicate(runtime) ? runtime : undefined;
      },
      timeoutMs,
      200,
    );
  }
}
