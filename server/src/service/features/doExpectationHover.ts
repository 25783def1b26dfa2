/** Hover on a line of an expectations file: the verdict, whether the expectation holds, and the rules that decide. */
import type { Hover, Position } from 'vscode-languageserver-types';
import type { Analyzer } from '../analyze';
import { lineParts } from '../evaluate/expectationLine';
import { profileNames } from '../evaluate/policy';
import { expectationFile, ExpectationOutcome, IsOpen, runExpectations } from '../evaluate/runExpectations';
import { pathToUri } from '../uri';

export function doExpectationHover(analyzer: Analyzer, path: string, text: string, position: Position, isOpen?: IsOpen): Hover | null {
  const row = text.split(/\r?\n/)[position.line] ?? '';
  const parts = lineParts(row);
  if (!parts.body || position.character < parts.body.start || position.character > parts.body.end) return null;
  const range = { start: { line: position.line, character: parts.body.start }, end: { line: position.line, character: parts.body.end } };
  let value: string | undefined;
  if (parts.keyword?.text === 'file' && parts.second) value = explainFile(analyzer, path, parts.second.text);
  else {
    const run = runExpectations(analyzer, path, text, isOpen, position.line);
    const outcome = run.outcomes[0];
    const problem = run.parsed.problems.find((p) => p.line === position.line);
    value = outcome ? explainOutcome(outcome, analyzer, path) : problem ? `**Not an expectation**: ${problem.message}` : undefined;
  }
  return value === undefined ? null : { contents: { kind: 'markdown', value }, range };
}

function explainFile(analyzer: Analyzer, path: string, file: string): string {
  const full = expectationFile(path, file);
  const loaded = analyzer.load(full);
  if (!loaded) return `**file** \`${full}\` — cannot be read.`;
  const names = profileNames(loaded.ast);
  return `**file** [\`${full}\`](${pathToUri(full)}) — the lines below test its profiles: ${names.length > 0 ? names.map((n) => `\`${n}\``).join(', ') : 'it defines none'}.`;
}

function explainOutcome(o: ExpectationOutcome, analyzer: Analyzer, path: string): string {
  const asked = `\`${o.item.expect} ${o.item.profile} ${o.item.accessText}\``;
  if (o.kind === 'no-file') return `${asked}\n\n**Cannot run**: the profile file \`${o.file}\` cannot be read.`;
  if (o.kind === 'no-profile') return `${asked}\n\n**Cannot run**: ${o.message}.`;
  const v = o.verdict;
  const head = o.kind === 'holds' ? `✅ **Holds**: the profile ${v.verdict === 'allowed' ? 'allows' : 'denies'} it.` : `❌ **Fails**: the profile ${v.verdict === 'unknown' ? 'cannot tell' : v.verdict === 'allowed' ? 'allows' : 'denies'} it.`;
  const file = o.file === path ? 'this file' : `[\`${o.file}\`](${pathToUri(o.file)})`;
  const out = [asked, '', head, '', `Verdict: **${v.verdict}** (\`${v.reason}\`${v.verdict !== 'unknown' ? `, ${v.audit ? 'logged' : 'not logged'}` : ''}): ${v.message}.`, '', `Profile \`${o.policy.profile}\` in ${file}.`];
  if (v.rules.length > 0) {
    out.push('', 'Decided by:');
    for (const r of v.rules.slice(0, 8)) {
      const line = o.policy.rangeOf(r).start.line + 1;
      const source = analyzer.load(r.file)?.text ?? '';
      const snippet = source.slice(r.rule.start, r.rule.end).replace(/\s+/g, ' ').replace(/`/g, "'");
      out.push(`- ${r.deny ? 'deny' : 'allow'}: [\`${r.file}\` line ${line}](${pathToUri(r.file)}#L${line}) \`${snippet.length > 70 ? `${snippet.slice(0, 67)}…` : snippet}\``);
    }
    if (v.rules.length > 8) out.push(`- … and ${v.rules.length - 8} more`);
  }
  return out.join('\n');
}
