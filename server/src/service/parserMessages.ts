import { withExplanation } from './parserExplanations';

/**
 * Reads apparmor_parser's stderr into located messages. Its "in profile" names the
 * file the error is in (possibly an included one); it never prints columns.
 */
export interface ParserMessage {
  readonly severity: 'error' | 'warning';
  /** The file the message is about, as apparmor_parser printed it (absent for stdin). */
  readonly file?: string;
  /** 1-based; absent for messages without a line (regex and variable errors). */
  readonly line?: number;
  readonly message: string;
}

/** The outcome of running apparmor_parser on a file. */
export interface ParserRun {
  readonly available: boolean;
  readonly messages: ParserMessage[];
  /** As `apparmor_parser -V` prints it (`3.0.8`), where it could be asked. */
  readonly version?: string;
}

const ERROR = /^AppArmor parser error(?: for (.+?) in profile (.+?))? at line (\d+): (.*)$/;
const WARNING = /^Warning from (.+?) \((.+?) line (\d+)\): (.*)$/;
const NOISE = /^(Cache read\/write disabled|Warning: unable to find a suitable fs in \/proc\/mounts)/;

export function parseParserOutput(stderr: string): ParserMessage[] {
  const out: ParserMessage[] = [];
  for (const raw of stderr.split('\n')) {
    const line = raw.trim();
    if (!line || NOISE.test(line)) continue;
    let m = ERROR.exec(line);
    if (m) {
      out.push({ severity: 'error', file: m[2] ?? m[1], line: Number(m[3]), message: withExplanation(m[4]!.trim()) });
      continue;
    }
    m = WARNING.exec(line);
    if (m) {
      out.push({ severity: 'warning', file: m[2], line: Number(m[3]), message: withExplanation(m[4]!.trim()) });
      continue;
    }
    // Messages without a place: "Found reference to variable X, but is never declared",
    // regex errors, "ERROR … failed to load".
    out.push({ severity: /^Warning/i.test(line) ? 'warning' : 'error', message: withExplanation(line.replace(/^[^:]*apparmor_parser: /, '')) });
  }
  return out;
}
