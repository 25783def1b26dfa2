import type { Connection } from 'vscode-languageserver';
import type { WorkspaceIndex } from './service/workspaceIndex';

/**
 * Reads every policy file under the roots into the index, a slice at a time so requests
 * for open files are answered in between, reporting progress where the client shows it.
 */
export async function buildIndex(connection: Connection, index: WorkspaceIndex, roots: readonly string[]): Promise<void> {
  const files = index.listFiles(roots);
  if (files.length === 0) return;
  const progress = await connection.window.createWorkDoneProgress().catch(() => undefined);
  progress?.begin('Indexing AppArmor policy', 0, `${files.length} files`, false);
  for (let i = 0; i < files.length; i += 100) {
    for (const f of files.slice(i, i + 100)) index.update(f);
    const done = Math.min(files.length, i + 100);
    progress?.report(Math.round((100 * done) / files.length), `${done}/${files.length}`);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  progress?.done();
  connection.console.log(`Indexed ${index.size} policy files.`);
}
