/** The .vsix the UI check installs: E2E_VSIX when given, else packaged from the built tree. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './install';

/**
 * Top-level entries vsce must not walk: it matches every file under the folder against each
 * ignore pattern, so code-server's thousands of files under .e2e/ would cost it seconds.
 * It packages a copy without them (.vscodeignore then decides as for `npm run package`).
 */
const NOT_PACKAGED = new Set(['.e2e', '.git', 'node_modules', 'out', '.vscode-test']);

export function packageVsix(into: string): string {
  if (process.env.E2E_VSIX) return path.resolve(process.env.E2E_VSIX);
  const stage = path.join(into, 'stage');
  fs.mkdirSync(stage, { recursive: true });
  for (const entry of fs.readdirSync(ROOT)) {
    if (!NOT_PACKAGED.has(entry) && !entry.endsWith('.vsix')) fs.cpSync(path.join(ROOT, entry), path.join(stage, entry), { recursive: true });
  }
  const out = path.join(into, 'apparmor.vsix');
  const vsce = path.join(path.dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out], { cwd: stage, stdio: 'pipe' });
  return out;
}
