import type { LineParser, ParsedLine } from './line-parser.js';
import { LineSplitter, truncateLine } from './line-splitter.js';

export type OutputStream = 'stderr' | 'stdout';

export interface OutputLine {
  stream: OutputStream;
  /** Redacted, then capped to the stored length. */
  line: string;
  /** Redacted and capped as well. */
  error?: string;
  progress?: ParsedLine['progress'];
  /** The parser threw on this line (redacted message). */
  parserError?: string;
}

// Splitting cap, far above the stored cap: redaction must see a secret whole
// before the line is cut for storage.
const SPLIT_CAP = 64 * 1024;

/** Wraps the owner's redact so that a throwing redactor never lets raw text through. */
export function safeRedactor(redact: ((text: string) => string) | undefined): (text: string) => string {
  if (!redact) return (text) => text;
  return (text) => {
    try {
      return redact(text);
    } catch {
      return '[redaction failed]';
    }
  };
}

/** One child's stdout/stderr text → redacted, capped, parsed lines. Pure apart from its partial-line state. */
export class OutputLines {
  private readonly splitters: Record<OutputStream, LineSplitter> = {
    stderr: new LineSplitter(SPLIT_CAP),
    stdout: new LineSplitter(SPLIT_CAP),
  };

  constructor(
    private readonly parser: LineParser,
    private readonly redact: (text: string) => string,
    private readonly maxLineLength: number,
  ) {}

  push(stream: OutputStream, text: string): OutputLine[] {
    return this.splitters[stream].push(text).map((raw) => this.process(stream, raw));
  }

  /** Unterminated tails of both streams, once the child is gone. */
  flush(): OutputLine[] {
    return (['stderr', 'stdout'] as const).flatMap((stream) => this.splitters[stream].flush().map((raw) => this.process(stream, raw)));
  }

  private process(stream: OutputStream, raw: string): OutputLine {
    const redacted = this.redact(raw);
    const out: OutputLine = { stream, line: truncateLine(redacted, this.maxLineLength) };
    let parsed: ParsedLine | undefined;
    try {
      // The parser sees the redacted line, so nothing it extracts can carry a
      // secret, and the whole of it, so an error at the end of a long line counts.
      parsed = this.parser.parse(redacted);
    } catch (err) {
      out.parserError = this.redact(err instanceof Error ? err.message : String(err));
      return out;
    }
    if (parsed?.error) out.error = truncateLine(this.redact(parsed.error), this.maxLineLength);
    if (parsed?.progress) out.progress = parsed.progress;
    return out;
  }
}
