import { CodeAction, CodeActionKind, Diagnostic, TextEdit } from 'vscode-languageserver-types';
import type { FileNode } from '../ast';
import type { LineIndex } from '../diagnostics';
import { type DiagnosticCode, isDiagnosticCode } from '../diagnosticRules';
import { logLineFix } from './logLineFix';

type Fix = (d: Diagnostic, ctx: FixContext) => CodeAction | readonly CodeAction[] | undefined;

interface FixContext {
  readonly uri: string;
  readonly text: string;
  readonly ast: FileNode;
  readonly lines: LineIndex;
}

const action = (title: string, d: Diagnostic, uri: string, edits: TextEdit[], preferred = true): CodeAction => ({
  title,
  kind: CodeActionKind.QuickFix,
  diagnostics: [d],
  isPreferred: preferred,
  edit: { changes: { [uri]: edits } },
});

const slice = (ctx: FixContext, d: Diagnostic): string =>
  ctx.text.slice(ctx.lines.offsetAt(d.range.start), ctx.lines.offsetAt(d.range.end));

const replaceWithSuggestion: Fix = (d, ctx) => {
  const suggestion = (d.data as { suggestion?: string } | undefined)?.suggestion;
  return suggestion ? action(`Change to '${suggestion}'`, d, ctx.uri, [TextEdit.replace(d.range, suggestion)]) : undefined;
};

