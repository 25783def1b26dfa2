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

async function load(): Promise<textmate.IGrammar> {
  const wasm = fs.readFileSync(path.join(ROOT, 'node_modules/vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM({ data: wasm });
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) =>
      scopeName === 'source.apparmor'
        ? textmate.parseRawGrammar(fs.readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH)
        : null,
  });
  const grammar = await registry.loadGrammar('source.apparmor');
  if (!grammar) throw new Error(`cannot load ${GRAMMAR_PATH}`);
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
