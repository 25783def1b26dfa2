import type { Analyzer } from '../analyze';
import type { FileNode, IncludeNode } from '../ast';

/** The `@{}` variables a file can use: its own and those of the tunables it includes at top level. */
export function variablesInScope(analyzer: Analyzer, path: string, ast: FileNode): string[] {
  const names = new Set<string>();
  for (const item of ast.items) {
    if (item.type === 'variable' && item.sigil === '@') names.add(item.name.value);
    else if (item.type === 'include') {
      for (const target of analyzer.targets(item as IncludeNode, path)) for (const name of analyzer.definitionsOf(target).sets.keys()) names.add(name);
    }
  }
  return [...names];
}
