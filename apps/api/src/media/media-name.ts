import { MEDIA_NAME_MAX_LENGTH, type ErrorFieldProblem } from '@mld/contracts';
import { unsafeTextProblem } from '../common/safe-text.js';

/**
 * A media file's name is metadata only (files are stored as <uuid>.ts), but it is shown, logged
 * and may be copied into commands by people: anything that looks like a path is refused outright.
 * Returns the trimmed name, or the problem with the field named.
 */
export function checkMediaName(value: string, field = 'name'): { ok: true; name: string } | { ok: false; problem: ErrorFieldProblem } {
  const fail = (message: string) => ({ ok: false as const, problem: { field, message: `${field} ${message}` } });
  const name = value.trim();
  if (name.length === 0) return fail('must not be empty');
  if ([...name].length > MEDIA_NAME_MAX_LENGTH) return fail(`must be at most ${MEDIA_NAME_MAX_LENGTH} characters`);
  const unsafe = unsafeTextProblem(name);
  if (unsafe === 'control') return fail('must not contain control characters (NUL, ESC, BEL, DEL, C0/C1)');
  if (unsafe === 'surrogate') return fail('contains an invalid Unicode character (a lone UTF-16 surrogate)');
  if (/[/\\]/.test(name)) return fail('must not contain path separators (/ or \\): it is a name, not a path');
  if (name.includes('..')) return fail('must not contain ".."');
  return { ok: true, name };
}

/** The name to use when none was sent: the uploaded file's own name without its extension. */
export function nameFromFileName(fileName: string | undefined): string {
  const base = (fileName ?? '').trim();
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
