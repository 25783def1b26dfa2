import type { Hover } from 'vscode-languageserver-types';
import type { Analyzer } from '../analyze';
import type { FileNode, ProfileNode, RuleNode } from '../ast';
import { checkRuleSecurity } from '../checks/checkSecurity';
import { ProblemSink } from '../checks/problems';
import { parsePerms } from '../checks/checkFileRule';
import { CAPABILITY_DOCS, DANGEROUS_CAPABILITIES, execDoc, PERMISSION_DOCS, PERMISSION_WORD_DOCS, RULE_DOCS, SECURITY_DOCS } from '../data/docs';
import { BUILTIN_VARIABLES, MOUNT_OPTIONS, NETWORK_FAMILIES, NETWORK_PROTOCOLS, NETWORK_TYPES, PROFILE_FLAGS, RLIMITS, SIGNALS } from '../data/facts';
import { LineIndex } from '../diagnostics';
import { commentAbove, describeGrants, expandFully, explainAbi, explainTarget, ProfilePlace } from './explainMore';
import { collectVariables } from '../logs/ruleSet';
import { explainPath } from './explainPath';
import { explainRuleEffect } from './explainRuleEffect';
import { policyAt } from './policyAt';
import { symbolAt } from './symbolAt';
import { tokenAt } from './tokenAt';

export interface HoverContext {
  /** For variables and includes: where definitions and included files are found. */
  readonly analyzer: Analyzer;
  readonly path: string;
  readonly text: string;
  /** Profiles of that name in the workspace's other files (the index), for `-> target`. */
  readonly findProfile?: (name: string) => readonly ProfilePlace[];
  /** The analysis `ast` belongs to: what the profile's evaluated policy is kept with. */
  readonly analysis?: object;
}

/**
 * Markdown about what is under the cursor: permissions and transitions, capabilities,
 * keywords, flags, network words, variables (definitions and values), includes, profiles.
 */
