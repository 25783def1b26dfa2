import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

/** The repository root, from out/test/grammar/. */
export const ROOT = path.resolve(__dirname, '../../..');
export const GRAMMAR_PATH = path.join(ROOT, 'syntaxes/apparmor.tmLanguage.json');

export interface Token {
  readonly text: string;
  readonly scopes: readonly string[];
}

let loaded: Promise<textmate.IGrammar> | undefined;

/** The generated grammar on the engine VS Code ships (loaded once per process). */
export function loadGrammar(): Promise<textmate.IGrammar> {
  loaded ??= load();
  return loaded;
}

let wasmLoaded: Promise<void> | undefined;

async function load(): Promise<textmate.IGrammar> {
  return loadGrammarAt(GRAMMAR_PATH, 'source.apparmor');
}

/** Another grammar of the extension (the expectations files'), by its file and scope. */
export async function loadGrammarAt(file: string, scope: string): Promise<textmate.IGrammar> {
  wasmLoaded ??= oniguruma.loadWASM({ data: fs.readFileSync(path.join(ROOT, 'node_modules/vscode-oniguruma/release/onig.wasm')) });
  await wasmLoaded;
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) =>
      scopeName === scope
        ? textmate.parseRawGrammar(fs.readFileSync(file, 'utf8'), file)
        : null,
  });
  const grammar = await registry.loadGrammar(scope);
  if (!grammar) throw new Error(`cannot load ${file}`);
  return grammar;
}

/** Tokens of each line, carrying the rule stack across lines as an editor does. */
export function tokenize(grammar: textmate.IGrammar, text: string): Token[][] {
  return tokenizeFile(grammar, text).lines;
}

/**
 * Tokens of each line, and how deep the rule stack is at the end: 1 when every
 * block and rule region that opened has closed again.
 */
export function tokenizeFile(grammar: textmate.IGrammar, text: string): { lines: Token[][]; depth: number } {
  let stack = textmate.INITIAL;
  const lines = text.split(/\r?\n/).map((line) => {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    return result.tokens
      .filter((t) => t.startIndex < line.length)
      .map((t) => ({ text: line.slice(t.startIndex, Math.min(t.endIndex, line.length)), scopes: t.scopes }));
  });
  return { lines, depth: stack.depth };
}
