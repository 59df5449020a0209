/** What one output line of a tool means to the supervisor. */
export interface ParsedLine {
  /** Human-readable error worth showing as the process's last error. */
  error?: string;
  /**
   * Present when the line proves the tool is moving data (FFmpeg `frame=`,
   * srt-live-transmit stats). It feeds the stall watchdog and readiness.
   */
  progress?: Readonly<Record<string, string | number>>;
  /**
   * The tool said something retrying cannot fix (a codec its output container cannot carry, an
   * unknown option): when the process then exits it goes to `failed`, not `backoff`, so it does
   * not loop. `retryNow()`/`start()` still relaunch it once the cause is fixed.
   */
  fatal?: boolean;
}

/**
 * One implementation per tool (FFmpeg, srt-live-transmit, …). Must be pure and
 * cheap: it runs on every stderr line, after redaction.
 */
export interface LineParser {
  parse(line: string): ParsedLine | undefined;
}

// Phrases FFmpeg, srt-live-transmit, libsrt and the kernel use when something
// went wrong. Word boundaries keep "errors=0" style counters from matching.
const ERROR_PATTERNS: readonly RegExp[] = [
  /\berror\b/i,
  /\bfail(?:ed|ure|s)?\b/i,
  /connection (?:refused|reset|timed out)/i,
  /no such file/i,
  /\binvalid\b/i,
  /permission denied/i,
  /\bdenied\b/i,
  /broken pipe/i,
  /\btimed? ?out\b/i,
  /\b(?:cannot|can't|could not|couldn't|unable to)\b/i,
  /\bnot found\b/i,
  /\bfatal\b/i,
  /\bunreachable\b/i,
];

// Lines that contain error words but are not errors.
const NOT_AN_ERROR: readonly RegExp[] = [/^\s*configuration:/i, /\berrors?\s*[=:]\s*0\b/i];

export function looksLikeError(line: string): boolean {
  if (NOT_AN_ERROR.some((re) => re.test(line))) return false;
  return ERROR_PATTERNS.some((re) => re.test(line));
}

/** Tool-agnostic fallback: reports error-ish lines, never progress. */
export const genericLineParser: LineParser = {
  parse(line: string): ParsedLine | undefined {
    const text = line.trim();
    if (text.length === 0 || !looksLikeError(text)) return undefined;
    return { error: text };
  },
};

/** Runs several parsers and merges their findings; the first error wins, progress fields are merged. */
export function combineParsers(...parsers: readonly LineParser[]): LineParser {
  return {
    parse(line: string): ParsedLine | undefined {
      let result: ParsedLine | undefined;
      for (const parser of parsers) {
        const parsed = parser.parse(line);
        if (!parsed) continue;
        result = {
          error: result?.error ?? parsed.error,
          progress: parsed.progress || result?.progress ? { ...result?.progress, ...parsed.progress } : undefined,
        };
      }
      if (result && result.error === undefined) delete result.error;
      if (result && result.progress === undefined) delete result.progress;
      return result;
    },
  };
}
