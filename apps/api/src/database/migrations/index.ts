import { Initial1795613207164 } from './1795613207164-initial.js';
import { EventLog1795614525437 } from './1795614525437-event-log.js';
import { MediaLiveLinks1796169600000 } from './1796169600000-medialive-links.js';

// Every migration, oldest first. New ones: `npm run migration:generate -- --name=<PascalName>`, then list them here.
export const MIGRATIONS = [Initial1795613207164, EventLog1795614525437, MediaLiveLinks1796169600000];
