/** Command-line options of apparmor-lint; the interface is a contract other tools build on. */
export interface LintArgs {
  includeDirs: string[];
  base?: string;
  abi?: string;
  fragment: boolean;
  format: 'text' | 'json' | 'gcc' | 'sarif';
  /** `.apparmor-lint.json` to use for every file instead of the nearest one. */
  config?: string;
  /** Use no configuration file at all. */
  noConfig: boolean;
  /** ABIs each profile is also held to (`--target-abi 3.0,4.0`). */
  targetAbi?: string[];
  /** A kernel feature set to hold profiles to, as apparmor_parser's --features-file. */
  featuresFile?: string;
  /** List suppression comments that hide nothing. */
  reportUnusedSuppressions: boolean;
  /** Exit 1 when more warnings than this are reported. */
  maxWarnings?: number;
  /** Read PATHs as kernel logs and propose the rules their AppArmor denials ask for. */
  denials: boolean;
  /** With --denials: paths exactly as logged, no tunables. */
  literal: boolean;
  /** With --query FILE: evaluate each ACCESS (in `paths`) against a profile of FILE. */
  query?: string;
  /** With --query: the profile asked about (`parent//child` for hats and children). */
  profile?: string;
  /** With --denials: files or folders whose profiles each denial is classified against. */
  profiles: string[];
  /** Check expectation files (`allow PROFILE ACCESS`, `deny PROFILE ACCESS`) given as PATHs. */
  test: boolean;
  /** Largest input read, in bytes; default 8 MB for a profile, 64 MB for a log. */
  maxSize?: number;
  paths: string[];
  help: boolean;
  version: boolean;
}

export class UsageError extends Error {}

export const USAGE = `Usage: apparmor-lint [--include-dir DIR]... [--base DIR] [--abi X.Y] [--target-abi X.Y,...] [--fragment] [--format text|json|gcc|sarif] PATH...
       apparmor-lint --denials [--literal] [--profiles PATH]... [--format text|json] LOG...
       apparmor-lint [--include-dir DIR]... [--base DIR] --query FILE [--profile NAME] [--format text|json] ACCESS...
       apparmor-lint [--include-dir DIR]... [--base DIR] --test FILE...

Checks AppArmor profiles the way apparmor_parser reads them, and explains what is wrong.
With --denials, reads kernel logs (dmesg, journalctl, syslog, audit.log) and prints, for
each profile, the rules that would allow what AppArmor denied.

  -I, --include-dir DIR  search DIR for <...> includes (repeatable; default /etc/apparmor.d)
  -b, --base DIR         base folder for relative includes
      --abi X.Y          hold syntax against this AppArmor version when a file declares no abi
      --target-abi LIST  also hold each profile to these ABIs (comma-separated, such as 3.0,4.0):
                         a construct a target does not know is an error there
      --features-file F  also hold each profile to the kernel feature set in F (as apparmor_parser takes)
      --fragment         check files as include fragments (abstractions, tunables, local/)
  -f, --format FORMAT    text (default), json, gcc (file:line:col: severity: message [code]),
                         or sarif (SARIF 2.1.0, for code scanning)
      --config FILE      use FILE instead of the nearest .apparmor-lint.json above each file
      --no-config        use no .apparmor-lint.json
      --report-unused-suppressions  warn about #aa:lint ignore= comments that hide nothing
      --max-warnings N   exit 1 when more than N warnings are reported
      --denials          read LOGs (files, or - for standard input) and propose rules for their denials
      --query FILE       answer whether FILE's profile allows each ACCESS, written like the rule
                         that would allow it ('r /etc/shadow', 'capability net_admin'), and which lines decide
      --profiles PATH    with --denials: classify each denial against the profiles of PATH (file or folder):
                         already allowed, blocked by a deny rule, needs owner, needs a transition target
      --profile NAME     with --query: the profile asked about (default: the file's first)
      --test             check expectation FILEs: lines 'allow PROFILE ACCESS' or 'deny PROFILE ACCESS'
      --literal          with --denials: paths exactly as logged, without tunables such as @{HOME}
      --max-size SIZE    read at most SIZE bytes of a file or of standard input (K, M, G suffixes;
                         default 8M for a profile, 64M for a log); larger profiles in folders are skipped
  -h, --help             show this help
  -V, --version          show the version

PATH may be a regular file, a directory (checked recursively), or - for standard input.
Exit status: 0 no errors, 1 errors found (or more warnings than --max-warnings), 2 bad usage,
a bad .apparmor-lint.json or features file, or unreadable input (a missing,
unreadable, non-regular or too large file) or any other failure, told in one line
(with --denials and --query: 0 once answered, 2 as above; with --test: 1 when an
expectation fails).`;

