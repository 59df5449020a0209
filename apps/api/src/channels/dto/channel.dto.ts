import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath, PartialType } from '@nestjs/swagger';
import { DEFAULT_FAILOVER, FAILOVER_BOUNDS, FAILOVER_MODES, FAILOVER_PREFERENCES, INPUT_ROLES, INPUT_SELECTIONS, type FailoverMode, type FailoverPreference, type InputRoleName, type InputSelection } from '@mld/contracts';
import { DEFAULT_INPUT_LOSS, INPUT_LOSS_ACTIONS, INPUT_LOSS_AFTER_BOUNDS, type InputLossAction } from '@mld/contracts';
import { DATAGRAM_INPUT_TYPES, DEFAULT_SRT_LATENCY_MS, DESIRED_STATES, INPUT_TYPES, SRT_LATENCY_BOUNDS, SRT_MODES, SRT_PASSPHRASE_LENGTH, SRT_PBKEYLENS, type DatagramInputType, type DesiredState, type InputType } from '@mld/contracts';
import { IsIn, IsInt, IsIP, IsObject, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { OptionalNotNull } from '../../common/optional-not-null.js';
import { SafeText } from '../../common/safe-text.js';
import { OutputResponseDto } from '../../outputs/dto/output.dto.js';
import { ChannelRuntimeDto } from '../../runtime/dto/runtime.dto.js';

const NOT_BLANK = /\S/;

// The input kinds, for the OpenAPI document only: `input` is checked as a whole by parseChannelInput
// (libs/contracts), which names the field of every problem (input.port, input.passphrase, …).
export class DatagramInputDto {
  @ApiProperty({ enum: DATAGRAM_INPUT_TYPES, description: 'rtp: RTP/MP2T as MediaLive sends it; udp: raw MPEG-TS over UDP' }) type!: DatagramInputType;
  @ApiProperty({ example: '0.0.0.0', description: 'Local IPv4 address (0.0.0.0: all) or a multicast group to join' }) bind_ip!: string;
  @ApiProperty({ minimum: 1, maximum: 65535, example: 5000 }) port!: number;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Source-specific multicast: the only sender accepted' }) source_ip?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Local interface address to join the group on' }) interface_ip?: string | null;
}

export class SrtInputDto {
  @ApiProperty({ enum: ['srt'] }) type!: 'srt';
  @ApiPropertyOptional({ enum: SRT_MODES, default: 'listener', description: 'listener: the encoder calls this service; caller: this service calls an encoder or gateway that listens' }) mode?: string;
  @ApiPropertyOptional({ example: '0.0.0.0', description: 'Listener: local address to bind (default 0.0.0.0)' }) bind_ip?: string;
  @ApiPropertyOptional({ example: 'encoder.example.net', description: 'Caller: the listener to call' }) host?: string;
  @ApiProperty({ minimum: 1, maximum: 65535, example: 9000, description: 'Listener: the UDP port bound (it shares the UDP port space with RTP/UDP inputs); caller: the port called' }) port!: number;
  @ApiPropertyOptional({ minimum: SRT_LATENCY_BOUNDS.min, maximum: SRT_LATENCY_BOUNDS.max, default: DEFAULT_SRT_LATENCY_MS, description: 'Receiver latency in milliseconds' }) latency?: number;
  @ApiPropertyOptional({ nullable: true, type: String, minLength: SRT_PASSPHRASE_LENGTH.min, maxLength: SRT_PASSPHRASE_LENGTH.max, description: 'AES encryption; secret (masked without secret.read; omit it in a change to keep the current one)' }) passphrase?: string | null;
  @ApiPropertyOptional({ nullable: true, enum: SRT_PBKEYLENS, description: 'Key length in bytes (needs a passphrase)' }) pbkeylen?: number | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Caller: stream id sent to the listener; treated as a secret' }) streamid?: string | null;
}

export class RtmpInputDto {
  @ApiProperty({ enum: ['rtmp'], description: 'The encoder publishes to the shared RTMP server; the service makes the stream key (see input.publish_url in the answer)' }) type!: 'rtmp';
}

export class WhipInputDto {
  @ApiProperty({ enum: ['whip'], description: 'A WebRTC publisher (WHIP, RFC 9725: a browser or OBS 30+) posts its SDP offer to input.whip_url with the bearer input.token, both made by the service' }) type!: 'whip';
}