/** Quick fixes by diagnostic code. Each is tested: applied, its diagnostic goes and nothing else changes. */
const FIXES: Readonly<Partial<Record<DiagnosticCode, Fix>>> = {
  'missing-comma': (d, ctx) => action('Add the missing comma', d, ctx.uri, [TextEdit.insert(d.range.end, ',')]),
  'include-comma': (d, ctx) => action('Remove the comma', d, ctx.uri, [TextEdit.del(d.range)]),
  'stray-comma': (d, ctx) => action('Remove the comma', d, ctx.uri, [TextEdit.del(d.range)]),
  'variable-trailing-comma': (d, ctx) => {
    const end = { line: d.range.end.line, character: d.range.end.character - 1 };
    return action('Remove the trailing comma', d, ctx.uri, [TextEdit.del({ start: end, end: d.range.end })]);
  },
  'write-and-append': (d, ctx) => {
    const perms = slice(ctx, d);
    // Appending only is the safer of the two (a log cannot be rewritten), so it is offered too.
    const appendOnly = perms.replace(/w/g, '');
    return [
      action(`Keep 'w' (drop 'a'): ${perms.replace('a', '')}`, d, ctx.uri, [TextEdit.replace(d.range, perms.replace('a', ''))]),
      action(`Keep 'a' (drop 'w', append only): ${appendOnly}`, d, ctx.uri, [TextEdit.replace(d.range, appendOnly)], false),
    ];
  },
  'log-write': (d, ctx) => {
    const perms = slice(ctx, d);
    return action(`Append only: ${perms.replace('w', 'a')}`, d, ctx.uri, [TextEdit.replace(d.range, perms.replace('w', 'a'))], false);
  },
  'unconfined-exec': (d, ctx) => {
    const perms = slice(ctx, d);
    const m = /([pPcC]?)([uU])x/.exec(perms);
    if (!m) return undefined;
    // Keep the scrubbing the author chose: an upper-case letter scrubs the environment.
    const scrub = m[0] !== m[0].toLowerCase();
    const to = (mode: string): string => perms.slice(0, m.index) + mode + perms.slice(m.index + m[0].length);
    const discrete = m[1] && /[cC]/.test(m[1]) ? (scrub ? 'Cx' : 'cx') : scrub ? 'Px' : 'px';
    return [
      action(`Use '${discrete}': the program's own profile`, d, ctx.uri, [TextEdit.replace(d.range, to(discrete))], false),
      action("Use 'ix': stay in this profile", d, ctx.uri, [TextEdit.replace(d.range, to('ix'))], false),
    ];
  },
  'raw-network': (d, ctx) => {
    const start = ctx.lines.offsetAt(d.range.start);
    const at = ctx.text.lastIndexOf('network', start);
    if (at < 0) return undefined;
    return action("Deny it: 'deny network …'", d, ctx.uri, [TextEdit.insert(ctx.lines.positionAt(at), 'deny ')], false);
  },
  // The folder is the user's to pick: the client's command opens a folder picker and writes apparmor.includeDirs.
  'include-path-unresolved': (d) => ({
    title: 'Set the include path…',
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    isPreferred: true,
    command: { title: 'Set the include path…', command: 'apparmor.setIncludePath' },
  }),
  'include-not-found': (d, ctx) => {
    const text = slice(ctx, d);
    if (!/^#?include\s+</.test(text) || !/<\s*local\//.test(text)) return undefined;
    return action("Make it optional: 'include if exists'", d, ctx.uri, [TextEdit.replace(d.range, text.replace(/^(#?include)\s+/, '$1 if exists '))]);
  },
  'variable-undefined': (d, ctx) => {
    const message = typeof d.message === 'string' ? d.message : d.message.value;
    const m = /^@\{(\w+)\}/.exec(slice(ctx, d)) ?? /@\{(\w+)\}/.exec(message);
    if (!m) return undefined;
    const firstProfile = ctx.ast.items.find((i) => i.type === 'profile');
    const at = ctx.lines.positionAt(firstProfile ? firstProfile.start : 0);
    // An explicit empty value is valid and marks what is left to fill in.
    return action(`Declare @{${m[1]}}`, d, ctx.uri, [TextEdit.insert({ line: at.line, character: 0 }, `@{${m[1]}} = ""\n`)], false);
  },
  'qualifier-order': (d, ctx) => {
    const start = ctx.lines.offsetAt(d.range.start);
    const lineStart = ctx.text.lastIndexOf('\n', start - 1) + 1;
    const m = /^(\s*)((?:(?:priority\s*=\s*\S+|audit|allow|deny|prompt|owner|user|other)\s+)+)/.exec(ctx.text.slice(lineStart));
    if (!m) return undefined;
    const rank = (w: string): number => (w.startsWith('priority') ? 0 : w === 'audit' ? 1 : ['allow', 'deny', 'prompt'].includes(w) ? 2 : 3);
    const words = m[2]!.replace(/priority\s*=\s*/, 'priority=').trim().split(/\s+/);
    const sorted = [...words].sort((a, b) => rank(a) - rank(b)).join(' ') + ' ';
    const from = ctx.lines.positionAt(lineStart + m[1]!.length);
    const to = ctx.lines.positionAt(lineStart + m[0].length);
    return action(`Reorder as '${sorted.trim()}'`, d, ctx.uri, [TextEdit.replace({ start: from, end: to }, sorted)]);
  },
  'legacy-include': (d, ctx) => action("Write 'include'", d, ctx.uri, [TextEdit.replace(d.range, 'include')]),
  'duplicate-rule': (d, ctx) => {
    // Remove the whole line when the rule stands alone on it.
    const start = ctx.lines.offsetAt(d.range.start);
    const end = ctx.lines.offsetAt(d.range.end);
    const lineStart = ctx.text.lastIndexOf('\n', start - 1) + 1;
    const nl = ctx.text.indexOf('\n', end);
    const lineEnd = nl < 0 ? ctx.text.length : nl + 1;
    const alone = ctx.text.slice(lineStart, start).trim() === '' && ctx.text.slice(end, lineEnd).trim() === '';
    const range = alone ? ctx.lines.rangeOf(lineStart, lineEnd) : d.range;
    return action('Remove the repeated rule', d, ctx.uri, [TextEdit.del(range)]);
  },
  'missing-abi': (d, ctx) => action("Add 'abi <abi/3.0>,'", d, ctx.uri, [TextEdit.insert({ line: d.range.start.line, character: 0 }, 'abi <abi/3.0>,\n\n')], false),
  'unknown-capability': replaceWithSuggestion,
  'unknown-keyword': replaceWithSuggestion,
  'unknown-flag': replaceWithSuggestion,
  'unknown-network-word': replaceWithSuggestion,
  'unknown-signal': replaceWithSuggestion,
  'unknown-permission': replaceWithSuggestion,
  'unknown-conditional': replaceWithSuggestion,
  'unknown-rlimit': replaceWithSuggestion,
  'mount-bad-option': replaceWithSuggestion,
};

/** Quick fixes for the diagnostics the editor sends with a code-action request. */
export function getCodeActions(uri: string, text: string, ast: FileNode, lines: LineIndex, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const ctx: FixContext = { uri, text, ast, lines };
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    const fix = isDiagnosticCode(d.code) ? FIXES[d.code] : undefined;
    const a = fix?.(d, ctx);
    if (Array.isArray(a)) out.push(...(a as readonly CodeAction[]));
    else if (a) out.push(a as CodeAction);
  }
  for (const a of logLineFixes(ctx, diagnostics)) out.push(a);
  return out;
}

/** A pasted log line gets one fix, however many diagnostics the parser reported on it. */
function logLineFixes(ctx: FixContext, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  const lines = new Set<number>();
  for (const d of diagnostics) {
    if (lines.has(d.range.start.line)) continue;
    lines.add(d.range.start.line);
    const a = logLineFix(ctx.uri, ctx.text, ctx.lines, d);
    if (a) out.push(a);
  }
  return out;
}
