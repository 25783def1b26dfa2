import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver-types';
import type { LintedFile } from '../node/lintFiles';
import type { Output } from './output';
import { uriToPath } from '../service/uri';
import { sarifReport } from './sarif';

const NAMES: Record<number, 'error' | 'warning' | 'information' | 'hint'> = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'information',
  [DiagnosticSeverity.Hint]: 'hint',
};

/** Problems printed per file in text and gcc formats; the rest are counted in one line. */
const MAX_SHOWN_PER_FILE = 100;
/** Columns of a source line echoed under a message; longer lines show a window around the caret. */
const SOURCE_WINDOW = 120;
/** Columns kept before the caret when the window does not start the line. */
const LEAD = 40;

function severityName(s: DiagnosticSeverity | undefined): 'error' | 'warning' | 'information' | 'hint' {
  return NAMES[s ?? DiagnosticSeverity.Error] ?? 'error';
}

/** Prints checked files as they come, and a summary at the end. */
export interface Report {
  file(f: LintedFile): void;
  end(): void;
}

export function reportFor(format: 'text' | 'json' | 'gcc' | 'sarif', out: Output): Report {
  if (format === 'sarif') return sarifReport(out);
  return format === 'json' ? jsonReport(out) : format === 'gcc' ? gccReport(out) : textReport(out);
}

/**
 * `{"files":[{"path":P,"diagnostics":[…]}]}` with 0-based LSP positions, every diagnostic
 * of every file (written a diagnostic at a time, never held whole).
 */
function jsonReport(out: Output): Report {
  let files = 0;
  out.write('{"files":[');
  return {
    file(f) {
      out.write(`${files++ > 0 ? ',' : ''}{"path":${JSON.stringify(f.path)},"diagnostics":[`);
      f.diagnostics.forEach((d, i) => out.write(`${i > 0 ? ',' : ''}${JSON.stringify({ severity: severityName(d.severity), code: d.code, message: d.message, range: d.range, ...related(d) })}`));
      out.write(']}');
    },
    end() {
      out.line(']}');
    },
  };
}

/** `file:line:col: severity: message [code]`, 1-based, one line each. */
function gccReport(out: Output): Report {
  return {
    file(f) {
      for (const d of f.diagnostics.slice(0, MAX_SHOWN_PER_FILE)) {
        out.line(gccLine(f.path, d));
        notes(d).forEach((n) => out.line(n));
      }
      const rest = f.diagnostics.length - MAX_SHOWN_PER_FILE;
      if (rest > 0) out.line(printable(`${f.path}: note: ${moreLine(rest)}`));
    },
    end() {},
  };
}

/** The gcc line, then a window of the source line with the range underlined; a summary at the end. */
function textReport(out: Output): Report {
  let files = 0;
  let errors = 0;
  let warnings = 0;
  return {
    file(f) {
      files++;
      let lines: string[] | undefined;
      f.diagnostics.forEach((d, i) => {
        const sev = severityName(d.severity);
        if (sev === 'error') errors++;
        else if (sev === 'warning') warnings++;
        if (i >= MAX_SHOWN_PER_FILE) return;
        lines ??= f.text.split('\n');
        const { start, end } = d.range;
        const src = (lines[start.line] ?? '').replace(/\r$/, '');
        const shown = sourceWindow(src, start.character, end.line === start.line ? end.character : src.length);
        out.line(gccLine(f.path, d));
        out.line(`    ${shown.text}`);
        out.line(`    ${' '.repeat(shown.caret)}${'^'.repeat(shown.width)}`);
        notes(d).forEach((n) => out.line(n));
      });
      const rest = f.diagnostics.length - MAX_SHOWN_PER_FILE;
      if (rest > 0) out.line(printable(`${f.path}: ${moreLine(rest)}`));
    },
    end() {
      out.line(`${files} file${files === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}.`);
    },
  };
}

/** A diagnostic's related places (inside an included file) for JSON: `related: [{path, range, message}]`. */
function related(d: Diagnostic): { related?: { path: string; range: Diagnostic['range']; message: string }[] } {
  return d.relatedInformation ? { related: d.relatedInformation.map((r) => ({ path: uriToPath(r.location.uri), range: r.location.range, message: r.message })) } : {};
}

/** A diagnostic's related places, as gcc prints them: `file:line:col: note: …`. */
function notes(d: Diagnostic): string[] {
  return (d.relatedInformation ?? []).map((r) => printable(`${uriToPath(r.location.uri)}:${r.location.range.start.line + 1}:${r.location.range.start.character + 1}: note: ${r.message}`));
}

function gccLine(path: string, d: Diagnostic): string {
  return printable(`${path}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${severityName(d.severity)}: ${Diagnostic.getMessageString(d)} [${d.code}]`);
}

function moreLine(rest: number): string {
  return `${rest} more problem${rest === 1 ? '' : 's'} not shown (the first ${MAX_SHOWN_PER_FILE} are; --format json lists them all)`;
}

/**
 * At most SOURCE_WINDOW columns of a line around `start`, `…` where it was cut, and where
 * the caret goes under it. Tabs become spaces so the caret lines up.
 */
function sourceWindow(line: string, start: number, end: number): { text: string; caret: number; width: number } {
  const src = printable(line.replace(/\t/g, ' '));
  const from = src.length <= SOURCE_WINDOW ? 0 : Math.max(0, Math.min(start - LEAD, src.length - SOURCE_WINDOW));
  const to = Math.min(src.length, from + SOURCE_WINDOW);
  const text = `${from > 0 ? '…' : ''}${src.slice(from, to)}${to < src.length ? '…' : ''}`;
  const caret = start - from + (from > 0 ? 1 : 0);
  const width = Math.max(1, Math.min(end - start, to - start, SOURCE_WINDOW));
  return { text, caret, width };
}

/** Control characters would move a terminal's cursor or worse: each shows as `?`. */
function printable(s: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it replaces
  return s.replace(/[\x00-\x08\x0a-\x1f\x7f\x80-\x9f]/g, '?');
}
