import { ApiProperty } from '@nestjs/swagger';
import { INPUT_ROLES, type ChannelRuntime, type FileInputHealth, type InputRoleName, type InputSwitchRecord, type MergeHealth, type OutputRuntime, type PictureHealth, type RedundancyHealth, type RedundantInputHealth, type RtmpInputHealth, type SlateHealth, type SrtInputHealth, type WhipInputHealth } from '@mld/contracts';

export class RtpCountersDto {
  @ApiProperty({ description: 'Sequence numbers never received (gap not filled within the reorder window)' }) lost!: number;
  @ApiProperty() duplicates!: number;
  @ApiProperty({ description: 'Arrived out of order but in time to be put back in order' }) reordered!: number;
  @ApiProperty({ description: 'Arrived after their gap was given up; dropped' }) late!: number;
  @ApiProperty() resyncs!: number;
  @ApiProperty() ssrc_changes!: number;
  @ApiProperty({ nullable: true, type: Number }) ssrc!: number | null;
}

export class SrtInputHealthDto implements SrtInputHealth {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() rtt_ms!: number;
  @ApiProperty() recv_rate_mbps!: number;
  @ApiProperty({ description: 'Negotiated latency (TSBPD), ms' }) latency_ms!: number;
  @ApiProperty() packets_received!: number;
  @ApiProperty() packets_lost!: number;
  @ApiProperty() packets_retransmitted!: number;
  @ApiProperty({ description: 'Lost for good (not recovered within the latency)' }) packets_dropped!: number;
}

export class RtmpInputHealthDto implements RtmpInputHealth {
  @ApiProperty({ example: '10.1.2.3:50612' }) client_address!: string;
  @ApiProperty({ nullable: true, type: String, example: 'obs-output module (libobs version 30.1.2)' }) encoder!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'h264' }) video_codec!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'aac' }) audio_codec!: string | null;
  @ApiProperty({ nullable: true, type: Number }) width!: number | null;
  @ApiProperty({ nullable: true, type: Number }) height!: number | null;
  @ApiProperty({ nullable: true, type: Number }) frame_rate!: number | null;
  @ApiProperty({ nullable: true, type: Number }) video_kbps!: number | null;
  @ApiProperty({ nullable: true, type: Number }) audio_kbps!: number | null;
  @ApiProperty({ format: 'date-time' }) connected_at!: string;
}

export class WhipInputHealthDto implements WhipInputHealth {
  @ApiProperty({ format: 'uuid' }) session_id!: string;
  @ApiProperty({ example: '10.1.2.3' }) client_address!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'ICE and DTLS up; null while connecting' }) connected_at!: string | null;
  @ApiProperty({ example: 'connected' }) ice_state!: string;
  @ApiProperty({ example: 'connected' }) dtls_state!: string;
  @ApiProperty({ nullable: true, type: Number }) rtt_ms!: number | null;
  @ApiProperty() packets_lost!: number;
  @ApiProperty() nacks_sent!: number;
  @ApiProperty({ description: 'Keyframe requests (Picture Loss Indications) sent to the publisher' }) plis_sent!: number;
  @ApiProperty({ description: 'H.264 as sent: profile, level and size from its SPS', example: { codec: 'H264', profile: 'Constrained Baseline', level: '3.1', width: 1280, height: 720 } }) video!: WhipInputHealth['video'];
  @ApiProperty({ nullable: true, description: 'Opus, encoded to AAC for the outputs', example: { codec: 'opus', channels: 2, transcoded_to: 'aac' } }) audio!: WhipInputHealth['audio'];
}

export class FileInputHealthDto implements FileInputHealth {
  @ApiProperty({ format: 'uuid' }) media_id!: string;
  @ApiProperty() duration_ms!: number;
  @ApiProperty() position_ms!: number;
  @ApiProperty({ description: 'Completed passes through the file' }) loops!: number;
  @ApiProperty() loop!: boolean;
}

const INGEST_STATES = ['stopped', 'starting', 'no_signal', 'receiving', 'error'];

export class InputSwitchDto implements InputSwitchRecord {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: INPUT_ROLES }) from!: InputRoleName;
  @ApiProperty({ enum: INPUT_ROLES }) to!: InputRoleName;
  @ApiProperty({ enum: ['failover', 'restored', 'forced'], description: 'failover: away from a failing input; restored: back to the preferred main; forced: an operator\'s order' }) cause!: InputSwitchRecord['cause'];
  @ApiProperty({ example: 'main: no data for 512 ms' }) reason!: string;
  @ApiProperty({ description: "Time from the old input's last packet sent to the switch, ms" }) gap_ms!: number;
  @ApiProperty({ description: 'The new input went on air at a random-access point (key frame)' }) at_random_access!: boolean;
}

