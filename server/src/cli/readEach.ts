/** Reads each path in turn; one that cannot be read becomes a line in `problems` instead. */
export function readEach(paths: readonly string[], readInput: (path: string) => string, problems: string[], use: (path: string, text: string) => void): void {
  for (const path of paths) {
    let text: string;
    try {
      text = readInput(path);
    } catch (e) {
      problems.push(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      continue;
    }
    use(path, text);
  }
}
