import { Initial1795613207164 } from './1795613207164-initial.js';
import { EventLog1795614525437 } from './1795614525437-event-log.js';
import { SessionVersion1796164960843 } from './1796164960843-session-version.js';
import { AuditIntegrity1796165083066 } from './1796165083066-audit-integrity.js';
import { Limits1796165719467 } from './1796165719467-limits.js';
import { MediaLiveLinks1796169600000 } from './1796169600000-medialive-links.js';
import { MediaLibrary1796194377970 } from './1796194377970-media-library.js';
import { InputKinds1796195379099 } from './1796195379099-input-kinds.js';
import { BackupInputs1796280000000 } from './1796280000000-backup-inputs.js';
import { InputLoss1796400000000 } from './1796400000000-input-loss.js';
import { Nodes1796500000000 } from './1796500000000-nodes.js';
import { ChannelLeases1796500000001 } from './1796500000001-channel-leases.js';
import { NodeDraining1796500000002 } from './1796500000002-node-draining.js';
import { ChannelRuntime1796500000003 } from './1796500000003-channel-runtime.js';

// Every migration, oldest first. New ones: `npm run migration:generate -- --name=<PascalName>`, then list them here.
export const MIGRATIONS = [Initial1795613207164, EventLog1795614525437, SessionVersion1796164960843, AuditIntegrity1796165083066, Limits1796165719467, MediaLiveLinks1796169600000, MediaLibrary1796194377970, InputKinds1796195379099, BackupInputs1796280000000, InputLoss1796400000000, Nodes1796500000000, ChannelLeases1796500000001, NodeDraining1796500000002, ChannelRuntime1796500000003];