export class RedundantInputHealthDto implements RedundantInputHealth {
  @ApiProperty({ enum: INGEST_STATES }) state!: RedundantInputHealth['state'];
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ description: 'No fault right now' }) healthy!: boolean;
  @ApiProperty({ nullable: true, enum: ['no_data', 'sync_loss', 'pat_missing', 'pmt_missing', 'video_missing'] }) fault!: RedundantInputHealth['fault'];
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) fault_since!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'Healthy without a break since (a return to the main waits restore_ms from here)' }) healthy_since!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) last_packet_at!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) last_random_access_at!: string | null;
  @ApiProperty() bitrate_bps!: number;
  @ApiProperty() bytes_in!: number;
  @ApiProperty({ nullable: true, type: String }) peer!: string | null;
  @ApiProperty({ description: 'RTP sequence gaps (or SRT drops) on this input' }) lost!: number;
  @ApiProperty({ type: 'array', items: { type: 'object', properties: { from: { type: 'number' }, to: { type: 'number' } } }, description: "Where this input's PIDs go in the output" }) pid_map!: Array<{ from: number; to: number }>;
}

export class RedundancyHealthDto implements RedundancyHealth {
  @ApiProperty({ enum: ['main', 'none'] }) prefer!: RedundancyHealth['prefer'];
  @ApiProperty({ enum: INPUT_ROLES, description: 'The input on air' }) active!: InputRoleName;
  @ApiProperty({ nullable: true, enum: INPUT_ROLES, description: 'Pinned by an operator; null: automatic' }) forced!: InputRoleName | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, description: 'A planned switch waiting for its target\'s key frame: {to, since, cause}' }) pending!: RedundancyHealth['pending'];
  @ApiProperty({ type: RedundantInputHealthDto }) main!: RedundantInputHealthDto;
  @ApiProperty({ type: RedundantInputHealthDto }) backup!: RedundantInputHealthDto;
  @ApiProperty() switches!: number;
  @ApiProperty({ type: [InputSwitchDto], description: 'Newest first, at most 20' }) recent_switches!: InputSwitchDto[];
  @ApiProperty({ type: 'object', properties: { forwarded: { type: 'number' }, duplicates_dropped: { type: 'number' }, replayed: { type: 'number' } }, description: 'SCTE-35 sections sent; left out because the other input had just sent the same cue; sent at a switch because only the new input had them' })
  cues!: RedundancyHealth['cues'];
}

export class MergeHealthDto implements MergeHealth {
  @ApiProperty() window_ms!: number;
  @ApiProperty({ description: 'Datagrams no path delivered in time: what the outputs lost' }) merged_lost!: number;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Per path: role, address, state, error, received, lost, late, duplicates, used, behind_ms, last_packet_at, ssrc' }) paths!: MergeHealth['paths'];
}

export class SlateHealthDto implements SlateHealth {
  @ApiProperty({ enum: ['slate', 'black'] }) action!: SlateHealth['action'];
  @ApiProperty() after_ms!: number;
  @ApiProperty({ description: 'The outputs that take it (RTMP; TS outputs with ts_outputs) get the slate now' }) on_air!: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) since!: string | null;
  @ApiProperty({ description: 'Times it went on air since the channel started' }) shown!: number;
  @ApiProperty({ nullable: true, type: Number }) last_duration_ms!: number | null;
  @ApiProperty({ description: 'The slate encoder: idle when not running (it runs only around an input loss)' }) encoder!: string;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, description: 'What the slate is encoded as (the programme\'s last-seen width, height, fps, profile, level, audio); null until known' })
  matches!: SlateHealth['matches'];
}

export class PictureHealthDto implements PictureHealth {
  @ApiProperty({ enum: ['ok', 'black', 'frozen', 'unknown'], description: 'unknown until two key frames were compared' }) state!: PictureHealth['state'];
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'When the current state began' }) since!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'The key frame last checked' }) checked_at!: string | null;
  @ApiProperty({ description: 'Key frames checked since someone started looking' }) samples!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Mean luma (0..255) of the last key frame\'s 64x36 gray copy' }) mean_luma!: number | null;
  @ApiProperty({ nullable: true, type: Number }) luma_std_dev!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Mean absolute difference (0..255) to the key frame before' }) change!: number | null;
}

