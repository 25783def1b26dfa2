import type { FileRuleNode, LinkRuleNode, Token } from '../ast';
import { checkGlob } from './checkGlob';
import { ProblemSink } from './problems';

/** Plain permission letters as bits; uppercase R W L M X are accepted (deprecated) forms. */
const PERM_BITS: Readonly<Record<string, number>> = {
  r: 1, w: 2, a: 4, l: 8, k: 16, m: 32, x: 64, R: 1, W: 2, L: 8, M: 32, X: 64,
};
export const PERM = { r: 1, w: 2, a: 4, l: 8, k: 16, m: 32, x: 64 } as const;
const EXEC_PREFIX = new Set(['p', 'P', 'c', 'C']);
const EXEC_MIDDLE = new Set(['i', 'I', 'u', 'U']);
const NO_MODES: readonly string[] = [];

export interface ParsedPerms {
  /** Plain letters present, as PERM bits. */
  readonly bits: number;
  /** Exec transitions such as `ix`, `Px`, `cux`, `pIx`, in order. */
  readonly execModes: readonly string[];
  readonly bareX: boolean;
}

/** Splits a permission string into plain letters and exec transitions; reports bad letters. */
export function parsePerms(perms: Token, sink?: ProblemSink): ParsedPerms {
  const text = perms.text;
  let execModes: string[] | undefined;
  let bits = 0;
  let bareX = false;
  // Offsets of the characters that are no permission: one finding names them all.
  let bad: number[] | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    // An exec transition is [pc]?[iu]?x with at least one qualifier letter.
    let j = i;
    if (EXEC_PREFIX.has(text[j]!)) j++;
    if (EXEC_MIDDLE.has(text[j]!)) j++;
    if (j > i && (text[j] === 'x' || text[j] === 'X')) {
      (execModes ??= []).push(text.slice(i, j + 1));
      i = j;
      continue;
    }
    const bit = PERM_BITS[c];
    if (bit === undefined) {
      (bad ??= []).push(i);
      continue;
    }
    if (bit === PERM.x) bareX = true;
    bits |= bit;
  }
  if (bad && sink) reportBadLetters(perms, bad, sink);
  return { bits, execModes: execModes ?? NO_MODES, bareX };
}

/** One finding for a permission word: at the letter when one is wrong, else over the word. */
function reportBadLetters(perms: Token, bad: readonly number[], sink: ProblemSink): void {
  const letters = [...new Set(bad.map((i) => perms.text[i]!))].map((c) => `'${c}'`);
  const list = letters.length === 1 ? letters[0]! : `${letters.slice(0, -1).join(', ')} and ${letters[letters.length - 1]}`;
  const span = bad.length === 1 ? { start: perms.start + bad[0]!, end: perms.start + bad[0]! + 1 } : perms;
  sink.add('invalid-permission', span, { word: perms.text, letters: list, be: letters.length === 1 ? 'is' : 'are' });
}

export function checkFileRule(rule: FileRuleNode, sink: ProblemSink): void {
  if (rule.path) checkAbsolute(rule.path, sink);
  checkGlob(rule.path, sink);
  // Permissions without their path are already reported (missing-path); judging them says no more.
  if (rule.perms && !rule.path) return;
  if (!rule.perms) {
    if (rule.execSafety) sink.add('unsafe-without-exec', rule.execSafety, { word: rule.execSafety.text });
    return;
  }
  const perms = parsePerms(rule.perms, sink);
  const deny = rule.qualifiers.mode?.text === 'deny';
  if (perms.bits & PERM.w && perms.bits & PERM.a) sink.add('write-and-append', rule.perms);
  // Repeating the same transition (`ixix`) is accepted; two different ones are not.
  if (perms.execModes.some((m) => m !== perms.execModes[0])) {
    sink.add('multiple-exec-modes', rule.perms, { modes: [...new Set(perms.execModes)].join(', ') });
  }
  if (deny && perms.execModes.length > 0) sink.add('deny-exec-mode', rule.perms, { mode: perms.execModes[0]! });
  else if (deny && rule.target) sink.add('deny-exec-mode', rule.target, { mode: '->' });
  // apparmor_parser takes `x -> target` as a named transition.
  if (!deny && perms.bareX && perms.execModes.length === 0 && !rule.target) sink.add('bare-x', rule.perms);
  const hasExec = perms.execModes.length > 0 || perms.bareX;
  if (rule.execSafety && !hasExec) sink.add('unsafe-without-exec', rule.execSafety, { word: rule.execSafety.text });
}

export function checkLinkRule(rule: LinkRuleNode, sink: ProblemSink): void {
  if (rule.path) checkAbsolute(rule.path, sink);
  if (rule.target) checkAbsolute(rule.target, sink);
  checkGlob(rule.path, sink);
  checkGlob(rule.target, sink);
}

function checkAbsolute(path: Token, sink: ProblemSink): void {
  const v = path.value;
  if (v.startsWith('/') || v.startsWith('@{') || v.startsWith('{') || v.startsWith('"')) return;
  sink.add('path-not-absolute', path, { path: path.text });
}
