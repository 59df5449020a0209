import { AuditRecordEntity } from '../audit/audit-record.entity.js';
import { ChannelEntity } from '../channels/channel.entity.js';
import { EventRecordEntity } from '../event-log/event-record.entity.js';
import { LimitsEntity } from '../limits/limits.entity.js';
import { MediaEntity } from '../media/media.entity.js';
import { MediaLiveLinkEntity } from '../medialive/medialive-link.entity.js';
import { NodeEntity } from '../nodes/node.entity.js';
import { OutputEntity } from '../outputs/output.entity.js';
import { ApiTokenEntity } from '../tokens/api-token.entity.js';
import { UserEntity } from '../users/user.entity.js';

export const ENTITIES = [ChannelEntity, OutputEntity, UserEntity, ApiTokenEntity, AuditRecordEntity, EventRecordEntity, LimitsEntity, MediaLiveLinkEntity, MediaEntity, NodeEntity];
