import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Characters no name, description or username may hold: C0 controls (NUL, BEL, ESC…), DEL and
 * the C1 block. NUL cannot be stored by PostgreSQL at all; the rest rewrite terminals and logs.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** A UTF-16 surrogate without its partner: not a character, and PostgreSQL refuses it (as \ud800 in jsonb) or silently turns it into U+FFFD. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `value` cannot be stored as user-written text, or null when it can. */
export function unsafeTextProblem(value: string): 'control' | 'surrogate' | null {
  if (CONTROL.test(value)) return 'control';
  if (LONE_SURROGATE.test(value)) return 'surrogate';
  return null;
}

/** Text PostgreSQL can store: lone surrogates become U+FFFD, NUL becomes the visible escape "\u0000". */
export function storableText(value: string): string {
  return value.replace(/\u0000/g, '\\u0000').replace(new RegExp(LONE_SURROGATE.source, 'g'), '\ufffd');
}

/**
 * The one validator for every user-written name, description and username: refuses control
 * characters and lone surrogates with a 400 naming the field, before anything is stored or logged.
 * Non-strings pass untouched (IsString reports those).
 */
export function SafeText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'safeText',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || unsafeTextProblem(value) === null,
        defaultMessage: (args) => {
          const problem = typeof args?.value === 'string' ? unsafeTextProblem(args.value) : null;
          const field = args?.property ?? 'value';
          return problem === 'surrogate'
            ? `${field} contains an invalid Unicode character (a lone UTF-16 surrogate)`
            : `${field} must not contain control characters (NUL, ESC, BEL, DEL, C0/C1)`;
        },
      },
    },
    options,
  );
}