export class FileInputDto {
  @ApiProperty({ enum: ['file'] }) type!: 'file';
  @ApiProperty({ format: 'uuid', description: 'A file of the media library (GET /api/media)' }) media_id!: string;
  @ApiPropertyOptional({ default: true, description: 'Start over at the end, with continuity counters and timestamps rising on' }) loop?: boolean;
}

const INPUT_SCHEMA = { oneOf: [DatagramInputDto, SrtInputDto, RtmpInputDto, FileInputDto, WhipInputDto].map((dto) => ({ $ref: getSchemaPath(dto) })), discriminator: { propertyName: 'type' } };

/** Input-loss behaviour (OpenAPI); checked as a whole by parseInputLoss (libs/contracts). ADR 0016. */
export class InputLossDto {
  @ApiProperty({ enum: INPUT_LOSS_ACTIONS, default: DEFAULT_INPUT_LOSS.action, description: 'none: the outputs starve when the input stops (RTMP platforms end the broadcast); slate: an uploaded image, or the built-in card with the channel name; black: a black picture. Encoded (with silence) to the programme\'s size, frame rate, H.264 profile/level and audio format while shown; back to the programme at its next key frame.' })
  action!: InputLossAction;
  @ApiProperty({ minimum: INPUT_LOSS_AFTER_BOUNDS.min, maximum: INPUT_LOSS_AFTER_BOUNDS.max, default: DEFAULT_INPUT_LOSS.after_ms, description: 'Milliseconds without input before the slate goes on air' })
  after_ms!: number;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'action slate: a PNG/JPEG of the media library (letterboxed to the programme\'s size); null: the built-in card' })
  slate_media_id!: string | null;
  @ApiProperty({ default: DEFAULT_INPUT_LOSS.ts_outputs, description: 'SRT/UDP/RTP outputs get the slate too; RTMP outputs always do' })
  ts_outputs!: boolean;
}

/** Main/backup settings (OpenAPI); checked as a whole by parseFailover (libs/contracts). */
export class FailoverDto {
  @ApiProperty({ enum: FAILOVER_MODES, default: DEFAULT_FAILOVER.mode, description: 'failover: two encoders (MediaLive pipelines 0 and 1): the outputs follow the main and move to the backup when it fails, on one PID layout and one timeline. merge: ONE RTP stream sent on two paths (SMPTE 2022-7 style), merged packet by packet; both inputs must be RTP.' })
  mode!: FailoverMode;
  @ApiProperty({ enum: FAILOVER_PREFERENCES, default: DEFAULT_FAILOVER.prefer, description: 'main: return to the main once it has been healthy for restore_ms (at a key frame); none: stay on the input on air' })
  prefer!: FailoverPreference;
  @ApiProperty({ minimum: FAILOVER_BOUNDS.loss_ms.min, maximum: FAILOVER_BOUNDS.loss_ms.max, default: DEFAULT_FAILOVER.loss_ms, description: 'Leave the input on air when it delivered nothing, or was broken (TR 101 290 priority 1: sync loss, PAT/PMT missing, video PID silent), this long (ms)' })
  loss_ms!: number;
  @ApiProperty({ minimum: FAILOVER_BOUNDS.restore_ms.min, maximum: FAILOVER_BOUNDS.restore_ms.max, default: DEFAULT_FAILOVER.restore_ms, description: 'How long the main must stay healthy, without a break, before the return to it (ms); a flapping main never earns it' })
  restore_ms!: number;
  @ApiProperty({ minimum: FAILOVER_BOUNDS.merge_window_ms.min, maximum: FAILOVER_BOUNDS.merge_window_ms.max, default: DEFAULT_FAILOVER.merge_window_ms, description: 'merge: how long a missing datagram is waited for on the other path (ms)' })
  merge_window_ms!: number;
}

export class SwitchInputDto {
  @ApiProperty({ enum: INPUT_SELECTIONS, description: 'main / backup: put that input on air and keep it there (no automatic switch until auto); auto: let the failover policy choose' })
  @IsIn(INPUT_SELECTIONS, { message: `to must be one of ${INPUT_SELECTIONS.join(', ')}` })
  to!: InputSelection;
}

export class RotateStreamKeyDto {
  @ApiPropertyOptional({ enum: INPUT_ROLES, default: 'main', description: 'Which input\'s key: the main (default) or an RTMP backup' })
  @OptionalNotNull()
  @IsIn(INPUT_ROLES, { message: `input must be one of ${INPUT_ROLES.join(', ')}` })
  input?: InputRoleName;
}

