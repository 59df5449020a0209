/**
 * Makes a string safe to write on one log line: control characters (ESC, BEL, NUL, CR, DEL, C1)
 * become visible escapes so a user-written value can neither drive the operator's terminal nor
 * forge a log line. A newline stays (stack traces are multi-line) but every continuation line is
 * indented, so nothing written by a user can start a line of its own.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function escapeForLog(text: string): string {
  return text
    .replace(UNSAFE, (c) => {
      const code = c.charCodeAt(0);
      return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    })
    .replace(/\n(?! {4})/g, '\n    ');
}
