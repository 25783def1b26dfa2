import * as fs from 'fs';
import * as nodePath from 'path';
import { readLines } from '../node/boundedRead';
import { nodeFileSystem } from '../node/nodeFileSystem';
import type { DenialRule, DenialsResult } from '../protocol';
import { locateProfile } from '../service/features/locateProfile';
import { proposeDenialsFrom } from '../service/features/proposeDenials';
import { uriToPath } from '../service/uri';
import { WorkspaceIndex } from '../service/workspaceIndex';
import type { LintArgs } from './args';
import { analyzerFor } from './query';
import { complain, inWords, Output } from './output';

/**
 * `--denials LOG… --profiles PATH…`: the proposed rules, each classified by the evaluator
 * against the profile that PATH (files or folders) defines for it, as it is now.
 */
export function printClassifiedDenials(args: LintArgs, maxBytes: number, out: Output): number {
  const roots = args.profiles.map((p) => nodePath.resolve(p));
  const index = new WorkspaceIndex(nodeFileSystem);
  const files = roots.flatMap((r) => (fs.statSync(r, { throwIfNoEntry: false })?.isDirectory() ? index.listFiles([r]) : [r]));
  for (const f of files) index.update(f);
  const entries = [...index.topLevelProfiles()];
  let failed = false;
  const result = proposeDenialsFrom((log) => {
    for (const path of args.paths) {
      try {
        readLines(path, maxBytes, 'a log', (line, cut) => log.addLine(line, cut));
      } catch (e) {
        complain(`cannot read ${path === '-' ? 'standard input' : path}: ${inWords(e)}`);
        failed = true;
      }
    }
  }, { literal: args.literal }, {
    locate: (p) => locateProfile(p, entries, roots),
    read: (p) => nodeFileSystem.readFile(p),
    analyzer: analyzerFor(args),
  });
  if (failed) return 2;
  if (args.format === 'json') out.line(classifiedJson(result));
  else for (const line of classifiedText(result)) out.line(line);
  return 0;
}

function place(r: DenialRule['verdict'] & object): string {
  const first = r.rules[0];
  return first ? ` at ${nodePath.relative(process.cwd(), uriToPath(first.uri))}:${first.range.start.line + 1}` : '';
}

/** The verdict as a short note after the rule. */
function verdictNote(rule: DenialRule): string {
  const v = rule.verdict;
  if (!v) return 'no profile file found';
  switch (v.status) {
    case 'allowed': return `already allowed${place(v)}: reload the profile`;
    case 'blocked': return `blocked by the deny rule${place(v)}: an allow rule would change nothing`;
    case 'owner-needed': return `needs owner: only owner rules${place(v)} allow it`;
    case 'transition-needed': return `needs a transition target: ${v.message}`;
    case 'unknown': return `cannot tell: ${v.message}`;
    case 'open': return 'add the rule';
  }
}

function classifiedText(result: DenialsResult): string[] {
  const lines: string[] = [];
  for (const g of result.groups) {
    lines.push(`${g.profile}${g.hat ? ' (hat)' : ''}${g.target ? ` (${nodePath.relative(process.cwd(), uriToPath(g.target.uri))})` : ''}:`);
    for (const r of g.rules) lines.push(`  ${r.text}  # ${r.count}× ${r.operations.join(', ')}; ${verdictNote(r)}`);
  }
  for (const s of result.skipped) lines.push(`# no rule for line ${s.line} (${s.operation}): ${s.reason}`);
  return lines;
}

/** As --denials json, each profile with `verdicts` beside its rules: status, message and deciding rules. */
function classifiedJson(result: DenialsResult): string {
  return JSON.stringify({
    profiles: result.groups.map((g) => ({
      profile: g.profile,
      rules: g.rules.map((r) => r.text),
      verdicts: g.rules.map((r) => ({
        rule: r.text, status: r.verdict?.status ?? 'unknown', message: r.verdict?.message ?? 'no file defines this profile',
        rules: (r.verdict?.rules ?? []).map((x) => ({ path: uriToPath(x.uri), range: x.range, effect: x.effect })),
      })),
    })),
    unparsed: result.unparsed,
  });
}