export class ChannelRuntimeDto implements ChannelRuntime {
  @ApiProperty({ enum: ['stopped', 'starting', 'no_signal', 'receiving', 'degraded', 'error'], description: 'degraded: receiving with TR 101 290 priority-1 errors or RTP loss in the last 10 s, or a black or frozen picture' })
  state!: ChannelRuntime['state'];
  @ApiProperty({ format: 'date-time' }) since!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Why the input is not receiving (bind failure, wrong input type...)' }) error!: string | null;
  @ApiProperty() datagrams_in!: number;
  @ApiProperty() bytes_in!: number;
  @ApiProperty({ description: 'MPEG-TS bytes handed to the outputs' }) ts_bytes!: number;
  @ApiProperty({ description: 'Datagrams dropped because they were not RTP/MPEG-TS' }) malformed!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) malformed_reasons!: Record<string, number>;
  @ApiProperty({ type: RtpCountersDto }) rtp!: RtpCountersDto;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) last_packet_at!: string | null;
  @ApiProperty() bitrate_bps!: number;
  @ApiProperty({ nullable: true, type: String, example: '10.1.2.3:41234', description: 'The sender as the transport sees it: SRT peer, RTMP publisher' }) peer!: string | null;
  @ApiProperty({ nullable: true, type: SrtInputHealthDto, description: 'SRT inputs, while a peer is connected' }) srt!: SrtInputHealthDto | null;
  @ApiProperty({ nullable: true, type: RtmpInputHealthDto, description: 'RTMP inputs, while an encoder publishes' }) rtmp!: RtmpInputHealthDto | null;
  @ApiProperty({ nullable: true, required: false, type: WhipInputHealthDto, description: 'WHIP inputs, while a WebRTC publisher is connected' }) whip?: WhipInputHealthDto | null;
  @ApiProperty({ nullable: true, type: FileInputHealthDto, description: 'File inputs' }) file!: FileInputHealthDto | null;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description:
      'Stream analysis: state, packets, bitrate_1s_bps, bitrate_10s_bps, tr101290 {sync_loss, sync_byte_error, pat_error, cc_error, pmt_error, pid_error, transport_error, crc_error, pcr_repetition_error, pcr_discontinuity: {count, last_at}}, programs [{number, pmt_pid, pcr_pid, streams [{pid, stream_type, codec, kind}]}], pids [{pid, name, codec, packets, cc_errors, bitrate_bps}], scte35 {pids, cues, crc_errors, last_cue_at}',
  })
  analysis!: ChannelRuntime['analysis'];
  @ApiProperty({ nullable: true, type: RedundancyHealthDto, description: 'Main/backup (failover mode): the input on air, both inputs\' health, the switches' }) redundancy!: RedundancyHealthDto | null;
  @ApiProperty({ nullable: true, type: MergeHealthDto, description: 'Main/backup in merge mode: per-path and merged loss' }) merge!: MergeHealthDto | null;
  @ApiProperty({ nullable: true, type: SlateHealthDto, description: 'Channels with an input_loss action: the slate' }) slate!: SlateHealthDto | null;
  @ApiProperty({ nullable: true, required: false, type: PictureHealthDto, description: 'Black / frozen picture, checked only while someone looks at the channel\'s thumbnail; null when nobody did in the last minute' })
  picture?: PictureHealthDto | null;
  @ApiProperty({ required: false, example: 'edge-a', description: 'The node running the channel (NODE_ID): this one or another sharing the database' }) node?: string;
}

export class OutputRuntimeDto implements OutputRuntime {
  @ApiProperty({ enum: ['stopped', 'starting', 'running', 'backoff', 'failed', 'stopping'] }) state!: OutputRuntime['state'];
  @ApiProperty({ format: 'date-time' }) since!: string;
  @ApiProperty({ nullable: true, type: Number }) pid!: number | null;
  @ApiProperty() restarts!: number;
  @ApiProperty({ nullable: true, type: String, description: "Human-readable, from the tool's own output; secrets masked" }) last_error!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'When the next automatic retry happens (state backoff)' }) next_retry_at!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) started_at!: string | null;
  @ApiProperty({ nullable: true, type: Number }) uptime_seconds!: number | null;
  @ApiProperty({ nullable: true, type: Boolean, description: 'SRT: a peer is connected; RTMP: the publish session is up (NetStream.Publish.Start); null for UDP/RTP' }) connected!: boolean | null;
  @ApiProperty() bytes_out!: number;
  @ApiProperty() bitrate_bps!: number;
  @ApiProperty({ description: 'Bytes waiting for this output (bounded)' }) queue_bytes!: number;
  @ApiProperty({ description: 'Bytes this output dropped because it could not keep up' }) dropped_bytes!: number;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, description: 'SRT: rtt_ms, send_rate_mbps, bandwidth_mbps, latency_ms (negotiated), buffer_ms, packets_sent/retransmitted/lost/dropped (totals)' })
  srt!: OutputRuntime['srt'];
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, description: 'RTMP: out_time_seconds, speed, bitrate_kbps, frames, fps, drop_frames of the FLV the service has sent to the destination (out_time_seconds, frames) and FFmpeg progress (speed)' })
  ffmpeg!: OutputRuntime['ffmpeg'];
}
