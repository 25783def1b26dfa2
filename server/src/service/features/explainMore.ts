import type { Analyzer } from '../analyze';
import type { FileNode, ProfileNode, RuleNode } from '../ast';
import { checkRuleSecurity } from '../checks/checkSecurity';
import { parsePerms, PERM } from '../checks/checkFileRule';
import { ProblemSink } from '../checks/problems';
import { DANGEROUS_CAPABILITIES } from '../data/docs';
import { RULE_KIND_LIST } from '../data/ruleKinds';
import { LineIndex } from '../diagnostics';
import { walkItems } from '../walk';

/** Where a profile of some name is defined: its file and 1-based line. */
export interface ProfilePlace {
  readonly path: string;
  readonly line: number;
}

/** `-> target`: the profile it names, where it is, or that none is known. */
export function explainTarget(name: string, ast: FileNode, text: string, path: string, elsewhere: readonly ProfilePlace[]): string {
  const here: ProfileNode[] = [];
  walkItems(ast.items, (item) => {
    if (item.type === 'profile' && item.name?.value === name) here.push(item);
  });
  const lines = new LineIndex(text);
  const places = [
    ...here.map((p) => `- this file, line ${lines.positionAt(p.start).line + 1}${p.attachment ? ` (attaches to \`${p.attachment.text}\`)` : ''}`),
    ...elsewhere.filter((p) => p.path !== path).map((p) => `- \`${p.path}\`, line ${p.line}`),
  ];
  if (places.length === 0) {
    return `**-> ${name}** — no profile \`${name}\` is defined in this file, the workspace or the include path: the exec fails unless one is loaded on the machine.`;
  }
  return [`**-> ${name}** — the program runs under the profile \`${name}\`, defined in:`, '', ...places].join('\n');
}

/** What rules an ABI mediates: the kinds of the rule table that version knows. */
export function explainAbi(name: string): string {
  const m = /(\d+)\.(\d+)/.exec(name);
  const version = m ? Number(m[1]) + Number(m[2]) / 100 : undefined;
  const kinds = RULE_KIND_LIST.filter((r) => version === undefined || Number(r.abi) <= version).map((r) => `\`${r.keyword}\``);
  const newer = RULE_KIND_LIST.filter((r) => version !== undefined && Number(r.abi) > version).map((r) => `\`${r.keyword}\``);
  const out = [`**abi ${name}** — the kernel features this policy is written for. apparmor_parser enforces what this ABI mediates, whatever the running kernel supports beyond it.`, '', `Mediates: ${kinds.join(', ')}.`];
  if (version !== undefined && version >= 4) out.push('', 'Since 4.0 also network rules by permission and address (`ip=`, `port=`).');
  if (newer.length) out.push('', `Not under this ABI: ${newer.join(', ')} (need a newer abi).`);
  return out.join('\n');
}

/**
 * What an included file grants, by kind, with its powerful items marked: capabilities that
 * defeat confinement, and rules the security advice would report. Follows its own includes.
 */
export function describeGrants(analyzer: Analyzer, file: string): string[] {
  const seen = new Set<string>();
  const caps = new Set<string>();
  const counts = new Map<string, number>();
  const file_ = { read: 0, write: 0, exec: 0 };
  const risky: string[] = [];
  const visit = (path: string, depth: number): void => {
    if (seen.has(path) || depth > 8) return;
    seen.add(path);
    const loaded = analyzer.load(path);
    if (!loaded) return;
    const lines = new LineIndex(loaded.text);
    walkItems(loaded.ast.items, (item, ctx) => {
      if (item.type === 'include') for (const t of analyzer.targets(item, path)) visit(t, depth + 1);
      if (item.type !== 'rule' || item.qualifiers.mode?.text === 'deny' || ctx.blockQualifiers.includes('deny')) return;
      count(item, counts, caps, file_);
      const sink = new ProblemSink();
      checkRuleSecurity(item, sink);
      if (sink.problems.length > 0 && risky.length < 5) {
        risky.push(`- ⚠️ \`${loaded.text.slice(item.start, item.end).replace(/\s+/g, ' ')}\` — ${path === file ? '' : `${path}, `}line ${lines.positionAt(item.start).line + 1}`);
      }
    });
  };
  visit(file, 0);
  const out: string[] = [];
  if (file_.read + file_.write + file_.exec > 0) out.push(`- files: ${file_.read} read, ${file_.write} write, ${file_.exec} exec rules`);
  if (caps.size) out.push(`- capabilities: ${[...caps].sort().map((c) => (DANGEROUS_CAPABILITIES.has(c) ? `**${c}** ⚠️` : c)).join(', ')}`);
  for (const [kind, n] of counts) out.push(`- ${kind}: ${n} rule${n === 1 ? '' : 's'}`);
  if (seen.size > 1) out.push(`- through ${seen.size - 1} more included file${seen.size === 2 ? '' : 's'}`);
  if (risky.length) out.push('', 'Powerful:', ...risky);
  return out;
}

function count(rule: RuleNode, counts: Map<string, number>, caps: Set<string>, files: { read: number; write: number; exec: number }): void {
  if (rule.kind === 'file') {
    if (!rule.perms) return;
    const p = parsePerms(rule.perms);
    if (p.bits & (PERM.r | PERM.m)) files.read++;
    if (p.bits & (PERM.w | PERM.a)) files.write++;
    if (p.execModes.length > 0 || p.bareX) files.exec++;
  } else if (rule.kind === 'capability') {
    for (const w of rule.words) caps.add(w.value);
  } else {
    counts.set(rule.kind, (counts.get(rule.kind) ?? 0) + 1);
  }
}

/**
 * Every text a variable stands for, its variables expanded in turn, from the definitions
 * given (name → values). Stops at cycles and at a bound, where it keeps the reference.
 */
export function expandFully(values: readonly string[], defs: (name: string) => readonly string[] | undefined, limit = 64): string[] {
  const out: string[] = [];
  const expand = (text: string, stack: readonly string[]): void => {
    if (out.length >= limit) return;
    const m = /@\{(\w+)\}/.exec(text);
    const vals = m && !stack.includes(m[1]!) ? defs(m[1]!) : undefined;
    if (!m || !vals) {
      // apparmor_parser collapses the slashes that joining values makes (`/home/` + `/*/`).
      const joined = text.replace(/\/{2,}/g, '/');
      if (!out.includes(joined)) out.push(joined);
      return;
    }
    for (const v of vals) expand(text.slice(0, m.index) + v + text.slice(m.index + m[0].length), [...stack, m[1]!]);
  };
  for (const v of values) expand(v, []);
  return out;
}

/** The comment lines right above a line (no blank line between), as one text. */
export function commentAbove(ast: FileNode, text: string, offset: number): string | undefined {
  const lines = new LineIndex(text);
  const out: string[] = [];
  const byLine = new Map(ast.comments.map((c) => [lines.positionAt(c.start).line, c] as const));
  for (let l = lines.positionAt(offset).line - 1; l >= 0; l--) {
    const c = byLine.get(l);
    if (!c || text.slice(lines.offsetAt({ line: l, character: 0 }), c.start).trim() !== '') break;
    out.unshift(c.text.replace(/^#\s?/, ''));
  }
  const joined = out.filter((l) => !/^\s*-\*-|vim:|^-+$|^\s*$/.test(l)).join(' ').trim();
  return joined || undefined;
}
