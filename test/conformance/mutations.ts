/**
 * Seeded mutations of real profiles, each the kind of mistake people make: a
 * dropped comma, a misspelt word, a lost brace, swapped qualifiers, bad modes …
 * A mutation that finds nothing to change in a file yields nothing.
 */
import { pick, rng } from '../support/random';

export interface Mutation {
  readonly kind: string;
  readonly text: string;
}

type Mutator = (text: string, random: () => number) => string | undefined;

const lines = (t: string): string[] => t.split('\n');

/** Applies `edit` to one randomly chosen line matching `re`. */
function onLine(text: string, random: () => number, re: RegExp, edit: (line: string) => string): string | undefined {
  const ls = lines(text);
  const candidates = ls.map((l, i) => (re.test(l) ? i : -1)).filter((i) => i >= 0);
  if (candidates.length === 0) return undefined;
  const i = pick(random, candidates);
  const changed = edit(ls[i]!);
  if (changed === ls[i]) return undefined;
  ls[i] = changed;
  return ls.join('\n');
}

/** A typo: two neighbouring letters swapped, one dropped, or one doubled. */
function typo(word: string, random: () => number): string {
  if (word.length < 3) return word + 'x';
  const i = 1 + Math.floor(random() * (word.length - 2));
  const kind = Math.floor(random() * 3);
  if (kind === 0 && word[i] !== word[i + 1]) return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
  if (kind === 1) return word.slice(0, i) + word.slice(i + 1);
  return word.slice(0, i) + word[i] + word.slice(i);
}

