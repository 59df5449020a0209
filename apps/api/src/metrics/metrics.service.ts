import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { RedundancyHealth } from '@mld/contracts';
import { StatusService } from '../runtime/status.service.js';
import { processTree } from './process-tree.js';

const OUTPUT_STATES = ['stopped', 'starting', 'running', 'backoff', 'failed', 'stopping'] as const;
const INPUT_STATES = ['stopped', 'starting', 'no_signal', 'receiving', 'degraded', 'error'] as const;

/**
 * Prometheus metrics, computed at scrape time from the live status: nothing to keep in sync.
 * Labels are ids and names chosen by operators; never URLs, so never a stream key.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  constructor(private readonly status: StatusService) {
    collectDefaultMetrics({ register: this.registry, prefix: 'mld_node_' });
    const channelLabels = ['channel_id', 'channel'];
    const outputLabels = ['channel_id', 'channel', 'output_id', 'output', 'protocol'];
    const gauge = (name: string, help: string, labelNames: string[], collect: (g: Gauge) => void) =>
      new Gauge({ name, help, labelNames, registers: [this.registry], collect() { this.reset(); collect(this); } });

    gauge('mld_channel_input_bitrate_bps', 'Input bitrate over the last second', channelLabels, (g) =>
      this.eachChannel((c, l) => g.set(l, c.runtime?.bitrate_bps ?? 0)),
    );
    gauge('mld_channel_input_state', 'Input state (1 for the current one)', [...channelLabels, 'state'], (g) =>
      this.eachChannel((c, l) => INPUT_STATES.forEach((s) => g.set({ ...l, state: s }, (c.runtime?.state ?? 'stopped') === s ? 1 : 0))),
    );
    gauge('mld_channel_input_datagrams_total', 'Datagrams received since the channel started', channelLabels, (g) =>
      this.eachChannel((c, l) => g.set(l, c.runtime?.datagrams_in ?? 0)),
    );
    gauge('mld_channel_input_bytes_total', 'Bytes received since the channel started', channelLabels, (g) => this.eachChannel((c, l) => g.set(l, c.runtime?.bytes_in ?? 0)));
    gauge('mld_channel_input_malformed_total', 'Datagrams dropped as not RTP/MPEG-TS', channelLabels, (g) => this.eachChannel((c, l) => g.set(l, c.runtime?.malformed ?? 0)));
    gauge('mld_channel_rtp_lost_total', 'RTP packets lost', channelLabels, (g) => this.eachChannel((c, l) => g.set(l, c.runtime?.rtp.lost ?? 0)));
    gauge('mld_channel_rtp_reordered_total', 'RTP packets put back in order', channelLabels, (g) => this.eachChannel((c, l) => g.set(l, c.runtime?.rtp.reordered ?? 0)));
    gauge('mld_channel_rtp_duplicates_total', 'RTP packets received twice', channelLabels, (g) => this.eachChannel((c, l) => g.set(l, c.runtime?.rtp.duplicates ?? 0)));

    // Per kind of input: what its transport knows of the sender (absent while nobody sends).
    gauge('mld_channel_input_info', 'The input kind (1 for the current one)', [...channelLabels, 'input_type'], (g) => this.eachChannel((c, l) => g.set({ ...l, input_type: c.input_type }, 1)));
    gauge('mld_channel_srt_rtt_ms', 'SRT input: round-trip time', channelLabels, (g) => this.eachChannel((c, l) => c.runtime?.srt && g.set(l, c.runtime.srt.rtt_ms)));
    gauge('mld_channel_srt_latency_ms', 'SRT input: negotiated latency', channelLabels, (g) => this.eachChannel((c, l) => c.runtime?.srt && g.set(l, c.runtime.srt.latency_ms)));
    gauge('mld_channel_srt_packets_lost_total', 'SRT input: packets lost on the way (before retransmission)', channelLabels, (g) => this.eachChannel((c, l) => c.runtime?.srt && g.set(l, c.runtime.srt.packets_lost)));
    gauge('mld_channel_srt_packets_retransmitted_total', 'SRT input: packets retransmitted', channelLabels, (g) => this.eachChannel((c, l) => c.runtime?.srt && g.set(l, c.runtime.srt.packets_retransmitted)));
    gauge('mld_channel_srt_packets_dropped_total', 'SRT input: packets lost for good (not recovered within the latency)', channelLabels, (g) => this.eachChannel((c, l) => c.runtime?.srt && g.set(l, c.runtime.srt.packets_dropped)));
    gauge('mld_channel_rtmp_publisher_connected', 'RTMP input: an encoder publishes (1) or not (0)', channelLabels, (g) => this.eachChannel((c, l) => c.input_type === 'rtmp' && g.set(l, c.runtime?.rtmp ? 1 : 0)));
    // Main/backup: which input is on air, both inputs' health, the switches; merge: loss per path and merged.
    const roleLabels = [...channelLabels, 'input'];
    const eachPairInput = (g: Gauge, value: (r: RedundancyHealth, role: 'main' | 'backup') => number) =>
      this.eachChannel((c, l) => {
        const r = c.runtime?.redundancy;
        if (r) for (const role of ['main', 'backup'] as const) g.set({ ...l, input: role }, value(r, role));
      });
    gauge('mld_channel_input_active', 'Main/backup: the input on air (1) or not (0)', roleLabels, (g) => eachPairInput(g, (r, role) => (r.active === role ? 1 : 0)));
    gauge('mld_channel_input_healthy', 'Main/backup: the input is fit to be on air (1) or has a fault (0)', roleLabels, (g) => eachPairInput(g, (r, role) => (r[role].healthy ? 1 : 0)));
    gauge('mld_channel_input_role_bitrate_bps', 'Main/backup: each input\'s bitrate over the last second', roleLabels, (g) => eachPairInput(g, (r, role) => r[role].bitrate_bps));
    gauge('mld_channel_input_switches_total', 'Main/backup: switches of the input on air since the channel started', channelLabels, (g) => this.eachChannel((c, l) => c.runtime?.redundancy && g.set(l, c.runtime.redundancy.switches)));
    gauge('mld_channel_merge_lost_total', 'Merge: datagrams no path delivered in time (what the outputs lost)', channelLabels, (g) => this.eachChannel((c, l) => c.runtime?.merge && g.set(l, c.runtime.merge.merged_lost)));
    gauge('mld_channel_merge_path_lost_total', 'Merge: datagrams lost on one path (taken from the other when it had them)', roleLabels, (g) =>
      this.eachChannel((c, l) => c.runtime?.merge?.paths.forEach((p) => g.set({ ...l, input: p.role }, p.lost))),
    );
    gauge('mld_channel_file_loops_total', 'File input: completed passes through the file', channelLabels, (g) => this.eachChannel((c, l) => c.runtime?.file && g.set(l, c.runtime.file.loops)));

    gauge('mld_channel_cc_errors_total', 'Continuity-counter errors on the input (TR 101 290 1.4)', channelLabels, (g) =>
      this.eachChannel((c, l) => g.set(l, c.runtime?.analysis?.tr101290.cc_error.count ?? 0)),
    );
    gauge('mld_channel_tr101290_errors_total', 'TR 101 290 errors on the input, by check', [...channelLabels, 'check'], (g) =>
      this.eachChannel((c, l) => {
        const t = c.runtime?.analysis?.tr101290;
        if (t) for (const [check, counter] of Object.entries(t)) g.set({ ...l, check }, counter.count);
      }),
    );
    gauge('mld_channel_scte35_cues_total', 'SCTE-35 sections seen on the input', channelLabels, (g) => this.eachChannel((c, l) => g.set(l, c.runtime?.analysis?.scte35.cues ?? 0)));
    gauge('mld_channel_scte35_crc_errors_total', 'SCTE-35 sections with a bad CRC', channelLabels, (g) =>
      this.eachChannel((c, l) => g.set(l, c.runtime?.analysis?.scte35.crc_errors ?? 0)),
    );
    gauge('mld_output_state', 'Output state (1 for the current one)', [...outputLabels, 'state'], (g) =>
      this.eachOutput((o, l) => OUTPUT_STATES.forEach((s) => g.set({ ...l, state: s }, (o.runtime?.state ?? 'stopped') === s ? 1 : 0))),
    );
    gauge('mld_output_bytes_total', 'Bytes sent since the output started', outputLabels, (g) => this.eachOutput((o, l) => g.set(l, o.runtime?.bytes_out ?? 0)));
    gauge('mld_output_bitrate_bps', 'Output bitrate', outputLabels, (g) => this.eachOutput((o, l) => g.set(l, o.runtime?.bitrate_bps ?? 0)));
    gauge('mld_output_restarts_total', 'Automatic restarts of the output process', outputLabels, (g) => this.eachOutput((o, l) => g.set(l, o.runtime?.restarts ?? 0)));
    gauge('mld_output_dropped_bytes_total', 'Bytes this output dropped because it could not keep up', outputLabels, (g) =>
      this.eachOutput((o, l) => g.set(l, o.runtime?.dropped_bytes ?? 0)),
    );
    gauge('mld_output_queue_bytes', 'Bytes waiting for this output', outputLabels, (g) => this.eachOutput((o, l) => g.set(l, o.runtime?.queue_bytes ?? 0)));

    gauge('mld_process_tree_cpu_seconds_total', 'CPU time of the service and its media children, by command', ['command'], (g) => {
      for (const [command, usage] of this.treeByCommand()) g.set({ command }, usage.cpu);
    });
    gauge('mld_process_tree_rss_bytes', 'Resident memory of the service and its media children, by command', ['command'], (g) => {
      for (const [command, usage] of this.treeByCommand()) g.set({ command }, usage.rss);
    });
    gauge('mld_process_tree_processes', 'Processes in the service tree, by command', ['command'], (g) => {
      for (const [command, usage] of this.treeByCommand()) g.set({ command }, usage.count);
    });
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private eachChannel(fn: (c: ReturnType<StatusService['snapshot']>['channels'][number], labels: Record<string, string>) => void): void {
    for (const c of this.status.snapshot().channels) fn(c, { channel_id: c.channel_id, channel: c.name });
  }

  private eachOutput(fn: (o: ReturnType<StatusService['snapshot']>['channels'][number]['outputs'][number], labels: Record<string, string>) => void): void {
    for (const c of this.status.snapshot().channels) {
      for (const o of c.outputs) fn(o, { channel_id: c.channel_id, channel: c.name, output_id: o.id, output: o.name, protocol: o.protocol });
    }
  }

  private treeByCommand(): Map<string, { cpu: number; rss: number; count: number }> {
    const out = new Map<string, { cpu: number; rss: number; count: number }>();
    for (const p of processTree(process.pid)) {
      const key = p.pid === process.pid ? 'service' : p.command;
      const entry = out.get(key) ?? { cpu: 0, rss: 0, count: 0 };
      entry.cpu += p.cpuSeconds;
      entry.rss += p.rssBytes;
      entry.count += 1;
      out.set(key, entry);
    }
    return out;
  }
}
