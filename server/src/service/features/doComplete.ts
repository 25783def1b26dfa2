import { CompletionItem, CompletionItemKind, CompletionList, InsertTextFormat, MarkupKind, Range } from 'vscode-languageserver-types';
import { CAPABILITY_DOCS, DANGEROUS_CAPABILITIES, EXEC_DOCS, PERMISSION_DOCS, RULE_DOCS } from '../data/docs';
import {
  BUILTIN_VARIABLES, CAPABILITIES, MOUNT_OPTIONS, NETWORK_FAMILIES, NETWORK_PROTOCOLS, NETWORK_TYPES, PROFILE_FLAGS,
  RLIMIT_SIZE_UNITS, RLIMIT_TIME_UNITS, RLIMITS, SIGNALS,
} from '../data/facts';
import { keywordsOf, RULE_KEYWORDS, RULE_KIND_LIST, RULE_KINDS } from '../data/ruleKinds';

export interface CompletionContext {
  /** Include names the search path offers (`abstractions/base`, `tunables/global` …). */
  readonly includeNames?: readonly string[];
  /** Variables in scope, without `@{ }`. */
  readonly variables?: readonly string[];
  /** Profile names known in the file and workspace, for `-> target` and `peer=`; asked for only when needed. */
  readonly profileNames?: () => readonly string[];
  /** The character whose typing asked for completion, when one did. */
  readonly triggerCharacter?: string;
  /** What the client can show, from its `initialize` capabilities; plain text when absent. */
  readonly support?: CompletionSupport;
}

/** The parts of LSP completion a client may lack. */
export interface CompletionSupport {
  /** `completionItem.snippetSupport`: tab stops in inserted text. */
  readonly snippets: boolean;
  /** `completionItem.documentationFormat` includes markdown. */
  readonly markdown: boolean;
}

const PLAIN: CompletionSupport = { snippets: false, markdown: false };

/** Where the cursor is: the line's text around it, and the LSP position of the line. */
interface Place {
  readonly before: string;
  readonly after: string;
  readonly line: number;
}

/** The words that start a rule taking permissions, for `RULE (`. */
const PERMS_KEYWORDS = [...RULE_KEYWORDS].filter(([, kind]) => RULE_KINDS[kind].perms).map(([word]) => word);

/** What completing a word that is not a rule keyword inserts. */
const OTHER_SNIPPETS: Readonly<Record<string, string>> = {
  include: 'include <${1:abstractions/base}>',
  profile: 'profile ${1:name} ${2:/usr/bin/name} {\n\t$0\n}',
  hat: '^${1:hat} {\n\t$0\n}',
  abi: 'abi <abi/${1:3.0}>,',
};

const SNIPPETS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(RULE_KIND_LIST.flatMap((r) => (r.snippet ? [[r.keyword, r.snippet]] : []))),
  ...OTHER_SNIPPETS,
};

/**
 * The qualifiers a rule may begin with, any number of them (the parser reports a wrong
 * order or mix), from the start of the line: one pattern for every place that looks at a rule.
 */
const QUALIFIED = String.raw`^\s*(?:(?:audit|allow|deny|prompt|owner|user|other|priority\s*=\s*[+-]?\d+)\s+)*`;
const ruleStart = (rest: string): RegExp => new RegExp(QUALIFIED + rest);

const SIGNAL_RULE = ruleStart(String.raw`signal\b`);
const PERMS_LIST = ruleStart(String.raw`(${PERMS_KEYWORDS.join('|')})\s*\([^)]*$`);
const MOUNT_RULE = ruleStart(String.raw`(?:${keywordsOf('mount', 'remount', 'umount').join('|')})\b`);
const CAPABILITY_WORDS = ruleStart(String.raw`capability\s+(?:[a-z_]+\s+)*[a-z_]*$`);
const NETWORK_WORDS = ruleStart(String.raw`network\s+(\S+\s+)?\S*$`);
const FILE_PERMS = ruleStart(String.raw`(?:file\s+)?[/@"]\S*\s+[a-zA-Z]*$`);
/** Qualifiers written, and a word begun after them: what may follow is a rule or another qualifier. */
const AFTER_QUALIFIERS = /^\s*((?:(?:audit|allow|deny|prompt|owner|user|other|priority\s*=\s*[+-]?\d+)\s+)+)[a-z_]*$/;
/** A rule's keyword and a new word begun after it (not a value after `=`, not inside `( … )`). */
const RULE_ARGS = ruleStart(String.raw`([a-z_]+)\s+(?:[^\n]*\s)?[a-z_]*$`);
/** Inside `peer=( … )`, at the start of a conditional. */
const PEER_GROUP = ruleStart(String.raw`([a-z_]+)\b[^\n]*\bpeer=\((?:[^)]*[\s,])?[a-z_]*$`);