const RULE_LINE = /^\s+[^#\s@].*,\s*(#.*)?$/;
const FILE_RULE = /^(\s+(?:(?:audit|deny|owner)\s+)*)([/@"][^\s]*)(\s+)([rwaklmxiupcRWLMXIUPC]+)(\s*(?:->\s*\S+)?\s*,)/;

const MUTATORS: Record<string, Mutator> = {
  'drop-comma': (t, r) => onLine(t, r, RULE_LINE, (l) => l.replace(/,(\s*(#.*)?)$/, '$1')),
  'misspell-keyword': (t, r) =>
    onLine(t, r, /^\s*(capability|network|owner|deny|audit|include|#include|profile|signal|dbus|ptrace|unix|mount|file|link)\b/, (l) =>
      l.replace(/^(\s*#?)([a-z_]+)/, (_, pre: string, w: string) => pre + typo(w, r))),
  'misspell-capability': (t, r) => onLine(t, r, /^\s*capability\s+\w+/, (l) => l.replace(/(capability\s+)(\w+)/, (_, a: string, w: string) => a + typo(w, r))),
  'misspell-flag': (t, r) => onLine(t, r, /flags=\(/, (l) => l.replace(/(flags=\(\s*)([a-z_]+)/, (_, a: string, w: string) => a + typo(w, r))),
  'misspell-family': (t, r) => onLine(t, r, /^\s*network\s+[a-z]/, (l) => l.replace(/(network\s+)([a-z0-9]+)/, (_, a: string, w: string) => a + typo(w, r))),
  'delete-open-brace': (t, r) => onLine(t, r, /\s\{\s*(#.*)?$/, (l) => l.replace(/\s\{(\s*(#.*)?)$/, '$1')),
  'delete-close-brace': (t, r) => onLine(t, r, /^\s*\}\s*$/, () => ''),
  'stray-close-brace': (t, r) => onLine(t, r, RULE_LINE, (l) => `${l}\n}`),
  'swap-audit-deny': (t, r) => onLine(t, r, /^\s*(deny|owner)\s/, (l) => l.replace(/^(\s*)(deny|owner)\s/, '$1$2 audit ')),
  'owner-before-deny': (t, r) => onLine(t, r, /^\s*deny\s/, (l) => l.replace(/^(\s*)deny\s/, '$1owner deny ')),
  'bad-mode-letter': (t, r) => onLine(t, r, FILE_RULE, (l) => l.replace(FILE_RULE, (_, a: string, p: string, s: string, m: string, e: string) => a + p + s + m + pick(r, ['q', 'z', 'y', 'e']) + e)),
  'write-and-append': (t, r) => onLine(t, r, FILE_RULE, (l) => l.replace(FILE_RULE, (_, a: string, p: string, s: string, m: string, e: string) => a + p + s + (m.includes('w') ? m.replace('w', 'wa') : `${m}wa`) + e)),
  'two-exec-modes': (t, r) => onLine(t, r, /\s[a-z]*(ix|Px|px|Cx|cx|ux|Ux)\s*(->.*)?,/, (l) => l.replace(/(ix|Px|px|Cx|cx|ux|Ux)(\s*(->.*)?,)/, '$1ix$2')),
  'bare-x': (t, r) => onLine(t, r, /^\s+[/@][^\s]*\s+[a-z]*(ix|Px|px|Cx|cx)\s*,/, (l) => l.replace(/(ix|Px|px|Cx|cx)(\s*,)/, 'x$2')),
  'owner-capability': (t, r) => onLine(t, r, /^\s*capability\s/, (l) => l.replace(/^(\s*)capability/, '$1owner capability')),
  'var-trailing-comma': (t, r) => onLine(t, r, /^@\{\w+\}\s*\+?=/, (l) => `${l},`),
  'bad-signal': (t, r) => onLine(t, r, /^\s*(profile\s|\/)\S*.*\{\s*$/, (l) => `${l}\n  signal (send) set=(${pick(r, ['hupp', 'sigterm', 'rtmin+40', 'int'])}),`),
  'bad-rlimit': (t, r) => onLine(t, r, /^\s*(profile\s|\/)\S*.*\{\s*$/, (l) => `${l}\n  set rlimit ${pick(r, ['nofile <= 10', 'nofiles <= 10', 'nice <= 20', 'data <= 10Q', 'cpu <= 5'])},`),
  'truncate': (t, r) => t.slice(0, Math.floor(r() * t.length)),
  'delete-char': (t, r) => onLine(t, r, RULE_LINE, (l) => {
    const i = Math.floor(r() * l.length);
    return l.slice(0, i) + l.slice(i + 1);
  }),
  'insert-char': (t, r) => onLine(t, r, RULE_LINE, (l) => {
    const i = Math.floor(r() * l.length);
    return l.slice(0, i) + pick(r, ['{', '}', '(', ')', ',', '"', '#', '=', '!', ' ', '\\', '[', ']', '^', '@', '-', '>']) + l.slice(i);
  }),
  'swap-words': (t, r) => onLine(t, r, /^\s*\S+\s+\S+/, (l) => l.replace(/^(\s*)(\S+)(\s+)(\S+)/, '$1$4$3$2')),
  'join-lines': (t, r) => onLine(t, r, RULE_LINE, (l) => l.replace(/,(\s*)$/, '$1')) ?.replace(/([^,{}\s])\s*\n(\s*)(\S)/, '$1 $3'),
  'break-alternation': (t, r) => onLine(t, r, /\{[^}\s]*,[^}\s]*\}/, (l) => l.replace(/\{([^}\s]*),([^}\s]*)\}/, pick(r, ['{$1$2}', '{$1,$2', '$1,$2}', '[$1,$2}']))),
  'delete-line': (t, r) => onLine(t, r, /\S/, () => ''),
  'duplicate-line': (t, r) => onLine(t, r, /\S/, (l) => `${l}\n${l}`),
};

export const MUTATION_KINDS = Object.keys(MUTATORS);

/** Up to `perFile` distinct mutations of `text`, the same for the same seed. */
export function mutate(text: string, seed: number, perFile: number): Mutation[] {
  const random = rng(seed);
  const out: Mutation[] = [];
  const seen = new Set<string>([text]);
  const kinds = [...MUTATION_KINDS];
  for (let attempt = 0; attempt < perFile * 4 && out.length < perFile; attempt++) {
    const kind = kinds[(attempt + Math.floor(random() * kinds.length)) % kinds.length]!;
    const changed = MUTATORS[kind]!(text, random);
    if (changed === undefined || seen.has(changed)) continue;
    seen.add(changed);
    out.push({ kind, text: changed });
  }
  return out;
}
