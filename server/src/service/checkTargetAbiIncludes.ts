import type { Analyzer } from './analyze';
import type { FileNode, IncludeNode } from './ast';
import { AbiTarget, checkTargetAbis } from './checks/checkTargetAbi';
import { Problem, ProblemSink } from './checks/problems';
import { walkItems } from './walk';

/**
 * Target ABIs for a file and for everything it includes: a construct a target does not
 * know in an abstraction breaks every profile that includes it, so it is reported at
 * the include line, naming the file and line where it is. Included files are judged once
 * per text, however many profiles include them.
 */
export class TargetAbiChecker {
  private readonly memo = new Map<string, { text: string; problems: Problem[] }>();

  constructor(private readonly targets: readonly AbiTarget[]) {}

  get active(): boolean {
    return this.targets.length > 0;
  }

  check(analyzer: Analyzer, path: string, ast: FileNode): Problem[] {
    if (!this.active) return [];
    const sink = new ProblemSink();
    sink.problems.push(...checkTargetAbis(ast, this.targets));
    walkItems(ast.items, (item) => {
      if (item.type === 'include') this.checkInclude(analyzer, path, item, sink);
    });
    return sink.problems;
  }

  private checkInclude(analyzer: Analyzer, path: string, include: IncludeNode, sink: ProblemSink): void {
    let worst: { problem: Problem; file: string; line: number } | undefined;
    for (const top of analyzer.targets(include, path)) {
      for (const file of analyzer.reach(top).closure) {
        for (const problem of this.problemsOf(analyzer, file)) {
          if (!worst || count(problem) > count(worst.problem)) worst = { problem, file, line: lineOf(analyzer, file, problem.start) };
        }
      }
    }
    if (!worst) return;
    const name = include.path?.value ?? '';
    sink.add('target-abi-unknown', include, { ...worst.problem.args, what: `'${name}' holds ${lowerFirst(worst.problem.args['what']!)} (${worst.file}:${worst.line}), which` });
  }

  private problemsOf(analyzer: Analyzer, file: string): Problem[] {
    const f = analyzer.load(file);
    if (!f) return [];
    const known = this.memo.get(file);
    if (known && known.text === f.text) return known.problems;
    const problems = checkTargetAbis(f.ast, this.targets).filter((p) => p.code === 'target-abi-unknown');
    this.memo.set(file, { text: f.text, problems });
    return problems;
  }
}

const count = (p: Problem): number => p.args['targets']!.split(', ').length;
const lowerFirst = (s: string): string => (s.startsWith('The ') ? `the ${s.slice(4)}` : s);

function lineOf(analyzer: Analyzer, file: string, offset: number): number {
  const text = analyzer.load(file)?.text ?? '';
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
