import type { Hover } from 'vscode-languageserver-types';
import type { FileNode } from '../ast';
import { parsePerms } from '../checks/checkFileRule';
import { CAPABILITY_DOCS, DANGEROUS_CAPABILITIES, execDoc, PERMISSION_DOCS, RULE_DOCS } from '../data/docs';
import { PROFILE_FLAGS } from '../data/facts';
import type { LineIndex } from '../diagnostics';
import { tokenAt } from './tokenAt';

/** Markdown about what is under the cursor: permissions, transitions, capabilities, keywords, flags. */
export function doHover(ast: FileNode, lines: LineIndex, offset: number): Hover | null {
  const hit = tokenAt(ast, offset);
  if (!hit) return null;
  const { token, role, item } = hit;
  let value: string | undefined;
  if (role === 'perms') value = explainPerms(token.text, item.type === 'rule' && item.kind === 'file' ? item.target?.text : undefined);
  else if (role === 'word' && item.type === 'rule' && item.kind === 'capability') value = explainCapability(token.text);
  else if (role === 'keyword' || role === 'qualifier') value = RULE_DOCS[token.text] ? `**${token.text}** — ${RULE_DOCS[token.text]}` : undefined;
  else if (role === 'flag') value = explainFlag(token.text);
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