/**
 * File permissions, the most written first: a plain letter sort would put `a` and `k`
 * before `r` and `rw`, and the exec transitions after everything.
 */
const COMMON_PERMS = [
  'r', 'rw', 'mr', 'ix', 'px', 'Px', 'cx', 'Cx', 'rix', 'mrix', 'rk', 'rwk', 'w', 'a', 'ra', 'k', 'l', 'm',
  'pix', 'Pix', 'cix', 'Cix', 'ux', 'Ux', 'pux', 'PUx', 'cux', 'CUx', 'x',
];

/** Each qualifier's rank: a later one may follow an earlier one, not the reverse. */
const QUALIFIER_RANK: Readonly<Record<string, number>> = { audit: 1, allow: 2, deny: 2, prompt: 2, owner: 3, user: 3, other: 3 };

const words = (names: Iterable<string>, kind: CompletionItemKind = CompletionItemKind.EnumMember, detail?: string): Item[] =>
  [...names].map((label) => ({ label, kind, ...(detail ? { detail } : {}) }));

/** The part of a word typed before the cursor, which an item replaces. */
const TYPED = /[^\s,()=<>"{}]*$/;

/**
 * Completion from the text before the cursor: it works on half-written rules, which
 * are exactly what a parse tree cannot describe well.
 */
export function doComplete(text: string, offset: number, context: CompletionContext = {}): CompletionList {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset);
  const place: Place = { before: text.slice(lineStart, offset), after: text.slice(offset, lineEnd < 0 ? text.length : lineEnd), line: lineOf(text, lineStart) };
  // A space typed into indentation, or a trigger character outside its places, asks for nothing.
  if (context.triggerCharacter === ' ' && /^\s*$/.test(place.before)) return { isIncomplete: false, items: [] };
  return { isIncomplete: false, items: completedInPlace(place, context) ?? withEdits(place, itemsFor(place.before, context), context.support ?? PLAIN) };
}

