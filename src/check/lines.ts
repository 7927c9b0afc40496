/**
 * The streaming line reader: splits text arriving in chunks into numbered lines without ever
 * holding more than one line (plus one chunk). Tolerates what real files contain: a UTF-8 byte
 * order mark at the start (dropped, with a notice), CRLF line ends, a last line without a newline
 * (flagged `terminated: false`, so a truncated record can be named as such), and lines longer than
 * a limit (dropped and flagged, so one runaway line cannot exhaust memory).
 */
import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export interface Line {
  /** 1-based line number in the file. */
  readonly number: number;
  /** The line without its line end ('' when tooLong). */
  readonly text: string;
  /** false for a last line that ended without a newline. */
  readonly terminated: boolean;
  /** The line exceeded maxLineChars and was dropped. */
  readonly tooLong: boolean;
}

export interface LineNotice {
  readonly line: number;
  readonly message: string;
}

/** Default cap on one line: 256 Mi characters (a record of a ~10^7-parameter model). */
export const DEFAULT_MAX_LINE_CHARS = 256 * 1024 * 1024;

const BOM = '\uFEFF';

export class LineSplitter {
  private partial = '';
  private partialTooLong = false;
  private lineNumber = 0;
  private started = false;
  /** Notices about tolerated irregularities (BOM). */
  readonly notices: LineNotice[] = [];

  constructor(
    private readonly onLine: (line: Line) => void,
    private readonly maxLineChars = DEFAULT_MAX_LINE_CHARS,
  ) {}

  /** Feed the next chunk of decoded text. */
  feed(chunk: string): void {
    let text = chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.startsWith(BOM)) {
        text = text.slice(1);
        this.notices.push({ line: 1, message: 'UTF-8 byte order mark at the start of the file ignored' });
      }
    }
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      if (end < 0) break;
      this.emitPiece(text, start, end, true);
      start = end + 1;
    }
    if (start < text.length) this.appendPartial(text, start, text.length);
  }

  /** Flush the last line (if the text did not end with a newline). */
  end(): void {
    if (this.partial.length > 0 || this.partialTooLong) this.emitPiece('', 0, 0, false);
  }

  private appendPartial(text: string, from: number, to: number): void {
    if (this.partialTooLong) return;
    if (this.partial.length + (to - from) > this.maxLineChars) {
      this.partialTooLong = true;
      this.partial = '';
      return;
    }
    this.partial += text.slice(from, to);
  }

  private emitPiece(text: string, from: number, to: number, terminated: boolean): void {
    this.lineNumber += 1;
    let tooLong = this.partialTooLong;
    let line = '';
    if (!tooLong) {
      if (this.partial.length + (to - from) > this.maxLineChars) tooLong = true;
      else line = this.partial.length > 0 ? this.partial + text.slice(from, to) : text.slice(from, to);
    }
    this.partial = '';
    this.partialTooLong = false;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    this.onLine({ number: this.lineNumber, text: line, terminated, tooLong });
  }
}

/** Split a whole string into lines (tests, fuzzing, small inputs). */
export function splitLines(text: string, maxLineChars = DEFAULT_MAX_LINE_CHARS): { lines: Line[]; notices: LineNotice[] } {
  const lines: Line[] = [];
  const splitter = new LineSplitter((line) => lines.push(line), maxLineChars);
  splitter.feed(text);
  splitter.end();
  return { lines, notices: splitter.notices };
}

/** Stream a file line by line: memory is one chunk plus the longest line, whatever the file size. */
export async function streamLines(
  path: string,
  onLine: (line: Line) => void,
  maxLineChars = DEFAULT_MAX_LINE_CHARS,
): Promise<LineNotice[]> {
  const splitter = new LineSplitter(onLine, maxLineChars);
  const decoder = new StringDecoder('utf8');
  let pending = false;
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  for await (const chunk of stream) {
    const bytes = chunk as Buffer;
    // Traces are almost always ASCII: then a one-byte latin1 view is the same text, without the
    // UTF-8 decoder (a sixth of the checker's time). Anything else goes through the decoder,
    // which carries a character split across chunks.
    if (!pending && isAscii(bytes)) {
      splitter.feed(bytes.toString('latin1'));
    } else {
      const text = decoder.write(bytes);
      // A last byte below 0x80 ends any sequence: the decoder holds nothing back.
      pending = bytes.length > 0 && (bytes[bytes.length - 1] & 0x80) !== 0;
      splitter.feed(text);
    }
  }
  splitter.feed(decoder.end());
  splitter.end();
  return splitter.notices;
}
