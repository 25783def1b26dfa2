/**
 * The parser's fixtures (test/fixtures/parser/*.apparmor), each checked as a profile of a
 * policy tree: the files under test/fixtures/parser/policy/, read into memory and put at
 * /etc/apparmor.d, so that what the findings say of paths is the same on every machine.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Analyzer, type FileAnalysis } from '../../server/src/service/analyze';
import { WorkspaceIndex } from '../../server/src/service/workspaceIndex';
import { memoryFs } from './helpers';

/** From out/test/support back to the repository root. */
export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const PARSER_FIXTURES = path.join(REPO_ROOT, 'test/fixtures/parser');
const POLICY = path.join(PARSER_FIXTURES, 'policy');
export const POLICY_ROOT = '/etc/apparmor.d';

/** The fixture files of a folder (`.apparmor`), sorted by name. */
export function fixturesIn(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.apparmor')).sort();
}

/** Every file under `dir`, keyed by its path below `root`. */
function readTree(dir: string, root: string, out: Record<string, string> = {}): Record<string, string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) readTree(full, `${root}/${entry.name}`, out);
    else out[`${root}/${entry.name}`] = fs.readFileSync(full, 'utf8');
  }
  return out;
}

/** The fixtures' profiles, as the workspace index knows them, for `Px` to a program with none. */
function fixtureProfiles(): WorkspaceIndex {
  const index = new WorkspaceIndex(memoryFs({}));
  for (const file of fixturesIn(PARSER_FIXTURES)) index.update(`${POLICY_ROOT}/${file.replace(/\.apparmor$/, '')}`, fs.readFileSync(path.join(PARSER_FIXTURES, file), 'utf8'));
  return index;
}

export function fixtureAnalyzer(): Analyzer {
  const index = fixtureProfiles();
  return new Analyzer({ fs: memoryFs(readTree(POLICY, POLICY_ROOT)), includeDirs: [POLICY_ROOT], profiles: { has: (p) => index.hasProfileFor(p) } });
}

/** A fixture's text and its analysis, as the profile `/etc/apparmor.d/NAME`. */
export function analyzeFixture(analyzer: Analyzer, dir: string, file: string): { text: string; analysis: FileAnalysis } {
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  return { text, analysis: analyzer.analyze(`${POLICY_ROOT}/${file.replace(/\.apparmor$/, '')}`, text) };
}