function lineOf(text: string, lineStart: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < lineStart; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Items that replace what is typed of a name: a variable in `@{…}` or after a bare `@`, an
 * include name in `<…>`. Each item's range covers the typed part, so the editor filters by it
 * (not by its word, which `@{}` and `<>` are not), and stops before the closer the editor
 * auto-inserted, which is added only when it is missing.
 */
function completedInPlace(place: Place, context: CompletionContext): CompletionItem[] | undefined {
  const { before, after } = place;
  const range = (typed: number, tail: number): Range =>
    ({ start: { line: place.line, character: before.length - typed }, end: { line: place.line, character: before.length + tail } });
  let m: RegExpExecArray | null;
  if ((m = /(?:^|\s)#?include(?:\s+if\s+exists)?\s*<([^>\s]*)$/.exec(before))) {
    const tail = /^[^>\s]*/.exec(after)![0];
    const closer = after[tail.length] === '>' ? '' : '>';
    const r = range(m[1]!.length, tail.length);
    return (context.includeNames ?? []).map((label) => ({ label, kind: CompletionItemKind.File, textEdit: { range: r, newText: label + closer } }));
  }
  const braced = /@\{(\w*)$/.exec(before);
  const bare = braced ? null : /(?:^|[^\w@$])@(\w*)$/.exec(before);
  if (!braced && !bare) return undefined;
  if (/#/.test(before.replace(/^\s*#\s*include\b/, ''))) return []; // a comment
  const tail = /^\w*/.exec(after)![0];
  const names = [...new Set([...(context.variables ?? []), ...BUILTIN_VARIABLES])].sort();
  if (braced) {
    const closer = after[tail.length] === '}' ? '' : '}';
    const r = range(braced[1]!.length, tail.length);
    return names.map((label) => ({ label, kind: CompletionItemKind.Variable, detail: `@{${label}}`, textEdit: { range: r, newText: label + closer } }));
  }
  // The range starts after the `@`: VS Code shows nothing when it starts on a character the names lack.
  const r = range(bare![1]!.length, tail.length);
  return names.map((label) => ({ label, kind: CompletionItemKind.Variable, detail: `@{${label}}`, textEdit: { range: r, newText: `{${label}}` } }));
}

/**
 * Gives each item the edit other editors rely on: its text (a snippet where the client takes
 * them) over the typed part of the word, and its documentation in a format the client shows.
 */
function withEdits(place: Place, items: Item[], support: CompletionSupport): CompletionItem[] {
  const end = { line: place.line, character: place.before.length };
  const word: Range = { start: { line: place.line, character: place.before.length - TYPED.exec(place.before)![0].length }, end };
  return items.map(({ snippet, documentation, appends, ...item }) => {
    const range = appends ? { start: end, end } : word;
    const label = item.label;
    const useSnippet = snippet !== undefined && support.snippets;
    return {
      ...item,
      ...(documentation !== undefined ? { documentation: support.markdown ? { kind: MarkupKind.Markdown, value: documentation } : plain(documentation) } : {}),
      ...(useSnippet ? { insertTextFormat: InsertTextFormat.Snippet } : {}),
      textEdit: { range, newText: useSnippet ? snippet : label },
    };
  });
}

/** Markdown as plain text: without the marks for code and bold. */
function plain(markdown: string): string {
  return markdown.replace(/\*\*|`/g, '');
}

/** An item before its edit: its documentation is markdown, its snippet used where the client takes them. */
type Item = Omit<CompletionItem, 'documentation' | 'textEdit' | 'insertText'> & {
  readonly documentation?: string;
  readonly snippet?: string;
  /** Whether the item goes after what is typed (a unit after its number) instead of replacing the word. */
  readonly appends?: boolean;
};

function itemsFor(before: string, context: CompletionContext): Item[] {
  let m: RegExpExecArray | null;
  if (/\bset=\(([^)]*)$/.test(before) && SIGNAL_RULE.test(before)) {
    return words([...SIGNALS.keys(), 'rtmin+0'], CompletionItemKind.EnumMember, 'signal');
  }
  if ((m = PERMS_LIST.exec(before))) {
    return words(RULE_KINDS[RULE_KEYWORDS.get(m[1]!)!].perms!.keys(), CompletionItemKind.EnumMember, `${m[1]} permission`);
  }
  if (/\boptions?\s*(=|in)\s*(\([^)]*|[^\s,(]*)$/.test(before) && MOUNT_RULE.test(before)) {
    return words(MOUNT_OPTIONS.keys(), CompletionItemKind.EnumMember, 'mount option');
  }
  if (/^\s*set\s+rlimit\s+\w*$/.test(before)) return words(RLIMITS.keys(), CompletionItemKind.EnumMember, 'rlimit');
  if ((m = /^\s*set\s+rlimit\s+(\w+)\s*<=\s*\d+$/.exec(before))) {
    const timed = m[1] === 'cpu' || m[1] === 'rttime';
    const units = words(timed ? RLIMIT_TIME_UNITS.keys() : m[1] === 'nice' ? [] : RLIMIT_SIZE_UNITS.keys(), CompletionItemKind.Unit, timed ? 'time unit' : 'size unit');
    return units.map((u) => ({ ...u, appends: true }));
  }
  if ((m = PEER_GROUP.exec(before)) && RULE_KEYWORDS.has(m[1]!)) {
    const conds = RULE_KINDS[RULE_KEYWORDS.get(m[1]!)!].peerConds ?? ['label'];
    return conds.map((c) => ({ label: `${c}=`, kind: CompletionItemKind.Property, detail: `${m![1]} peer conditional` }));
  }
  if (/(->\s*|\bpeer=\(?(?:label=)?)[^\s,)]*$/.test(before)) {
    return words(context.profileNames?.() ?? [], CompletionItemKind.Class, 'profile');
  }
  if (/\bflags\s*=\s*\([^)]*$/.test(before) || /^\s*(profile\s+)?\S+(\s+\S+)?\s+\([^)]*$/.test(before)) {
    return [...PROFILE_FLAGS.values()].map((f) => ({ label: f.name + (f.value ? '=' : ''), kind: CompletionItemKind.EnumMember, detail: `profile flag (AppArmor ${f.since})` }));
  }
  if (CAPABILITY_WORDS.test(before)) {
    return [...CAPABILITIES.keys()].map((label) => ({
      label,
      kind: CompletionItemKind.EnumMember,
      detail: DANGEROUS_CAPABILITIES.has(label) ? 'capability (powerful)' : 'capability',
      documentation: CAPABILITY_DOCS[label] ?? '',
    }));
  }
  if ((m = NETWORK_WORDS.exec(before))) {
    const names = m[1] ? [...NETWORK_TYPES.keys(), ...NETWORK_PROTOCOLS.keys()] : [...NETWORK_FAMILIES.keys(), ...NETWORK_TYPES.keys()];
    return names.map((label) => ({ label, kind: CompletionItemKind.EnumMember }));
  }
  if (FILE_PERMS.test(before)) return filePermissions();
  if ((m = AFTER_QUALIFIERS.exec(before))) return afterQualifiers(m[1]!.trim().split(/\s+/));
  if ((m = RULE_ARGS.exec(before)) && RULE_KEYWORDS.has(m[1]!)) return ruleArguments(m[1]!);
  if (/^\s*[a-z_]*$/.test(before)) {
    return Object.entries(RULE_DOCS).map(([label, d]) => keywordItem(label, d));
  }
  return [];
}

/**
 * A keyword. A qualifier, or `profile`, says what it is beside its name: VS Code's own
 * snippets of the same prefix ("Deny rule", "New profile") then read as other items.
 */
function keywordItem(label: string, documentation: string): Item {
  const snippet = SNIPPETS[label];
  const what = QUALIFIER_RANK[label] !== undefined || label === 'priority' ? 'qualifier' : OTHER_SNIPPETS[label] ? 'keyword' : undefined;
  return {
    label, kind: CompletionItemKind.Keyword, documentation, ...(snippet ? { snippet } : {}),
    ...(what ? { labelDetails: { description: what } } : {}),
  };
}

/** File permissions in COMMON_PERMS order, each explained letter by letter. */
function filePermissions(): Item[] {
  return COMMON_PERMS.map((label, i) => {
    const exec = label.match(/(?:[pPcC][iIuU]?|[iIuU])x$/)?.[0];
    const letters = exec ? label.slice(0, -exec.length) : label;
    const docs = [...letters].map((c) => PERMISSION_DOCS[c]).filter((d) => d !== undefined);
    if (exec) docs.push(`**${exec}** — ${EXEC_DOCS[exec] ?? ''}`);
    return {
      label, kind: CompletionItemKind.Operator, sortText: String(i).padStart(2, '0'), documentation: docs.join('\n\n'),
      ...(exec ? { detail: 'exec transition' } : {}),
    };
  });
}

/** After `audit `, `deny `, `owner ` …: the rules that take them, and the qualifiers that may still follow. */
function afterQualifiers(qualifiers: readonly string[]): Item[] {
  const last = Math.max(...qualifiers.map((q) => QUALIFIER_RANK[q] ?? 0));
  const owner = last === 3;
  const later = Object.keys(QUALIFIER_RANK).filter((q) => QUALIFIER_RANK[q]! > last).map((q) => keywordItem(q, RULE_DOCS[q] ?? ''));
  // Only file rules match an owner; `set rlimit` takes no qualifier at all.
  const rules = RULE_KIND_LIST.filter((r) => (owner ? r.kind === 'file' || r.kind === 'link' : r.kind !== 'rlimit'))
    .map((r) => keywordItem(r.keyword, r.doc));
  return [...rules, ...later];
}

/** After a rule's keyword: its permission words and its conditionals (`set=`, `peer=` …). */
function ruleArguments(keyword: string): Item[] {
  const spec = RULE_KINDS[RULE_KEYWORDS.get(keyword)!];
  if (spec.kind === 'capability' || spec.kind === 'network' || spec.kind === 'file' || spec.kind === 'rlimit') return [];
  const perms = words(spec.perms?.keys() ?? [], CompletionItemKind.EnumMember, `${keyword} permission`);
  const conds = spec.conds.map((c) => ({ label: `${c}=`, kind: CompletionItemKind.Property, detail: `${keyword} conditional` }));
  const arrow = spec.target ? [{ label: '->', kind: CompletionItemKind.Operator, detail: spec.kind === 'change_profile' ? 'to the profile' : 'target' }] : [];
  const safety = spec.kind === 'change_profile' ? words(['safe', 'unsafe'], CompletionItemKind.Keyword) : [];
  return [...perms, ...conds, ...safety, ...arrow];
}
