import type { Hover } from 'vscode-languageserver-types';
import type { Analyzer } from '../analyze';
import type { FileNode, ProfileNode } from '../ast';
import { parsePerms } from '../checks/checkFileRule';
import { CAPABILITY_DOCS, DANGEROUS_CAPABILITIES, execDoc, PERMISSION_DOCS, PERMISSION_WORD_DOCS, RULE_DOCS } from '../data/docs';
import { BUILTIN_VARIABLES, MOUNT_OPTIONS, NETWORK_FAMILIES, NETWORK_PROTOCOLS, NETWORK_TYPES, PROFILE_FLAGS, RLIMITS, SIGNALS } from '../data/facts';
import { LineIndex } from '../diagnostics';
import { symbolAt } from './symbolAt';
import { tokenAt } from './tokenAt';

export interface HoverContext {
  /** For variables and includes: where definitions and included files are found. */
  readonly analyzer: Analyzer;
  readonly path: string;
  readonly text: string;
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
  }
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
  if (!value) return null;
  return { contents: { kind: 'markdown', value }, range: lines.rangeOf(token.start, token.end) };
}

/** Letter by letter, with the exec transition spelled out. */
export function explainPerms(perms: string, target?: string): string {
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
  const visit = (file: string, fileAst: FileNode, text: string): void => {
    const lines = new LineIndex(text);
    for (const item of fileAst.items) {
      if (item.type === 'variable' && item.sigil === sigil && item.name.value === name) {
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
  return [`**${sigil}{${name}}**`, '', ...defs].join('\n');
}

function explainInclude(ast: FileNode, offset: number, ctx: HoverContext): string | undefined {
  const hit = tokenAt(ast, offset);
  if (hit?.item.type !== 'include') return undefined;
  const include = hit.item;
  const files = ctx.analyzer.targets(include, ctx.path);
  if (files.length === 0) return `**${include.path?.text ?? ''}** — not found${include.ifExists ? ' (optional: `if exists`)' : ''}.`;
  const lines = files.slice(0, 5).map((f) => {
    const loaded = ctx.analyzer.load(f);
    const vars = loaded?.ast.items.filter((i) => i.type === 'variable').length ?? 0;
    const rules = loaded?.ast.items.filter((i) => i.type === 'rule').length ?? 0;
    return `- \`${f}\`: ${rules} rule${rules === 1 ? '' : 's'}, ${vars} variable${vars === 1 ? '' : 's'}`;
  });
  return [`**${include.path?.text ?? ''}**`, '', ...lines, ...(files.length > 5 ? [`- … and ${files.length - 5} more`] : [])].join('\n');
}
