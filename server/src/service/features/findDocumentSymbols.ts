import { descend, runDeep, type Deep } from '../deep';
import { ifBlocks } from '../walk';
import { DocumentSymbol, SymbolKind } from 'vscode-languageserver-types';
import type { BodyItem, FileNode, RuleKind, RuleNode, TopItem } from '../ast';
import type { LineIndex } from '../diagnostics';

/**
 * Profiles, hats and child profiles (nested), includes and variables; and each block's
 * rules, grouped by kind ("capability", "file" …) where the kind first shows. Rules inside
 * `owner { }`, `audit { }` and `if` blocks count with their block's.
 */
export function findDocumentSymbols(ast: FileNode, lines: LineIndex, text?: string): DocumentSymbol[] {
  return runDeep(symbolsOf(ast.items, lines, text));
}

/** The outline's word for each group: what a person calls those rules. */
const GROUP_NAMES: Record<RuleKind, string> = {
  file: 'files', link: 'links', capability: 'capabilities', network: 'network', unix: 'unix sockets', dbus: 'dbus',
  signal: 'signals', ptrace: 'ptrace', mount: 'mounts', remount: 'remounts', umount: 'umounts', pivot_root: 'pivot_root',
  change_profile: 'change_profile', rlimit: 'rlimits', userns: 'userns', mqueue: 'message queues', io_uring: 'io_uring', all: 'all',
};

const RULE_SYMBOL: Partial<Record<RuleKind, SymbolKind>> = {
  file: SymbolKind.File, link: SymbolKind.File, capability: SymbolKind.Constant, network: SymbolKind.Interface, unix: SymbolKind.Interface,
  dbus: SymbolKind.Event, signal: SymbolKind.Event, ptrace: SymbolKind.Event, change_profile: SymbolKind.Function, rlimit: SymbolKind.Number,
};

/** A rule's name in the outline: its text on one line, cut where it is long. */
const MAX_NAME = 80;

/** Generators run on an explicit stack (deep.ts): profiles nest a thousand deep. */
function* symbolsOf(items: readonly (TopItem | BodyItem)[], lines: LineIndex, text: string | undefined): Deep<DocumentSymbol[]> {
  const out: DocumentSymbol[] = [];
  const groups = new Map<RuleKind, RuleNode[]>();
  yield* collect(items, lines, text, out, groups);
  for (const [kind, rules] of groups) out.push(groupSymbol(kind, rules, lines, text));
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

/** One walk over a block, its `owner { }` and `if` blocks included: symbols into `out`, rules into their kind's group. */
function* collect(items: readonly (TopItem | BodyItem)[], lines: LineIndex, text: string | undefined, out: DocumentSymbol[], groups: Map<RuleKind, RuleNode[]>): Deep<void> {
  for (const item of items) {
    const range = lines.rangeOf(item.start, item.end);
    switch (item.type) {
      case 'profile': {
        const name = item.name?.value ?? '(unnamed)';
        out.push({
          name: item.hat ? `^${name}` : name,
          detail: [item.attachment?.text, item.flags ? `flags=(${item.flags.map((f) => f.name.text).join(',')})` : ''].filter(Boolean).join(' '),
          kind: item.hat ? SymbolKind.Method : SymbolKind.Class,
          range,
          selectionRange: item.name ? lines.rangeOf(item.name.start, item.name.end) : range,
          children: yield* descend(symbolsOf(item.body.items, lines, text)),
        });
        break;
      }
      case 'include':
        if (item.path) out.push({ name: item.path.text, kind: SymbolKind.File, range, selectionRange: lines.rangeOf(item.path.start, item.path.end) });
        break;
      case 'variable':
        out.push({ name: `${item.sigil}{${item.name.value}}`, detail: item.values.map((v) => v.text).join(' '), kind: SymbolKind.Variable, range, selectionRange: lines.rangeOf(item.name.start, item.name.end) });
        break;
      case 'qualifierBlock':
        yield* descend(collect(item.body.items, lines, text, out, groups));
        break;
      case 'if':
        for (const block of ifBlocks(item)) yield* descend(collect(block.items, lines, text, out, groups));
        break;
      case 'rule': {
        const list = groups.get(item.kind);
        if (list) list.push(item);
        else groups.set(item.kind, [item]);
        break;
      }
    }
  }
}

function groupSymbol(kind: RuleKind, rules: readonly RuleNode[], lines: LineIndex, text: string | undefined): DocumentSymbol {
  const children = rules.map((r): DocumentSymbol => {
    const range = lines.rangeOf(r.start, r.end);
    return { name: ruleName(text !== undefined ? text.slice(r.start, r.end) : tokenText(r)), kind: RULE_SYMBOL[kind] ?? SymbolKind.Key, range, selectionRange: range };
  });
  return {
    name: GROUP_NAMES[kind],
    detail: `${rules.length} rule${rules.length === 1 ? '' : 's'}`,
    kind: SymbolKind.Namespace,
    range: { start: children[0]!.range.start, end: children[children.length - 1]!.range.end },
    selectionRange: children[0]!.selectionRange,
    children,
  };
}

/** Without the document's text: the rule's words, from its tokens. */
function tokenText(rule: RuleNode): string {
  const tokens: { start: number; text: string }[] = [];
  const seen = new Set<unknown>();
  // Tokens sit at most three levels down (a conditional's value list); deeper are shared structures.
  const visit = (v: unknown, depth: number): void => {
    if (typeof v !== 'object' || v === null || seen.has(v) || depth > 3) return;
    seen.add(v);
    const t = v as { start?: unknown; end?: unknown; text?: unknown };
    if (typeof t.text === 'string' && typeof t.start === 'number') {
      if (t.start >= rule.start && (t.end as number) <= rule.end) tokens.push({ start: t.start, text: t.text });
    } else for (const x of Object.values(v)) visit(x, depth + 1);
  };
  visit(rule, 0);
  return `${tokens.sort((a, b) => a.start - b.start).map((t) => t.text).join(' ')},`;
}

function ruleName(source: string): string {
  const one = source.replace(/\s+/g, ' ').trim();
  return one.length > MAX_NAME ? `${one.slice(0, MAX_NAME - 1)}…` : one;
}
