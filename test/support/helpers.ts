import { strict as assert } from 'node:assert';
import { Analyzer } from '../../server/src/service/analyze';
import type { Problem } from '../../server/src/service/checks/problems';
import type { FileSystem } from '../../server/src/service/includes';
import { severityOf } from '../../server/src/service/diagnosticRules';

/** An in-memory file system: paths map to file texts; folders are implied by paths. */
export function memoryFs(files: Record<string, string>): FileSystem {
  const dirs = new Set<string>();
  for (const p of Object.keys(files)) {
    for (let i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) dirs.add(p.slice(0, i));
  }
  return {
    readFile: (p) => files[p],
    stat: (p) => (p in files ? 'file' : dirs.has(p) ? 'directory' : undefined),
    readDirectory: (p) => [...new Set(Object.keys(files).filter((f) => f.startsWith(p + '/')).map((f) => f.slice(p.length + 1).split('/')[0]!))],
  };
}

/**
 * Splits a snippet written with ⟦ and ⟧ around the expected range into the
 * plain text and the range's offsets.
 */
export function marked(src: string): { text: string; start: number; end: number } {
  const start = src.indexOf('⟦');
  const end = src.indexOf('⟧');
  assert.ok(start >= 0 && end > start, `snippet needs ⟦…⟧ markers: ${src}`);
  return { text: src.slice(0, start) + src.slice(start + 1, end) + src.slice(end + 1), start, end: end - 1 };
}

export function check(text: string, options: { files?: Record<string, string>; path?: string; fragment?: boolean; abi?: string } = {}): Problem[] {
  const fs = memoryFs(options.files ?? {});
  const analyzer = new Analyzer({ fs, includeDirs: options.files ? ['/etc/apparmor.d'] : [], abi: options.abi });
  // Advice (hint severity) is tested on its own; the rest of the suite looks at findings.
  return analyzer.analyze(options.path ?? '/work/profile', text, options.fragment).problems.filter((p) => severityOf(p.code) !== 'hint');
}

export function errorsOf(problems: readonly Problem[]): Problem[] {
  return problems.filter((p) => !['newer-than-abi', 'include-unresolved', 'include-cycle'].includes(p.code));
}

export function describe(problems: readonly Problem[], text: string): string {
  return problems.map((p) => `${p.code} at ${p.start}-${p.end} '${text.slice(p.start, p.end)}'`).join('; ') || 'no problems';
}