@ApiExtraModels(DatagramInputDto, SrtInputDto, RtmpInputDto, FileInputDto, WhipInputDto)
export class CreateChannelDto {
  @ApiProperty({ example: 'news-main', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  @SafeText()
  name!: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @OptionalNotNull()
  @IsString()
  @MaxLength(1000)
  @SafeText()
  description?: string;

  @ApiPropertyOptional({
    ...INPUT_SCHEMA,
    description: 'The input, any kind: `{"type": "srt", "mode": "listener", "port": 9000, "latency": 200, "passphrase": "…"}`, `{"type": "rtmp"}`, `{"type": "whip"}`, `{"type": "file", "media_id": "…"}`, `{"type": "rtp", "bind_ip": "0.0.0.0", "port": 5000}`. Instead of the flat RTP/UDP fields below, not with them. Changing it on a running channel switches the source without restarting its outputs.',
  })
  @OptionalNotNull()
  @IsObject({ message: 'input must be an object with a "type"' })
  input?: Record<string, unknown>;

  @ApiPropertyOptional({
    ...INPUT_SCHEMA,
    // Not marked nullable: swagger leaves `type` out beside a oneOf, and OpenAPI 3.0 wants one beside
    // `nullable`. The description says that null removes the backup (and the API accepts it).
    description: 'A second input, any kind, same shape as `input` (MediaLive pipeline 1, a second encoder, or the same RTP stream on another path): received and analysed all the time, used as `failover` says. `null` removes it. It needs a port of its own. See docs/redundancy.md.',
  })
  @IsOptional()
  @IsObject({ message: 'backup_input must be an object with a "type", or null to remove the backup' })
  backup_input?: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: FailoverDto, description: 'How the main/backup pair is used (only with a backup_input); fields left out keep their value (defaults: failover, prefer main, loss 500 ms, restore 10 s, merge window 200 ms)' })
  @OptionalNotNull()
  @IsObject({ message: 'failover must be an object (fields: mode, prefer, loss_ms, restore_ms, merge_window_ms)' })
  failover?: Record<string, unknown>;

  @ApiPropertyOptional({ type: InputLossDto, description: 'What the outputs get when the input stops; fields left out keep their value (default: none, after 1000 ms, built-in card, RTMP outputs only). See docs/input-loss.md.' })
  @OptionalNotNull()
  @IsObject({ message: 'input_loss must be an object (fields: action, after_ms, slate_media_id, ts_outputs)' })
  input_loss?: Record<string, unknown>;

  @ApiPropertyOptional({ enum: DATAGRAM_INPUT_TYPES, default: 'rtp', description: 'Flat (seed) form of an RTP/UDP input. rtp: RTP/MP2T as MediaLive sends it; udp: raw MPEG-TS over UDP' })
  @OptionalNotNull()
  @IsIn(DATAGRAM_INPUT_TYPES, { message: `input_type must be one of ${DATAGRAM_INPUT_TYPES.join(', ')} (other inputs are given as "input": {"type": …})` })
  input_type?: DatagramInputType;

  @ApiPropertyOptional({ example: '0.0.0.0', description: 'Local IPv4 address to receive on (0.0.0.0 = all), or a multicast group to join. Required (or rtp_ip) unless `input` is given.' })
  @OptionalNotNull()
  @IsIP(4, { message: 'bind_ip must be an IPv4 address' })
  bind_ip?: string;

  @ApiPropertyOptional({ example: '0.0.0.0', deprecated: true, description: 'Seed-compatible alias of bind_ip' })
  @OptionalNotNull()
  @IsIP(4, { message: 'rtp_ip must be an IPv4 address' })
  rtp_ip?: string;

  @ApiPropertyOptional({ example: 5000, minimum: 1, maximum: 65535, description: 'UDP port to receive on. Required (or rtp_port) unless `input` is given.' })
  @OptionalNotNull()
  @IsInt({ message: 'port must be an integer' })
  @Min(1)
  @Max(65535)
  port?: number;

  @ApiPropertyOptional({ example: 5000, deprecated: true, description: 'Seed-compatible alias of port' })
  @OptionalNotNull()
  @IsInt({ message: 'rtp_port must be an integer' })
  @Min(1)
  @Max(65535)
  rtp_port?: number;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'Source-specific multicast: accept the group only from this sender' })
  @IsOptional()
  @IsIP(4, { message: 'source_ip must be an IPv4 address' })
  source_ip?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'Local interface address on which to join the multicast group' })
  @IsOptional()
  @IsIP(4, { message: 'interface_ip must be an IPv4 address' })
  interface_ip?: string | null;
}

