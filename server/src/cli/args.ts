/** Command-line options of apparmor-lint; the interface is a contract other tools build on. */
export interface LintArgs {
  includeDirs: string[];
  base?: string;
  abi?: string;
  fragment: boolean;
  format: 'text' | 'json' | 'gcc';
  /** Read PATHs as kernel logs and propose the rules their AppArmor denials ask for. */
  denials: boolean;
  /** With --denials: paths exactly as logged, no tunables. */
  literal: boolean;
  /** Largest input read, in bytes; default 8 MB for a profile, 64 MB for a log. */
  maxSize?: number;
  paths: string[];
  help: boolean;
  version: boolean;
}

export class UsageError extends Error {}

export const USAGE = `Usage: apparmor-lint [--include-dir DIR]... [--base DIR] [--abi X.Y] [--fragment] [--format text|json|gcc] PATH...
       apparmor-lint --denials [--literal] [--format text|json] LOG...

Checks AppArmor profiles the way apparmor_parser reads them, and explains what is wrong.
With --denials, reads kernel logs (dmesg, journalctl, syslog, audit.log) and prints, for
each profile, the rules that would allow what AppArmor denied.

  -I, --include-dir DIR  search DIR for <...> includes (repeatable; default /etc/apparmor.d)
  -b, --base DIR         base folder for relative includes
      --abi X.Y          hold syntax against this AppArmor version when a file declares no abi
      --fragment         check files as include fragments (abstractions, tunables, local/)
  -f, --format FORMAT    text (default), json, or gcc (file:line:col: severity: message [code])
      --denials          read LOGs (files, or - for standard input) and propose rules for their denials
      --literal          with --denials: paths exactly as logged, without tunables such as @{HOME}
      --max-size SIZE    read at most SIZE bytes of a file or of standard input (K, M, G suffixes;
                         default 8M for a profile, 64M for a log); larger profiles in folders are skipped
  -h, --help             show this help
  -V, --version          show the version

PATH may be a regular file, a directory (checked recursively), or - for standard input.
Exit status: 0 no errors, 1 errors found, 2 bad usage or unreadable input (a missing,
unreadable, non-regular or too large file) or any other failure, told in one line
(with --denials: 0 once the logs are read, 2 as above).`;

const FORMATS = ['text', 'json', 'gcc'] as const;

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** `4096`, `640K`, `8M`, `1G` (binary units; a trailing B or iB is allowed). */
function parseSize(v: string): number {
  const m = /^(\d+)([KMG]?)(?:i?B)?$/i.exec(v);
  const n = m ? Number(m[1]) * UNITS[m[2]!.toUpperCase()]! : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--max-size takes a size such as 100M or 2G, not '${v}'`);
  return n;
}

export function parseArgs(argv: readonly string[]): LintArgs {
  const args: LintArgs = { includeDirs: [], fragment: false, format: 'text', denials: false, literal: false, paths: [], help: false, version: false };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const value = (): string => {
      if (eq > 0) return raw.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '-I': case '--include-dir': case '--Include': args.includeDirs.push(value()); break;
      case '-b': case '--base': args.base = value(); break;
      case '--abi': {
        const v = value();
        if (!/^\d+\.\d+$/.test(v)) throw new UsageError(`--abi takes a version such as 3.0 or 4.1, not '${v}'`);
        args.abi = v;
        break;
      }
      case '--fragment': args.fragment = true; break;
      case '--denials': args.denials = true; if (eq > 0) args.paths.push(value()); break;
      case '--literal': args.literal = true; break;
      case '--max-size': args.maxSize = parseSize(value()); break;
      case '-f': case '--format': {
        const v = value();
        if (!(FORMATS as readonly string[]).includes(v)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not '${v}'`);
        args.format = v as LintArgs['format'];
        break;
      }
      case '-h': case '--help': args.help = true; break;
      case '-V': case '--version': args.version = true; break;
      case '--': for (const p of argv.slice(i + 1)) args.paths.push(p); i = argv.length; break;
      default:
        if (raw.startsWith('-I') && raw.length > 2) args.includeDirs.push(raw.slice(2));
        else if (raw.startsWith('-') && raw !== '-') throw new UsageError(`unknown option '${raw}'`);
        else args.paths.push(raw);
    }
  }
  if (!args.help && !args.version && args.paths.length === 0) throw new UsageError(args.denials ? 'no LOG given' : 'no PATH given');
  if (args.denials && args.format === 'gcc') throw new UsageError('--denials prints text or json, not gcc');
  return args;
}
