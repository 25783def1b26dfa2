/**
 * What one generated input must survive, for the fuzz test and the long fuzz run
 * (bench/fuzz.ts): a check as a profile and as a fragment, one random edit re-parsed
 * incrementally both ways and compared with a full parse, and (deep) that edit's findings
 * re-checked incrementally and compared with a full check, and each editor feature at a few
 * places. Throws, naming the step, at the first thing that goes wrong.
 */
import { Analyzer, FileAnalysis } from '../../server/src/service/analyze';
import { LineIndex, toDiagnostics } from '../../server/src/service/diagnostics';
import { doComplete } from '../../server/src/service/features/doComplete';
import { doHover } from '../../server/src/service/features/doHover';
import { doRename, prepareRename } from '../../server/src/service/features/doRename';
import { findDefinition } from '../../server/src/service/features/findDefinition';
import { findDocumentSymbols } from '../../server/src/service/features/findDocumentSymbols';
import { findDocumentHighlights, findReferences } from '../../server/src/service/features/findReferences';
import { formatText } from '../../server/src/service/features/format';
import { getCodeActions } from '../../server/src/service/features/getCodeActions';
import { getFoldingRanges } from '../../server/src/service/features/getFoldingRanges';
import { getSelectionRanges } from '../../server/src/service/features/getSelectionRanges';
import { getSemanticTokens } from '../../server/src/service/features/getSemanticTokens';
import { parse } from '../../server/src/service/parser';
import { reparse, ReparseMode, TextEdit } from '../../server/src/service/reparse';
import { ODD_CHARS } from './fuzzInputs';
import { pick } from './random';

const PROFILE = '/etc/apparmor.d/fuzz';
const FRAGMENT = '/etc/apparmor.d/abstractions/fuzz';
/** Characters an incremental re-check handles itself; others make it check the whole file. */
const COMMON = 'abcdefrwxmkilpu0123456789   \n\n,,//*.-_@';
const STRUCTURAL = '{}"#()=^\\<>';

export interface FuzzTally {
  inputs: number;
  edits: number;
  /** Edits re-parsed without a full parse, by either way. */
  incremental: number;
  /** Inputs whose edit was also re-checked (findings compared) and whose features were used. */
  deep: number;
}

export function newTally(): FuzzTally {
  return { inputs: 0, edits: 0, incremental: 0, deep: 0 };
}

/** A random edit of `text`: mostly characters an incremental re-check handles itself, some structural or odd ones. */
export function randomEdit(text: string, random: () => number): TextEdit {
  const offset = Math.floor(random() * (text.length + 1));
  const removed = random() < 0.5 ? 0 : Math.min(text.length - offset, 1 + Math.floor(random() * 5));
  const r = random();
  const count = random() < 0.3 && removed > 0 ? 0 : 1 + Math.floor(random() * 5);
  let inserted = '';
  for (let i = 0; i < count; i++) inserted += r < 0.8 ? pick(random, [...COMMON]) : r < 0.9 ? pick(random, [...STRUCTURAL]) : pick(random, ODD_CHARS);
  return { offset, removed, inserted };
}

const plain = (v: unknown): string => JSON.stringify(v);

function same(what: string, got: unknown, want: unknown): void {
  if (plain(got) !== plain(want)) throw new Error(`${what} differs from a full check`);
}

/**
 * An edit re-parsed incrementally both ways, each compared with a full parse of the result;
 * with `deep`, also re-checked incrementally both ways and compared with a full check.
 */
function checkEdit(analyzer: Analyzer, text: string, analysis: FileAnalysis, random: () => number, tally: FuzzTally, deep: boolean): void {
  const edit = randomEdit(text, random);
  const after = text.slice(0, edit.offset) + edit.inserted + text.slice(edit.offset + edit.removed);
  const expected = parse(after, { fragment: analysis.parse.ast.fragment });
  tally.edits++;
  let reread = false;
  for (const mode of ['shift', 'tail'] as const) {
    const quick = reparse(analysis.parse, text, after, edit, mode);
    if (quick) same(`the ${mode} re-parse of ${plain(edit)}`, quick, expected);
    reread ||= !!quick;
  }
  if (reread) tally.incremental++;
  if (!deep) return;
  const full = analyzer.analyze(PROFILE, after);
  const seen = new Set<string>();
  for (const p of full.problems) {
    const key = plain([p.code, p.start, p.end, p.args]);
    if (seen.has(key)) throw new Error(`the full check lists ${p.code} at ${p.start} twice`);
    seen.add(key);
  }
  for (const mode of ['auto', 'tail'] as ReparseMode[]) {
    const via = analyzer.analyzeEdit(PROFILE, after, { analysis, text }, edit, mode);
    same(`the ${mode} re-check's findings after ${plain(edit)}`, via.problems, full.problems);
  }
  tally.deep++;
}

/** Each editor feature at a few places of the text. */
function useFeatures(analyzer: Analyzer, text: string, analysis: FileAnalysis, random: () => number): void {
  const ast = analysis.parse.ast;
  const lines = new LineIndex(text);
  const uri = `file://${PROFILE}`;
  const diagnostics = toDiagnostics(text, analysis.problems, lines);
  findDocumentSymbols(ast, lines, text);
  getFoldingRanges(ast, lines);
  getSemanticTokens(ast, lines);
  getCodeActions(uri, text, ast, lines, diagnostics);
  formatText(text, { tabSize: 2, insertSpaces: true });
  const offsets = [0, text.length, ...Array.from({ length: 3 }, () => Math.floor(random() * (text.length + 1)))];
  getSelectionRanges(ast, lines, offsets);
  for (const offset of offsets) {
    doHover(ast, lines, offset, { analyzer, path: PROFILE, text, analysis });
    doComplete(text, offset);
    findDefinition(analyzer, PROFILE, text, ast, offset);
    findReferences(uri, text, ast, lines, offset);
    findDocumentHighlights(text, ast, lines, offset);
    if (prepareRename(text, ast, lines, offset)) doRename(uri, text, ast, lines, offset, 'renamed');
  }
}

/**
 * Runs one input through the checks, and when `deep` through the findings of an incremental
 * re-check and the editor features too; throws with the step that failed.
 */
export function checkInput(analyzer: Analyzer, text: string, random: () => number, tally: FuzzTally, deep = true): void {
  let step = 'the check as a profile';
  try {
    const analysis = analyzer.analyze(PROFILE, text);
    toDiagnostics(text, analysis.problems);
    step = 'the check as a fragment';
    toDiagnostics(text, analyzer.analyze(FRAGMENT, text).problems);
    step = 'an incremental re-check';
    checkEdit(analyzer, text, analysis, random, tally, deep);
    step = 'the editor features';
    if (deep) useFeatures(analyzer, text, analysis, random);
  } catch (e) {
    const err = e as Error;
    err.message = `${step}: ${err.message}`;
    throw err;
  }
  tally.inputs++;
}
