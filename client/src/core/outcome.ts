/** Turns a finished (or failed to start) process into what the user is told. */

export interface RunResult {
  /** null when the process could not start or was killed. */
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** errno code when the program could not be started (ENOENT, EACCES …), or why it never finished: CANCELLED, TIMEOUT, UNTYPEABLE, REFUSED. */
  readonly spawnError?: string;
  /** Words for the user that go with spawnError. */
  readonly detail?: string;
}

export type OutcomeKind = 'ok' | 'missing' | 'noKernel' | 'permission' | 'cancelled' | 'failed';

export interface Outcome {
  readonly kind: OutcomeKind;
  readonly message: string;
}

export interface Tool {
  /** What the user knows it as: apparmor_parser, aa-status, sudo … */
  readonly name: string;
  /** The program actually started first (sudo or pkexec when elevated). */
  readonly program: string;
}

export const SECURITYFS = '/sys/kernel/security/apparmor';

export const NO_KERNEL_MESSAGE =
  `This kernel has no AppArmor (${SECURITYFS} is missing), so profiles cannot be loaded, unloaded or listed here. ` +
  '"AppArmor: Check with apparmor_parser" still works.';

const INSTALL_HINTS: Record<string, string> = {
  apparmor_parser: 'Install it (Debian/Ubuntu: apt-get install apparmor) or set apparmor.parserPath.',
  'aa-status': 'It comes with the apparmor package (apparmor-utils on some distributions).',
  sudo: 'Set apparmor.privilege to "pkexec", or to "none" when VS Code runs as root.',
  pkexec: 'Install polkit (pkexec), or set apparmor.privilege to "sudo".',
  docker: 'Install Docker to run containers.',
};

const DENIED = /permission denied|access denied|need policy admin privileges|not enough privilege|operation not permitted/i;
const NOT_FOUND = /^sudo: .*: command not found|^Cannot run program .*: No such file or directory/m;
const NO_APPARMORFS = /unable to find a suitable fs in \/proc\/mounts|apparmor not present|apparmor filesystem is not mounted/i;

export function classifyRun(run: RunResult, tool: Tool): Outcome {
  if (run.spawnError) return classifySpawnError(run.spawnError, tool, run.detail);
  // sudo and pkexec start fine and then report that the program itself is missing.
  if (run.exitCode !== 0 && NOT_FOUND.test(run.stderr)) return classifySpawnError('ENOENT', { ...tool, program: tool.name });
  if (tool.program === 'pkexec' && run.exitCode === 126) return { kind: 'cancelled', message: 'The authentication dialog was dismissed; nothing was run.' };
  if (tool.program === 'pkexec' && run.exitCode === 127) return { kind: 'permission', message: 'pkexec did not authorize the command (or could not find it).' };
  if (run.exitCode === 0) return { kind: 'ok', message: `${tool.name} succeeded.` };
  if (NO_APPARMORFS.test(run.stderr)) return { kind: 'noKernel', message: NO_KERNEL_MESSAGE };
  if (tool.name === 'aa-status') return classifyStatusExit(run);
  if (DENIED.test(run.stderr)) return { kind: 'permission', message: permissionMessage(tool) };
  return { kind: 'failed', message: `${tool.name} failed${run.exitCode === null ? '' : ` (exit status ${run.exitCode})`}: ${firstLines(run.stderr || run.stdout)}` };
}

function classifySpawnError(code: string, tool: Tool, detail?: string): Outcome {
  if (code === 'CANCELLED') return { kind: 'cancelled', message: detail ?? `${tool.name} was cancelled.` };
  if (code === 'TIMEOUT' || code === 'UNTYPEABLE' || code === 'REFUSED') return { kind: 'failed', message: detail ?? `${tool.name} did not finish.` };
  const name = tool.program === 'sudo' || tool.program === 'pkexec' ? tool.program : tool.name;
  if (code === 'ENOENT') return { kind: 'missing', message: `${name} was not found. ${INSTALL_HINTS[name] ?? ''}`.trim() };
  if (code === 'EACCES' || code === 'EPERM') return { kind: 'permission', message: `${name} cannot be run: permission denied.` };
  return { kind: 'failed', message: `${name} could not be started (${code}).` };
}

/** aa-status documents its exit statuses; 1 and 3 mean there is no AppArmor to ask. */
function classifyStatusExit(run: RunResult): Outcome {
  switch (run.exitCode) {
    case 1: case 3: return { kind: 'noKernel', message: NO_KERNEL_MESSAGE };
    case 2: return { kind: 'ok', message: 'No policy is loaded.' };
    case 4: return { kind: 'permission', message: permissionMessage({ name: 'aa-status', program: 'aa-status' }) };
    default: return { kind: 'failed', message: `aa-status failed (exit status ${run.exitCode}): ${firstLines(run.stderr)}` };
  }
}

function permissionMessage(tool: Tool): string {
  return `Permission denied: ${tool.name} needs root for this. Set apparmor.privilege to "sudo" or "pkexec".`;
}

function firstLines(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !/^Cache read\/write disabled/.test(l));
  return lines.slice(0, 3).join(' ') || 'no message';
}
