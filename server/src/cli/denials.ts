import { readLines } from '../node/boundedRead';
import { LogReader } from '../service/logs/parseLog';
import { Proposals, RuleCollector } from '../service/logs/proposeRules';
import type { LintArgs } from './args';
import { complain, inWords, Output } from './output';

/**
 * `apparmor-lint --denials LOG…`: the rules the logs' denials ask for, by profile. Each log
 * is read a line at a time into the rules, so memory follows the distinct rules, not the
 * records. Returns the exit status: 0 once every log is read, 2 when one cannot be.
 */
export function printDenials(args: LintArgs, maxBytes: number, out: Output): number {
  const collector = new RuleCollector({ generalise: !args.literal });
  let records = 0;
  let unparsed = 0;
  let failed = false;
  for (const path of args.paths) {
    // Line numbers count from each log's start, as its records' do.
    const reader = new LogReader((r) => collector.add(r), 0);
    try {
      readLines(path, maxBytes, 'a log', (line, cut) => reader.addLine(line, cut));
    } catch (e) {
      complain(`cannot read ${path === '-' ? 'standard input' : path}: ${inWords(e)}`);
      failed = true;
    }
    records += reader.records;
    unparsed += reader.unparsed;
  }
  if (failed) return 2;
  const proposals = collector.finish();
  if (args.format === 'json') out.line(denialsJson(proposals, unparsed));
  else denialsText(proposals, records, unparsed, (line) => out.line(line));
  return 0;
}

/** `{"profiles":[{"profile":NAME,"rules":[RULE,…]}],"unparsed":N}`, each RULE with its trailing comma. */
function denialsJson(proposals: Proposals, unparsed: number): string {
  return JSON.stringify({
    profiles: proposals.profiles.map((p) => ({ profile: p.profile, rules: p.rules.map((r) => r.text) })),
    unparsed,
  });
}

/** Each profile with its rules indented under it, what no rule can fix, and a summary, a line at a time. */
function denialsText(proposals: Proposals, records: number, unparsed: number, line: (text: string) => void): void {
  for (const p of proposals.profiles) {
    line(`${p.profile}${p.hat ? ' (hat)' : ''}:`);
    for (const r of p.rules) line(`  ${r.text}  # ${r.count}× ${r.operations.join(', ')}`);
    if (p.rules.length === 0) line('  # the block itself: no rule of its own yet');
  }
  for (const s of proposals.skipped) line(`# no rule for line ${s.record.line + 1} (${s.record.operation}): ${s.reason}`);
  const more = proposals.skippedCount - proposals.skipped.length;
  if (more > 0) line(`# … and ${more} more denial${more === 1 ? '' : 's'} no rule can fix`);
  const rules = proposals.profiles.reduce((n, p) => n + p.rules.length, 0);
  const profiles = proposals.profiles.length;
  line(`${rules} rule${rules === 1 ? '' : 's'} for ${profiles} profile${profiles === 1 ? '' : 's'} from ${records} record${records === 1 ? '' : 's'}; ` +
    `${unparsed} line${unparsed === 1 ? '' : 's'} could not be read.`);
}
