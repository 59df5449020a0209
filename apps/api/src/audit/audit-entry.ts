import type { Principal } from '../auth/principal.js';
import { escapeForLog } from '../common/log-escape.js';
import { storableText } from '../common/safe-text.js';
import type { AuditRecordEntity } from './audit-record.entity.js';
import { boundBody } from './redact.js';

export type AuditEntry = Omit<AuditRecordEntity, 'id' | 'at'>;
export type AuditActor = Pick<Principal, 'type' | 'id' | 'name'>;

/** Status of a record written before its request is handled; replaced by the real one after. */
export const IN_PROGRESS = 102;
export const LOGIN_ACTION = 'AuthController.login';

export interface RequestFacts {
  method: string;
  path: string;
  body: unknown;
  principal?: AuditActor;
  action: string;
}

/** At most `max` code points, so a cut never splits a surrogate pair. */
const codePoints = (text: string, max: number) => Array.from(text).slice(0, max).join('');

/**
 * What the audit log stores for a request. Only an authenticated principal names the actor and
 * only its body is kept (redacted, bounded): an anonymous caller can neither pick the name the
 * operator reads nor store what it likes. A login's username is kept apart, as what was tried.
 */
export function auditEntryFor(facts: RequestFacts, statusCode: number): AuditEntry {
  const principal = facts.principal;
  const base = {
    method: codePoints(facts.method, 8),
    path: storableText(codePoints(facts.path.split('?')[0] ?? '', 300)),
    action: codePoints(facts.action, 100),
    statusCode,
  };
  if (!principal) {
    return { ...base, actorType: 'anonymous', actorId: null, actorName: 'anonymous', details: null, detailsTruncated: false, attemptedUsername: attemptedUsername(facts) };
  }
  const hasBody = facts.body !== null && typeof facts.body === 'object' && Object.keys(facts.body).length > 0;
  const bounded = hasBody ? boundBody(facts.body) : { value: null, truncated: false };
  return {
    ...base,
    actorType: principal.type,
    actorId: principal.id,
    actorName: storableText(codePoints(principal.name, 100)),
    details: bounded.value,
    detailsTruncated: bounded.truncated,
    attemptedUsername: null,
  };
}

function attemptedUsername(facts: RequestFacts): string | null {
  if (facts.action !== LOGIN_ACTION) return null;
  const username = (facts.body as { username?: unknown } | null)?.username;
  if (typeof username !== 'string') return null;
  // Escaped so it reads as what was typed, whatever bytes it held; bounded to the column.
  return codePoints(escapeForLog(storableText(username)).replace(/\n/g, '\\n'), 64);
}

/** A successful login is made by the user it logged in, known only from the handler's answer. */
export function loginActor(action: string, result: unknown): AuditActor | undefined {
  if (action !== LOGIN_ACTION) return undefined;
  const user = (result as { user?: { id?: unknown; username?: unknown } } | null)?.user;
  return typeof user?.id === 'string' && typeof user.username === 'string' ? { type: 'user', id: user.id, name: user.username } : undefined;
}
