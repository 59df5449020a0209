import { ChangeDetectionStrategy, Component, DestroyRef, ElementRef, inject, input, OnInit, signal, viewChild } from '@angular/core';
import { MatButton } from '@angular/material/button';
import { RouterLink } from '@angular/router';
import { MASK, type ChannelWithOutputsResponse } from '@mld/contracts';
import { ChannelsApiService } from './channels-api.service';
import { publishWhip, type WhipPublication } from './whip-client';
import { errorMessage, sentBitrate } from './whip-view';

type Phase = 'idle' | 'connecting' | 'live' | 'error';
/** A device the browser has not named yet (before permission): let it choose. */
const ANY = 'default';
interface DeviceChoice {
  deviceId: string;
  kind: MediaDeviceKind;
  label: string;
}

/**
 * "Go live from this browser": the camera and microphone of this browser published to the
 * channel's WHIP input (issue #15), with a local preview, the connection state and the bitrate
 * sent. The token is the input's (operators and admins read it; a viewer cannot publish).
 */
@Component({
  selector: 'app-go-live',
  imports: [MatButton, RouterLink],
  template: `
    <section class="card" aria-labelledby="go-live-title" data-testid="go-live">
      <div class="card__head">
        <h1 id="go-live-title" class="card__title">Go live from this browser{{ channel() ? ': ' + channel()!.name : '' }}</h1>
        <a class="card__head-end" [routerLink]="['/channels', id()]">Back to the channel</a>
      </div>
      @if (problem(); as p) {
        <p class="danger-text" role="alert" data-testid="go-live-problem">{{ p }}</p>
      } @else {
        <div class="button-row">
          <label>Camera
            <select (change)="camera.set($any($event.target).value)" [disabled]="phase() !== 'idle' && phase() !== 'error'" data-testid="go-live-camera">
              @for (d of cameras(); track d.deviceId) { <option [value]="d.deviceId" [selected]="d.deviceId === camera()">{{ d.label || 'Camera' }}</option> }
            </select>
          </label>
          <label>Microphone
            <select (change)="microphone.set($any($event.target).value)" [disabled]="phase() !== 'idle' && phase() !== 'error'" data-testid="go-live-microphone">
              <option value="">No audio</option>
              @for (d of microphones(); track d.deviceId) { <option [value]="d.deviceId" [selected]="d.deviceId === microphone()">{{ d.label || 'Microphone' }}</option> }
            </select>
          </label>
          <button matButton="filled" type="button" (click)="start()" [disabled]="phase() === 'connecting' || phase() === 'live'" data-testid="go-live-start">Start</button>
          <button matButton="outlined" type="button" (click)="stop()" [disabled]="phase() !== 'connecting' && phase() !== 'live'" data-testid="go-live-stop">Stop</button>
        </div>
        <p role="status" class="small" [attr.data-phase]="phase()" data-testid="go-live-status">
          {{ status() }}@if (phase() === 'live') { · {{ (bitrate() / 1e6).toFixed(2) }} Mbit/s sent }
        </p>
      }
      <video #preview class="live-preview__video" muted autoplay playsinline aria-label="Local camera preview" data-testid="go-live-preview"></video>
      <p class="muted small">Video goes out as H.264 and is not transcoded; audio (Opus) becomes AAC for the outputs. One publisher at a time.</p>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class GoLiveComponent implements OnInit {
  /** The channel id (route parameter, bound by the router). */
  readonly id = input.required<string>();

  private readonly api = inject(ChannelsApiService);
  private readonly preview = viewChild<ElementRef<HTMLVideoElement>>('preview');

  protected readonly channel = signal<ChannelWithOutputsResponse | null>(null);
  protected readonly problem = signal<string | null>(null);
  protected readonly phase = signal<Phase>('idle');
  protected readonly status = signal('Not publishing');
  protected readonly bitrate = signal(0);
  // Until the browser lists its devices: its defaults (a Start before then still sends both).
  protected readonly cameras = signal<DeviceChoice[]>([{ deviceId: ANY, kind: 'videoinput', label: 'Default camera' }]);
  protected readonly microphones = signal<DeviceChoice[]>([{ deviceId: ANY, kind: 'audioinput', label: 'Default microphone' }]);
  protected readonly camera = signal(ANY);
  protected readonly microphone = signal(ANY);

  private stream: MediaStream | null = null;
  private publication: WhipPublication | null = null;
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private lastSample: { bytes: number; at: number } | null = null;
  private devicesListed = false;

  constructor() {
    inject(DestroyRef).onDestroy(() => void this.stop());
  }

  ngOnInit(): void {
    this.api.get(this.id()).subscribe({
      next: (channel) => {
        this.channel.set(channel);
        const input = channel.input;
        if (input.type !== 'whip') this.problem.set('This channel does not have a WebRTC (WHIP) input: change its input to WebRTC / WHIP first.');
        else if (input.token === MASK) this.problem.set('Your role cannot read the channel’s WHIP token, so it cannot publish: ask an operator.');
        else void this.listDevices();
      },
      error: () => this.problem.set('The channel could not be loaded.'),
    });
  }

  protected async start(): Promise<void> {
    const channel = this.channel();
    if (!channel || channel.input.type !== 'whip') return;
    this.phase.set('connecting');
    this.status.set('Connecting…');
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        video: { deviceId: this.camera() && this.camera() !== ANY ? { exact: this.camera() } : undefined, width: 1280, height: 720, frameRate: 30 },
        audio: this.microphone() === '' ? false : this.microphone() === ANY ? true : { deviceId: { exact: this.microphone() } },
      });
      // Allowed now: the devices have their ids and names.
      void this.listDevices();
      const video = this.preview()?.nativeElement;
      if (video) video.srcObject = this.stream;
      const endpoint = channel.input.whip_url ?? `/api/channels/${channel.id}/whip`;
      this.publication = await publishWhip(endpoint, channel.input.token, this.stream, { fetch: (url, init) => fetch(url, init), createPeerConnection: () => new RTCPeerConnection() });
      const pc = this.publication.pc;
      pc.addEventListener('connectionstatechange', () => this.onState(pc.connectionState));
      this.onState(pc.connectionState);
      this.statsTimer = setInterval(() => void this.sample(pc), 1000);
    } catch (err) {
      await this.release();
      this.phase.set('error');
      this.status.set(err instanceof Error ? err.message : errorMessage(0, String(err)));
    }
  }

  protected async stop(): Promise<void> {
    await this.release();
    if (this.phase() !== 'error') {
      this.phase.set('idle');
      this.status.set('Not publishing');
    }
  }

  private onState(state: RTCPeerConnectionState): void {
    if (state === 'connected') {
      this.phase.set('live');
      this.status.set('Live: the channel receives this browser');
    } else if (state === 'failed') {
      this.phase.set('error');
      this.status.set('The connection failed (ICE/DTLS): the node’s WHIP UDP ports may be blocked');
      void this.release();
    } else if (state === 'connecting' || state === 'new') {
      this.status.set('Connecting…');
    } else if (state === 'disconnected') {
      this.status.set('Connection interrupted, waiting…');
    }
  }

  private async sample(pc: RTCPeerConnection): Promise<void> {
    let bytes = 0;
    (await pc.getStats()).forEach((s: { type?: string; bytesSent?: number }) => {
      if (s.type === 'outbound-rtp') bytes += s.bytesSent ?? 0;
    });
    const now = performance.now();
    this.bitrate.set(sentBitrate(this.lastSample, bytes, now));
    this.lastSample = { bytes, at: now };
  }

  /** Before the browser was allowed to use them, devices have no id: they are offered as "default" (ANY). */
  private async listDevices(): Promise<void> {
    const devices = (await navigator.mediaDevices.enumerateDevices()).map((d) => ({ deviceId: d.deviceId || ANY, kind: d.kind, label: d.label }));
    // Before permission some browsers list nothing: offer the browser's default then.
    const unique = (kind: MediaDeviceKind, fallback: string) => {
      const list = devices.filter((d, i) => d.kind === kind && devices.findIndex((e) => e.kind === kind && e.deviceId === d.deviceId) === i);
      return list.length > 0 ? list : [{ deviceId: ANY, kind, label: fallback }];
    };
    this.cameras.set(unique('videoinput', 'Default camera'));
    this.microphones.set(unique('audioinput', 'Default microphone'));
    const keep = (current: string, list: DeviceChoice[]) => (list.some((d) => d.deviceId === current) ? current : (list[0]?.deviceId ?? ''));
    this.camera.set(keep(this.camera(), this.cameras()));
    // The first microphone by default; "No audio" stays when the operator chose it.
    if (!this.devicesListed) this.microphone.set(this.microphones()[0]?.deviceId ?? '');
    else if (this.microphone() !== '') this.microphone.set(keep(this.microphone(), this.microphones()));
    this.devicesListed = true;
  }

  private async release(): Promise<void> {
    if (this.statsTimer !== undefined) clearInterval(this.statsTimer);
    this.statsTimer = undefined;
    this.lastSample = null;
    this.bitrate.set(0);
    const publication = this.publication;
    this.publication = null;
    await publication?.stop();
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    const video = this.preview()?.nativeElement;
    if (video) video.srcObject = null;
  }
}
