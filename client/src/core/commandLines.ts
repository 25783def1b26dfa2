/** The argument vectors of every program the extension runs; nothing here is ever joined into a shell string. */

export type Privilege = 'sudo' | 'pkexec' | 'none';

export interface ParserSettings {
  /** apparmor_parser, absolute or looked up in PATH. */
  readonly parser: string;
  readonly includeDirs: readonly string[];
  readonly base?: string;
}

/**
 * The search path and base as the aa-* tools pass them. The profile path is always
 * absolute, so it can never be read as an option.
 */
function includeArgs(s: ParserSettings): string[] {
  return [...s.includeDirs.flatMap((d) => ['-I', d]), ...(s.base ? ['-b', s.base] : [])];
}

/** Replace (or add) the file's profiles in the kernel and refresh the cache, as aa-enforce does. */
export function buildLoadArgs(s: ParserSettings, file: string): string[] {
  return [s.parser, '-r', '-W', ...includeArgs(s), file];
}

export function buildUnloadArgs(s: ParserSettings, file: string): string[] {
  return [s.parser, '-R', ...includeArgs(s), file];
}

/** A full compile without the kernel or the cache: needs no privilege. */
export function buildCheckArgs(s: ParserSettings, file: string): string[] {
  return [s.parser, '-Q', '-K', ...includeArgs(s), file];
}

export function buildStatusArgs(aaStatus: string): string[] {
  return [aaStatus, '--json'];
}

/** How a command that needs root is started. */
export type Elevation =
  | { readonly how: 'direct'; readonly argv: string[] }
  /** sudo -n first: it runs at once where credentials are cached or not needed, else it fails without asking. */
  | { readonly how: 'sudo'; readonly argv: string[]; readonly terminalArgv: string[] }
  | { readonly how: 'pkexec'; readonly argv: string[] }
  /** Nothing is run: the program could not be handed over safely. */
  | { readonly how: 'refused'; readonly argv: string[]; readonly reason: string };

export function elevate(argv: readonly string[], privilege: Privilege, isRoot: boolean): Elevation {
  if (isRoot || privilege === 'none') return { how: 'direct', argv: [...argv] };
  if (privilege === 'pkexec') {
    // pkexec has no "--" (it would run a program named "--"): it reads its own options up to
    // the first word it does not know, so a program named like an option is refused instead.
    if (argv[0]!.startsWith('-')) return { how: 'refused', argv: [...argv], reason: `pkexec would read the program name "${argv[0]}" as one of its options; give the program as a path.` };
    return { how: 'pkexec', argv: ['pkexec', ...argv] };
  }
  return { how: 'sudo', argv: ['sudo', '-n', '--', ...argv], terminalArgv: ['sudo', '--', ...argv] };
}

/** sudo's own words when it would have to ask for a password (or has no terminal to ask on). */
export function isSudoAskingForPassword(stderr: string): boolean {
  return /^sudo: (a password is required|a terminal is required|no tty present)/m.test(stderr);
}

/** The docker command that runs a container under a loaded profile. */
export function buildDockerRunArgs(profile: string, image: string): string[] {
  return ['docker', 'run', '--rm', '-it', '--security-opt', `apparmor=${profile}`, image];
}