export function doHover(ast: FileNode, lines: LineIndex, offset: number, context?: HoverContext): Hover | null {
  if (context) {
    const ref = symbolAt(ast, context.text, offset);
    const value = ref?.kind === 'variable' ? explainVariable(ref.name, ref.sigil, ast, context)
      : ref?.kind === 'include' ? explainInclude(ast, offset, context)
      : undefined;
    if (ref && value) return { contents: { kind: 'markdown', value }, range: lines.rangeOf(ref.span.start, ref.span.end) };
    const target = tokenAt(ast, offset);
    if (target?.role === 'target' && target.item.type === 'rule' && target.item.kind !== 'link' && target.item.kind !== 'mount' && target.item.kind !== 'pivot_root') {
      const name = target.token.value.replace(/^.*\/\//, '');
      const md = explainTarget(name, ast, context.text, context.path, context.findProfile?.(name) ?? []);
      return { contents: { kind: 'markdown', value: withRisks(md, target.item, offset)! }, range: lines.rangeOf(target.token.start, target.token.end) };
    }
  }
  const abi = ast.items.find((i) => i.type === 'abi' && i.path && i.path.start <= offset && offset <= i.path.end);
  if (abi?.type === 'abi' && abi.path) return { contents: { kind: 'markdown', value: explainAbi(abi.path.value) }, range: lines.rangeOf(abi.path.start, abi.path.end) };
  const hit = tokenAt(ast, offset);
  if (!hit) return null;
  const { token, role, item } = hit;
  let value: string | undefined;
  if (role === 'perms') value = explainPerms(token.text, item.type === 'rule' && item.kind === 'file' ? item.target?.text : undefined);
  else if (role === 'word' && item.type === 'rule' && item.kind === 'capability') value = explainCapability(token.text);
  else if (role === 'keyword' || role === 'qualifier') value = RULE_DOCS[token.text] ? `**${token.text}** — ${RULE_DOCS[token.text]}` : undefined;
  else if (role === 'flag') value = explainFlag(token.text);
  else if (role === 'word' && item.type === 'rule' && item.kind === 'network') value = explainNetworkWord(token.text);
  else if (role === 'perm' && item.type === 'rule' && PERMISSION_WORD_DOCS[token.text]) value = `**${token.text}** — ${item.kind} permission: ${PERMISSION_WORD_DOCS[token.text]}.`;
  else if (role === 'condValue' && item.type === 'rule' && item.kind === 'signal' && SIGNALS.has(token.value)) value = `**${token.value}** — the signal SIG${token.value.toUpperCase()}.`;
  else if (role === 'condValue' && item.type === 'rule' && MOUNT_OPTIONS.has(token.value) && /mount/.test(item.kind)) value = `**${token.value}** — a mount option (since AppArmor ${MOUNT_OPTIONS.get(token.value)!.since}).`;
  else if (role === 'word' && item.type === 'rule' && item.kind === 'rlimit' && RLIMITS.has(token.value)) value = `**${token.value}** — the resource limit RLIMIT_${token.value.toUpperCase()}, set when the profile's program starts.`;
  else if (role === 'profileName' && item.type === 'profile') value = explainProfile(item);
  if (item.type === 'rule') value = withRisks(value, item, offset);
  if (item.type === 'rule' && context) value = withEffect(value, ast, item, role === 'path' ? token.value : undefined, offset, context);
  if (!value) return null;
  return { contents: { kind: 'markdown', value }, range: lines.rangeOf(token.start, token.end) };
}

/** A rule's path in words with examples, and what the rule adds to its profile. */
function withEffect(value: string | undefined, ast: FileNode, rule: RuleNode, path: string | undefined, offset: number, ctx: HoverContext): string | undefined {
  const policy = ctx.analysis ? policyAt({ analyzer: ctx.analyzer, path: ctx.path, text: ctx.text, ast, key: ctx.analysis }, offset) : undefined;
  const parts = [value];
  if (path !== undefined && (rule.kind === 'file' || rule.kind === 'link')) {
    parts.push(explainPath(path, policy?.set.vars ?? fileVariables(ast, ctx)));
  }
  if (policy) parts.push(explainRuleEffect(policy, rule, ctx));
  const shown = parts.filter((p): p is string => p !== undefined);
  return shown.length > 0 ? shown.join('\n\n---\n\n') : undefined;
}

/** Outside a profile (an abstraction), the variables the file and its own includes set. */
function fileVariables(ast: FileNode, ctx: HoverContext): Map<string, string[]> {
  const vars = new Map<string, string[]>();
  collectVariables(ctx.analyzer, ctx.path, ast.items, vars, new Set([ctx.path]));
  return vars;
}

/** The security advice reported where the cursor is, with the risk it is about. */
function withRisks(value: string | undefined, rule: RuleNode, offset: number): string | undefined {
  const sink = new ProblemSink();
  checkRuleSecurity(rule, sink);
  const risks = sink.problems.filter((p) => p.start <= offset && offset <= p.end).map((p) => SECURITY_DOCS[p.code]).filter((d) => d !== undefined);
  if (risks.length === 0) return value;
  return [value, ...risks.map((r) => `⚠️ ${r}`)].filter((v) => v !== undefined).join('\n\n');
}

/** Letter by letter, with the exec transition spelled out. */
function explainPerms(perms: string, target?: string): string {
  const parsed = parsePerms({ start: 0, end: perms.length, text: perms, value: perms, quoted: false });
  const out = [`**${perms}**`, ''];
  for (const c of perms.replace(/(?:[pPcC][iIuU]?|[iIuU])[xX]/g, '')) {
    const doc = PERMISSION_DOCS[c.toLowerCase()];
    if (doc) out.push(`- ${doc}`);
  }
  for (const m of parsed.execModes) {
    out.push(`- **${m}** — ${execDoc(m) ?? 'an exec transition.'}${target ? ` Target profile: \`${target}\`.` : ''}`);
  }
  return out.join('\n');
}

function explainCapability(name: string): string | undefined {
  const doc = CAPABILITY_DOCS[name];
  if (!doc) return undefined;
  const warn = DANGEROUS_CAPABILITIES.has(name) ? '\n\n⚠️ Powerful: granting it defeats much of the confinement.' : '';
  return `**capability ${name}** (CAP_${name.toUpperCase()}) — ${doc}${warn}`;
}

function explainFlag(name: string): string | undefined {
  const fact = PROFILE_FLAGS.get(name);
  if (!fact) return undefined;
  const what: Record<string, string> = {
    mode: 'a profile mode; only one mode may be set',
    audit: 'log every access the profile allows',
    path: 'how paths of disconnected or chrooted objects are named',
    misc: 'a profile setting',
  };
  return `**${name}** — ${what[fact.kind]} (since AppArmor ${fact.since}).`;
}

function explainNetworkWord(word: string): string | undefined {
  if (NETWORK_FAMILIES.has(word)) return `**${word}** — a socket address family (AF_${word.toUpperCase()}).`;
  if (NETWORK_TYPES.has(word)) return `**${word}** — a socket type (SOCK_${word.toUpperCase()}).${word === 'raw' || word === 'packet' ? '\n\n⚠️ Raw and packet sockets can forge and sniff traffic.' : ''}`;
  if (NETWORK_PROTOCOLS.has(word)) return `**${word}** — a protocol.`;
  return undefined;
}

function explainProfile(p: ProfileNode): string {
  const parts = [`**${p.hat ? 'hat' : 'profile'} ${p.name?.value ?? ''}**`];
  if (p.attachment) parts.push(`attaches to \`${p.attachment.text}\``);
  if (p.flags?.length) parts.push(`flags: ${p.flags.map((f) => `\`${f.name.text}${f.value ? '=' + f.value.text : ''}\``).join(', ')}`);
  return parts.join(' — ');
}

/** Every definition of a variable, here and in included tunables, with its values. */
function explainVariable(name: string, sigil: '@' | '$', ast: FileNode, ctx: HoverContext): string | undefined {
  const defs: string[] = [];
  const seen = new Set<string>();
  const values = new Map<string, string[]>();
  let comment: string | undefined;
  const visit = (file: string, fileAst: FileNode, text: string): void => {
    const lines = new LineIndex(text);
    for (const item of fileAst.items) {
      if (item.type === 'variable' && item.sigil === '@') {
        const known = item.op === '=' || item.op === ':=' ? [] : values.get(item.name.value) ?? [];
        values.set(item.name.value, [...known, ...item.values.map((v) => v.value)]);
      }
      if (item.type === 'variable' && item.sigil === sigil && item.name.value === name) {
        comment ??= commentAbove(fileAst, text, item.start);
        const where = `${file === ctx.path ? 'this file' : file}, line ${lines.positionAt(item.start).line + 1}`;
        const values = item.expr && item.values.length === 0 ? '(expression)' : item.values.map((v) => `\`${v.text}\``).join(' ');
        defs.push(`- \`${item.op}\` ${values} — ${where}`);
      } else if (item.type === 'include') {
        for (const p of ctx.analyzer.targets(item, file)) {
          if (seen.has(p)) continue;
          seen.add(p);
          const f = ctx.analyzer.load(p);
          if (f) visit(p, f.ast, f.text);
        }
      }
    }
  };
  visit(ctx.path, ast, ctx.text);
  if (sigil === '@' && BUILTIN_VARIABLES.has(name) && defs.length === 0) return `**@{${name}}** — set by apparmor_parser itself for each profile.`;
  if (defs.length === 0) return `**${sigil}{${name}}** — not defined in this file or the tunables it includes.`;
  const out = [`**${sigil}{${name}}**`, ...(comment ? ['', comment] : []), '', ...defs];
  const own = values.get(name);
  if (sigil === '@' && own) {
    const expanded = expandFully(own, (n) => values.get(n));
    if (expanded.join(' ') !== own.join(' ')) out.push('', `Expands to: ${expanded.map((v) => `\`${v}\``).join(' ')}`);
  }
  return out.join('\n');
}

function explainInclude(ast: FileNode, offset: number, ctx: HoverContext): string | undefined {
  const hit = tokenAt(ast, offset);
  if (hit?.item.type !== 'include') return undefined;
  const include = hit.item;
  const files = ctx.analyzer.targets(include, ctx.path);
  if (files.length === 0) return `**${include.path?.text ?? ''}** — not found${include.ifExists ? ' (optional: `if exists`)' : ''}.`;
  const lines = files.slice(0, 5).flatMap((f, i) => {
    const loaded = ctx.analyzer.load(f);
    const vars = loaded?.ast.items.filter((i) => i.type === 'variable').length ?? 0;
    const rules = loaded?.ast.items.filter((i) => i.type === 'rule').length ?? 0;
    const head = `- \`${f}\`: ${rules} rule${rules === 1 ? '' : 's'}, ${vars} variable${vars === 1 ? '' : 's'}`;
    // What the first file grants, in detail: a folder of many files would make the hover a page.
    const grants = i === 0 && rules + vars > 0 ? describeGrants(ctx.analyzer, f) : [];
    return grants.length ? [head, '', 'Grants:', ...grants] : [head];
  });
  return [`**${include.path?.text ?? ''}**`, '', ...lines, ...(files.length > 5 ? [`- … and ${files.length - 5} more`] : [])].join('\n');
}
