import type { AuditRecord } from '../service/logs/auditRecord';
import { parseLog } from '../service/logs/parseLog';
import { Proposals, proposeRules } from '../service/logs/proposeRules';
import type { LintArgs } from './args';
import { readEach } from './readEach';

/**
 * `apparmor-lint --denials LOG…`: the rules the logs' denials ask for, by profile.
 * Returns the exit status: 0 once every log is read, 2 when one cannot be.
 */
export function printDenials(args: LintArgs, readInput: (path: string) => string): number {
  const records: AuditRecord[] = [];
  let unparsed = 0;
  const problems: string[] = [];
  readEach(args.paths, readInput, problems, (_path, text) => {
    const log = parseLog(text);
    records.push(...log.records);
    unparsed += log.unparsed;
  });
  for (const p of problems) process.stderr.write(`apparmor-lint: ${p}\n`);
  if (problems.length > 0) return 2;
  const proposals = proposeRules(records, { generalise: !args.literal });
  process.stdout.write(`${args.format === 'json' ? denialsJson(proposals, unparsed) : denialsText(proposals, records.length, unparsed)}\n`);
  return 0;
}

/** `{"profiles":[{"profile":NAME,"rules":[RULE,…]}],"unparsed":N}`, each RULE with its trailing comma. */
export function denialsJson(proposals: Proposals, unparsed: number): string {
  return JSON.stringify({
    profiles: proposals.profiles.map((p) => ({ profile: p.profile, rules: p.rules.map((r) => r.text) })),
    unparsed,
  });
}

/** Each profile with its rules indented under it, what no rule can fix, and a summary. */
export function denialsText(proposals: Proposals, records: number, unparsed: number): string {
  const out: string[] = [];
  for (const p of proposals.profiles) {
    out.push(`${p.profile}${p.hat ? ' (hat)' : ''}:`);
    for (const r of p.rules) out.push(`  ${r.text}  # ${r.count}× ${r.operations.join(', ')}`);
    if (p.rules.length === 0) out.push('  # the block itself: no rule of its own yet');
  }
  for (const s of proposals.skipped) out.push(`# no rule for line ${s.record.line + 1} (${s.record.operation}): ${s.reason}`);
  const rules = proposals.profiles.reduce((n, p) => n + p.rules.length, 0);
  const profiles = proposals.profiles.length;
  out.push(`${rules} rule${rules === 1 ? '' : 's'} for ${profiles} profile${profiles === 1 ? '' : 's'} from ${records} record${records === 1 ? '' : 's'}; ` +
    `${unparsed} line${unparsed === 1 ? '' : 's'} could not be read.`);
  return out.join('\n');
}
