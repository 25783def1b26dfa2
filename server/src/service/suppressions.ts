import type { Diagnostic, Range } from 'vscode-languageserver-types';
import { DIAGNOSTIC_RULES, formatMessage } from './diagnosticRules';

/**
 * `#aa:lint ignore=CODE[,CODE]`, spelt as apparmor.d's own linter spells it:
 * - at the end of a line with a rule on it: that line;
 * - on a line of its own: the lines after it, up to the next blank line (apparmor.d's
 *   "paragraph"), so the line before a rule covers the rule;
 * - among the comments at the top of the file, before any rule, with a blank line after
 *   its paragraph: the whole file.
 */
export interface Suppression {
  readonly codes: readonly SuppressedCode[];
  /** 0-based lines covered, inclusive; the whole file when `file` is set. */
  readonly from: number;
  readonly to: number;
  readonly file: boolean;
}

export interface SuppressedCode {
  readonly code: string;
  /** Where the code is written, to point a warning at it. */
  readonly range: Range;
}

const MARK = /#aa:lint\s+ignore=/;
const CODE = /[A-Za-z0-9_-]+/y;

/**
 * Check names of apparmor.d's own linter (its `tests/check.sh`): a suppression of one of
 * them is for that tool, so it is neither unknown here nor unused.
 */
const FOREIGN_CODES: ReadonlySet<string> = new Set([
  'abstractions', 'directory-mark', 'equivalent', 'too-wide', 'useless', 'transition', 'tunables',
  'abi', 'include', 'profile', 'subprofiles', 'header', 'tabs', 'trailing', 'indentation', 'vim', 'sbin', 'bin',
]);

/** Every suppression comment of a text, in order. */
export function findSuppressions(text: string): Suppression[] {
  if (!text.includes('#aa:lint')) return [];
  const lines = text.split('\n');
  const out: Suppression[] = [];
  let codeSeen = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = MARK.exec(line);
    const trimmed = line.trim();
    if (!m) {
      if (trimmed !== '' && !trimmed.startsWith('#')) codeSeen = true;
      continue;
    }
    const codes = readCodes(line, m.index + m[0].length, i);
    const ownLine = trimmed.startsWith('#');
    if (!ownLine) {
      codeSeen = true;
      out.push({ codes, from: i, to: i, file: false });
      continue;
    }
    let end = i + 1;
    let paragraphHasCode = false;
    for (; end < lines.length && lines[end]!.trim() !== ''; end++) if (!lines[end]!.trim().startsWith('#')) paragraphHasCode = true;
    const file = !codeSeen && !paragraphHasCode && end < lines.length;
    out.push({ codes, from: i + 1, to: end - 1, file });
  }
  return out;
}

function readCodes(line: string, at: number, lineNo: number): SuppressedCode[] {
  const out: SuppressedCode[] = [];
  let i = at;
  for (;;) {
    CODE.lastIndex = i;
    const m = CODE.exec(line);
    if (!m) break;
    out.push({ code: m[0], range: { start: { line: lineNo, character: i }, end: { line: lineNo, character: i + m[0].length } } });
    i += m[0].length;
    const sep = /^\s*,\s*/.exec(line.slice(i));
    if (!sep) break;
    i += sep[0].length;
  }
  return out;
}

export interface Suppressed {
  /** The diagnostics left, with a warning for each code a suppression names that no tool knows. */
  readonly diagnostics: Diagnostic[];
  /** Codes written in suppressions that hid nothing (for --report-unused-suppressions). */
  readonly unused: readonly SuppressedCode[];
}

/** Drops the diagnostics a suppression covers, by the line each starts on. */
export function applySuppressions(text: string, diagnostics: readonly Diagnostic[]): Suppressed {
  const all = findSuppressions(text);
  if (all.length === 0) return { diagnostics: [...diagnostics], unused: [] };
  const used = new Set<SuppressedCode>();
  const kept = diagnostics.filter((d) => {
    const hit = coveringCode(all, d);
    if (hit) used.add(hit);
    return !hit;
  });
  const unused: SuppressedCode[] = [];
  for (const s of all) {
    for (const c of s.codes) {
      if (FOREIGN_CODES.has(c.code) || used.has(c)) continue;
      if (c.code in DIAGNOSTIC_RULES) unused.push(c);
      else kept.push(suppressionWarning('suppression-unknown-code', c));
    }
  }
  return { diagnostics: kept, unused };
}

function coveringCode(all: readonly Suppression[], d: Diagnostic): SuppressedCode | undefined {
  const line = d.range.start.line;
  for (const s of all) {
    if (!s.file && (line < s.from || line > s.to)) continue;
    const c = s.codes.find((x) => x.code === d.code);
    if (c) return c;
  }
  return undefined;
}

/** The warning for a suppression that hid nothing. */
export function unusedSuppression(c: SuppressedCode): Diagnostic {
  return suppressionWarning('suppression-unused', c);
}

/** A warning about the suppressed code `c` itself, at its place in the comment. */
function suppressionWarning(code: 'suppression-unknown-code' | 'suppression-unused', c: SuppressedCode): Diagnostic {
  return { range: c.range, severity: 2, code, source: 'apparmor', message: formatMessage(code, { code: c.code }) };
}
