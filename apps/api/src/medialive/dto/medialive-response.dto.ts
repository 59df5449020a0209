import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class MediaLiveStatusDto {
  @ApiProperty() enabled!: boolean;
  @ApiPropertyOptional({ description: 'Why disabled, and how to enable' }) reason?: string;
  @ApiPropertyOptional() region?: string;
  @ApiPropertyOptional({ nullable: true, type: String }) endpoint?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) last_throttled_at?: string | null;
}

export class MediaLiveUdpDestinationDto {
  @ApiProperty() output_group!: string;
  @ApiProperty() output!: string;
  @ApiProperty() destination_id!: string;
  @ApiProperty({ type: [String], description: 'Per pipeline, pipeline 0 first; "" when unwired' }) urls!: string[];
  @ApiProperty({ nullable: true, type: String }) scte35_control!: string | null;
  @ApiProperty({ nullable: true, type: Number }) scte35_pid!: number | null;
  @ApiProperty({ nullable: true, type: String }) fec!: string | null;
  @ApiProperty({ nullable: true, type: Number }) buffer_msec!: number | null;
}

export class MediaLiveLinkDto {
  @ApiProperty() medialive_channel_id!: string;
  @ApiProperty({ format: 'uuid' }) channel_id!: string;
  @ApiProperty() channel_name!: string;
  @ApiProperty() pipeline0_url!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Recorded for the backup input (not received yet)' }) pipeline1_url!: string | null;
  @ApiProperty() linked_at!: string;
  @ApiProperty() linked_by!: string;
}

export class MediaLiveInputAttachmentDto {
  @ApiProperty() name!: string;
  @ApiProperty() input_id!: string;
}

export class MediaLiveChannelDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() arn!: string;
  @ApiProperty({ example: 'IDLE' }) state!: string;
  @ApiProperty({ example: 'STANDARD' }) channel_class!: string;
  @ApiProperty() pipelines_running!: number;
  @ApiProperty({ type: [MediaLiveInputAttachmentDto] }) input_attachments!: MediaLiveInputAttachmentDto[];
  @ApiProperty({ type: [MediaLiveUdpDestinationDto] }) udp_destinations!: MediaLiveUdpDestinationDto[];
  @ApiProperty({ type: MediaLiveLinkDto, nullable: true }) link!: MediaLiveLinkDto | null;
}

export class PreflightResultDto {
  @ApiProperty() check!: string;
  @ApiProperty({ enum: ['pass', 'warn', 'fail'] }) status!: 'pass' | 'warn' | 'fail';
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ description: 'The MediaLive setting to change' }) setting?: string;
  @ApiPropertyOptional() expected?: string;
}

export class MediaLivePreflightDto {
  @ApiProperty() medialive_channel_id!: string;
  @ApiProperty({ enum: ['pass', 'warn', 'fail'] }) status!: 'pass' | 'warn' | 'fail';
  @ApiProperty({ type: [PreflightResultDto] }) results!: PreflightResultDto[];
}

export class MediaLiveActionDto {
  @ApiProperty() medialive_channel_id!: string;
  @ApiProperty({ example: 'STARTING' }) state!: string;
  @ApiPropertyOptional({ type: MediaLivePreflightDto }) preflight?: MediaLivePreflightDto;
}

export class MediaLiveFixChangeDto {
  @ApiProperty() setting!: string;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
}

export class MediaLiveFixDto {
  @ApiProperty() medialive_channel_id!: string;
  @ApiProperty() applied!: boolean;
  @ApiProperty({ type: [MediaLiveFixChangeDto] }) changes!: MediaLiveFixChangeDto[];
}

export class LinkedChannelDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() input_type!: string;
  @ApiProperty() bind_ip!: string;
  @ApiProperty() port!: number;
  @ApiProperty({ description: 'True when link created the channel' }) created!: boolean;
}

export class MediaLiveLinkResultDto {
  @ApiProperty({ type: MediaLiveLinkDto }) link!: MediaLiveLinkDto;
  @ApiProperty({ type: LinkedChannelDto }) channel!: LinkedChannelDto;
  @ApiProperty({ type: MediaLivePreflightDto }) preflight!: MediaLivePreflightDto;
  @ApiProperty() note!: string;
}

export class MediaLiveInputDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() type!: string;
  @ApiProperty() state!: string;
  @ApiProperty({ type: [String] }) security_group_ids!: string[];
  @ApiProperty({ type: [String], description: 'Where the encoder sends (push), or the listener MediaLive calls (SRT_CALLER)' }) endpoints!: string[];
}

export class MediaLiveAlertDto {
  @ApiProperty() id!: string;
  @ApiProperty() type!: string;
  @ApiProperty() message!: string;
  @ApiProperty() pipeline!: string;
  @ApiProperty() state!: string;
  @ApiProperty({ nullable: true, type: String }) set_at!: string | null;
}
