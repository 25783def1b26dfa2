/**
 * Every language feature over one text, in a worker thread whose stack is as small as the
 * caller asks: what fails is posted back as `[feature, message]` pairs (none when all pass).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Analyzer } from '../../server/src/service/analyze';
import { LineIndex } from '../../server/src/service/diagnostics';
import { loadPolicy } from '../../server/src/service/evaluate';
import { getLanguageService, Snapshot } from '../../server/src/service/languageService';
import { parse } from '../../server/src/service/parser';
import { memoryFs } from './helpers';

export interface DeepRun {
  readonly text: string;
  /** An offset inside the innermost block, where position-based features are asked. */
  readonly inner: number;
}

function runAll({ text, inner }: DeepRun): [string, string][] {
  const failed: [string, string][] = [];
  const step = (name: string, work: () => unknown): void => {
    try {
      work();
    } catch (e) {
      failed.push([name, e instanceof Error ? e.message : String(e)]);
    }
  };
  const analyzer = new Analyzer({ fs: memoryFs({}), includeDirs: ['/etc/apparmor.d'] });
  const lines = new LineIndex(text);
  const analysis = analyzer.analyze('/work/p', text);
  const doc: Snapshot = { uri: 'file:///work/p', text, analysis, lines, offsetAt: (p) => lines.offsetAt(p) };
  const ls = getLanguageService({ analyzer: () => analyzer, includeNames: () => [], otherFiles: () => [], folders: () => ['/work'] });
  const at = lines.positionAt(inner);
  step('parse as a fragment', () => parse(text, { fragment: true }));
  step('hover', () => ls.doHover(doc, at));
  step('completion', () => ls.doComplete(doc, at));
  step('definition', () => ls.findDefinition(doc, at));
  step('references', () => ls.findReferences(doc, at));
  step('highlights', () => ls.findDocumentHighlights(doc, at));
  step('symbols', () => ls.findDocumentSymbols(doc));
  step('folding', () => ls.getFoldingRanges(doc));
  step('selection', () => ls.getSelectionRanges(doc, [at]));
  step('semantic tokens', () => ls.getSemanticTokens(doc));
  step('code actions', () => ls.getCodeActions(doc, []));
  step('rename', () => ls.prepareRename(doc, at));
  step('format', () => ls.format(doc, undefined, { tabSize: 2, insertSpaces: true }));
  step('re-parse after an edit', () => analyzer.analyzeEdit('/work/p', `${text.slice(0, inner)}x${text.slice(inner)}`, { analysis, text }, { offset: inner, removed: 0, inserted: 'x' }));
  step('evaluator', () => loadPolicy(analyzer, { path: '/work/p', text }));
  return failed;
}

if (parentPort && workerData) parentPort.postMessage(runAll(workerData as DeepRun));
