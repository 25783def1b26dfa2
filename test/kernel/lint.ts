import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './env';

export interface LintProposals {
  readonly json: { profiles: { profile: string; rules: string[] }[] };
  /** The text report, with the reasons for what no rule can fix. */
  readonly text: string;
}

/** `apparmor-lint --denials` on the lines, as a user would run it, in JSON and as text. */
export function lintDenials(lines: readonly string[]): LintProposals {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aak-log-'));
  try {
    const file = path.join(dir, 'kern.log');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const run = (...args: string[]): string => execFileSync(process.execPath, [path.join(ROOT, 'bin', 'apparmor-lint.js'), '--denials', ...args, file], { encoding: 'utf8' });
    return { json: JSON.parse(run('--format', 'json')) as LintProposals['json'], text: run() };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