// skipNullProperties: false keeps `{"name": null}` a 400 instead of a NOT NULL violation.
export class UpdateChannelDto extends PartialType(CreateChannelDto, { skipNullProperties: false }) {}

export class ChannelInputViewDto {
  @ApiProperty({ enum: INPUT_TYPES }) type!: InputType;
  @ApiPropertyOptional({ description: 'RTP/UDP, SRT listener' }) bind_ip?: string;
  @ApiPropertyOptional() port?: number;
  @ApiPropertyOptional({ nullable: true, type: String }) source_ip?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) interface_ip?: string | null;
  @ApiPropertyOptional({ enum: SRT_MODES }) mode?: string;
  @ApiPropertyOptional({ nullable: true, type: String }) host?: string | null;
  @ApiPropertyOptional({ description: 'SRT receiver latency, ms' }) latency?: number;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Masked (****) without secret.read' }) passphrase?: string | null;
  @ApiPropertyOptional({ nullable: true, enum: SRT_PBKEYLENS }) pbkeylen?: number | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Masked (****) without secret.read' }) streamid?: string | null;
  @ApiPropertyOptional({ description: 'RTMP: masked (****) without secret.read' }) stream_key?: string;
  @ApiPropertyOptional({ format: 'uuid' }) media_id?: string;
  @ApiPropertyOptional() loop?: boolean;
  @ApiPropertyOptional({ example: 'rtmp://distributor.example.net/live/live_…', description: 'RTMP: the URL to paste into the encoder (key masked without secret.read)' }) publish_url?: string;
  @ApiPropertyOptional({ example: 'srt://distributor.example.net:9000', description: 'SRT listener: the URL the encoder calls (add the passphrase in the encoder)' }) connect_url?: string;
  @ApiPropertyOptional({ description: 'WHIP: the bearer token a publisher sends; masked (****) without secret.read' }) token?: string;
  @ApiPropertyOptional({ example: '/api/channels/…/whip', description: 'WHIP: the endpoint a publisher posts its SDP offer to (relative to this service)' }) whip_url?: string;
}

export class ChannelResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: ChannelInputViewDto }) input!: ChannelInputViewDto;
  @ApiProperty({ type: ChannelInputViewDto, nullable: true, description: 'The backup input (secrets masked as for input); null: none' }) backup_input!: ChannelInputViewDto | null;
  @ApiProperty({ type: FailoverDto, nullable: true, description: 'Null without a backup input' }) failover!: FailoverDto | null;
  @ApiProperty({ enum: INPUT_SELECTIONS, description: 'auto: the failover policy chooses; main/backup: an operator pinned that input (POST /api/channels/{id}/input/switch)' }) input_selection!: InputSelection;
  @ApiProperty({ type: InputLossDto, description: 'What the outputs get when the input stops' }) input_loss!: InputLossDto;
  @ApiProperty({ enum: INPUT_TYPES }) input_type!: InputType;
  @ApiProperty({ example: '0.0.0.0', nullable: true, type: String, description: 'RTP/UDP and SRT listener; null for other inputs' }) bind_ip!: string | null;
  @ApiProperty({ example: 5000, nullable: true, type: Number, description: 'RTP/UDP and SRT; null for RTMP and file inputs' }) port!: number | null;
  @ApiProperty({ nullable: true, type: String }) source_ip!: string | null;
  @ApiProperty({ nullable: true, type: String }) interface_ip!: string | null;
  @ApiProperty({ deprecated: true, nullable: true, type: String, description: 'Alias of bind_ip (RTP/UDP)' }) rtp_ip!: string | null;
  @ApiProperty({ deprecated: true, nullable: true, type: Number, description: 'Alias of port (RTP/UDP)' }) rtp_port!: number | null;
  @ApiProperty({ enum: DESIRED_STATES, description: 'What the operator asked for; the live state comes with the data plane' }) desired_state!: DesiredState;
  @ApiProperty({ type: ChannelRuntimeDto, nullable: true, description: 'Live input state; null when the channel is not running' }) runtime!: ChannelRuntimeDto | null;
  @ApiProperty() output_count!: number;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
  @ApiProperty({ type: [OutputResponseDto] }) outputs!: OutputResponseDto[];
}