const FORMATS = ['text', 'json', 'gcc', 'sarif'] as const;

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** `4096`, `640K`, `8M`, `1G` (binary units; a trailing B or iB is allowed). */
function parseSize(v: string): number {
  const m = /^(\d+)([KMG]?)(?:i?B)?$/i.exec(v);
  const n = m ? Number(m[1]) * UNITS[m[2]!.toUpperCase()]! : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--max-size takes a size such as 100M or 2G, not '${v}'`);
  return n;
}

export function parseArgs(argv: readonly string[]): LintArgs {
  const args: LintArgs = { includeDirs: [], fragment: false, format: 'text', noConfig: false, reportUnusedSuppressions: false, denials: false, literal: false, test: false, profiles: [], paths: [], help: false, version: false };
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
      case '--target-abi': {
        const v = value();
        const list = v.split(',').map((x) => x.trim());
        if (list.some((x) => !/^\d+\.\d+$/.test(x))) throw new UsageError(`--target-abi takes versions such as 3.0,4.0, not '${v}'`);
        args.targetAbi = [...new Set(list)];
        break;
      }
      case '--features-file': args.featuresFile = value(); break;
      case '--config': args.config = value(); break;
      case '--no-config': args.noConfig = true; break;
      case '--report-unused-suppressions': args.reportUnusedSuppressions = true; break;
      case '--max-warnings': {
        const v = value();
        if (!/^\d+$/.test(v)) throw new UsageError(`--max-warnings takes a count such as 0 or 10, not '${v}'`);
        args.maxWarnings = Number(v);
        break;
      }
      case '--fragment': args.fragment = true; break;
      case '--denials': args.denials = true; if (eq > 0) args.paths.push(value()); break;
      case '--literal': args.literal = true; break;
      case '--query': args.query = value(); break;
      case '--profile': args.profile = value(); break;
      case '--profiles': args.profiles.push(value()); break;
      case '--test': args.test = true; if (eq > 0) args.paths.push(value()); break;
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
  checkModes(args);
  if (!args.help && !args.version && args.paths.length === 0) throw new UsageError(args.denials ? 'no LOG given' : args.query !== undefined ? 'no ACCESS given' : 'no PATH given');
  const mode = args.denials ? '--denials' : args.query !== undefined ? '--query' : undefined;
  if (mode && (args.format === 'gcc' || args.format === 'sarif')) throw new UsageError(`${mode} prints text or json, not ${args.format}`);
  if (args.config && args.noConfig) throw new UsageError('--config and --no-config cannot be given together');
  return args;
}

/** --denials, --query and --test each read their PATHs differently: one at a time. */
function checkModes(args: LintArgs): void {
  const modes = [args.denials && '--denials', args.query !== undefined && '--query', args.test && '--test'].filter((m): m is string => m !== false);
  if (modes.length > 1) throw new UsageError(`${modes.join(' and ')} cannot be used together`);
  if (args.profile !== undefined && args.query === undefined) throw new UsageError('--profile goes with --query');
  if (args.profiles.length > 0 && !args.denials) throw new UsageError('--profiles goes with --denials');
}
