import type { Analyzer } from '../analyze';
import type { FileNode } from '../ast';
import type { Problem } from '../checks/problems';
import { LineIndex } from '../diagnostics';
import { formatMessage, severityOf } from '../diagnosticRules';
import { insertRules, InsertOptions } from './insertRules';

/** Rules checked one by one when the group as a whole brings errors: a large group must not cost one analysis per rule. */
const MAX_SINGLY_CHECKED = 40;

export interface ProposalFile {
  readonly path: string;
  readonly text: string;
  readonly ast: FileNode;
}

/**
 * The errors each rule would bring into the file it goes into, merged with the block's
 * rules as Add Rule would insert it (an exec mode that conflicts with the block's own x rule
 * for that path, a permission a rule there excludes…): by rule text, for the rules that
 * bring any. The whole group is checked first, and rules one by one only when it fails.
 */
export function checkProposals(analyzer: Analyzer, file: ProposalFile, profile: string, rules: readonly string[], options: InsertOptions = {}): Map<string, string> {
  const out = new Map<string, string>();
  if (rules.length === 0) return out;
  const before = errorKeys(analyzer.analyze(file.path, file.text).problems);
  if (newErrors(analyzer, file, profile, rules, options, before).length === 0) return out;
  for (const rule of rules.slice(0, MAX_SINGLY_CHECKED)) {
    const errors = newErrors(analyzer, file, profile, [rule], options, before);
    if (errors.length > 0) out.set(rule, errors.map((p) => formatMessage(p.code, p.args)).join(' '));
  }
  return out;
}

function newErrors(analyzer: Analyzer, file: ProposalFile, profile: string, rules: readonly string[], options: InsertOptions, before: Map<string, number>): Problem[] {
  const edits = insertRules(file.text, file.ast, profile, rules, options);
  if (edits.length === 0) return [];
  const lines = new LineIndex(file.text);
  let merged = file.text;
  for (const e of [...edits].sort((a, b) => lines.offsetAt(b.range.start) - lines.offsetAt(a.range.start))) {
    merged = merged.slice(0, lines.offsetAt(e.range.start)) + e.newText + merged.slice(lines.offsetAt(e.range.end));
  }
  const seen = new Map(before);
  return analyzer.analyze(file.path, merged).problems.filter((p) => {
    if (severityOf(p.code) !== 'error') return false;
    const key = keyOf(p);
    const left = seen.get(key) ?? 0;
    seen.set(key, left - 1);
    return left <= 0;
  });
}

function errorKeys(problems: readonly Problem[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of problems) if (severityOf(p.code) === 'error') out.set(keyOf(p), (out.get(keyOf(p)) ?? 0) + 1);
  return out;
}

/** A finding without its place: the same finding moves when lines are inserted above it. */
function keyOf(p: Problem): string {
  return `${p.code}\0${formatMessage(p.code, p.args)}`;
}
