import { HttpClient, type HttpResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { ChannelWithOutputsResponse, InputRoleName, InputSelection, OutputOptions, OutputProtocol, OutputResponse } from '@mld/contracts';
import type { Observable } from 'rxjs';

/**
 * Body of POST /api/channels and PATCH /api/channels/{id} (PATCH: only the fields given). The
 * dashboard sends the input as one object (see channel-input-form.ts); the flat RTP fields are the
 * seed's and stay for API clients.
 */
export interface ChannelRequest {
  name?: string;
  description?: string;
  input?: Record<string, unknown>;
  /** The second input of a main/backup pair; null removes it (and its failover). */
  backup_input?: Record<string, unknown> | null;
  /** Fields left out keep their value. */
  failover?: Record<string, unknown>;
  /** What the outputs get when the input stops; fields left out keep their value. */
  input_loss?: Record<string, unknown>;
}

export interface OutputBody {
  protocol: OutputProtocol;
  url: string;
  options: OutputOptions;
  name?: string;
  enabled: boolean;
}

@Injectable({ providedIn: 'root' })
export class ChannelsApiService {
  private readonly http = inject(HttpClient);

  list(): Observable<ChannelWithOutputsResponse[]> {
    return this.http.get<ChannelWithOutputsResponse[]>('/api/channels');
  }

  /** The JPEG of the channel's latest key frame (X-Thumbnail-At: when it arrived). */
  thumbnail(id: string): Observable<HttpResponse<Blob>> {
    return this.http.get(`${channelPath(id)}/thumbnail`, { responseType: 'blob', observe: 'response' });
  }

  get(id: string): Observable<ChannelWithOutputsResponse> {
    return this.http.get<ChannelWithOutputsResponse>(channelPath(id));
  }

  create(body: ChannelRequest): Observable<ChannelWithOutputsResponse> {
    return this.http.post<ChannelWithOutputsResponse>('/api/channels', body);
  }

  update(id: string, body: ChannelRequest): Observable<ChannelWithOutputsResponse> {
    return this.http.patch<ChannelWithOutputsResponse>(channelPath(id), body);
  }

  remove(id: string): Observable<void> {
    return this.http.delete<void>(channelPath(id));
  }

  start(id: string): Observable<ChannelWithOutputsResponse> {
    return this.http.post<ChannelWithOutputsResponse>(`${channelPath(id)}/start`, null);
  }

  stop(id: string): Observable<ChannelWithOutputsResponse> {
    return this.http.post<ChannelWithOutputsResponse>(`${channelPath(id)}/stop`, null);
  }

  /** RTMP input (main or backup): a new stream key; the old one stops working at once. */
  rotateStreamKey(id: string, input: InputRoleName = 'main'): Observable<ChannelWithOutputsResponse> {
    return this.http.post<ChannelWithOutputsResponse>(`${channelPath(id)}/input/rotate-key`, input === 'main' ? null : { input });
  }

  /** Main/backup: pin one input on air (no automatic switch until `auto`), or hand the choice back to the failover policy. */
  switchInput(id: string, to: InputSelection): Observable<ChannelWithOutputsResponse> {
    return this.http.post<ChannelWithOutputsResponse>(`${channelPath(id)}/input/switch`, { to });
  }

  addOutput(channelId: string, body: OutputBody): Observable<OutputResponse> {
    return this.http.post<OutputResponse>(`${channelPath(channelId)}/outputs`, body);
  }

  updateOutput(channelId: string, outputId: string, body: Partial<OutputBody>): Observable<OutputResponse> {
    return this.http.patch<OutputResponse>(outputPath(channelId, outputId), body);
  }

  removeOutput(channelId: string, outputId: string): Observable<void> {
    return this.http.delete<void>(outputPath(channelId, outputId));
  }

  /** start | stop | retry one output. */
  controlOutput(channelId: string, outputId: string, action: 'start' | 'stop' | 'retry'): Observable<OutputResponse> {
    return this.http.post<OutputResponse>(`${outputPath(channelId, outputId)}/${action}`, null);
  }

  /** Master start/stop of every output (the input keeps running). */
  controlAllOutputs(channelId: string, action: 'start-all' | 'stop-all'): Observable<OutputResponse[]> {
    return this.http.post<OutputResponse[]>(`${channelPath(channelId)}/outputs/${action}`, null);
  }
}

function channelPath(id: string): string {
  return `/api/channels/${encodeURIComponent(id)}`;
}

function outputPath(channelId: string, outputId: string): string {
  return `${channelPath(channelId)}/outputs/${encodeURIComponent(outputId)}`;
}
