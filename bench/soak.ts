/**
 * A long session: the server with the whole shared corpus as its workspace (and include
 * folder), 20 of its largest profiles open, and 20,000 edits across them, each waited for
 * until its diagnostics arrive; a hover and a completion every 50 edits. Prints the server's
 * memory after indexing and opening, every 2,000 edits, and at the end, with its peak.
 *   node out/bench/soak.js [--corpus DIR] [--edits N] [--docs N]
 */
import * as fs from 'fs';
import * as path from 'path';
import { now, startServer } from './serverProcess';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

/** A small seeded generator, so every run makes the same edits. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Doc { uri: string; lines: string[]; version: number; pending: { line: number; character: number }[] }

async function main(): Promise<void> {
  const corpus = path.resolve(option('--corpus', '/work/shared/corpus'));
  const policy = path.join(corpus, 'apparmor.d');
  const edits = Number(option('--edits', '20000'));
  const docCount = Number(option('--docs', '20'));
  const random = seeded(11);
  const t0 = now();
  const s = await startServer([corpus], { includeDirs: [policy] });
  const waiting = new Map<string, () => void>();
  s.conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number }) => {
    const key = `${p.uri}#${p.version}`;
    waiting.get(key)?.();
    waiting.delete(key);
  });
  const published = (uri: string, version: number): Promise<void> => new Promise((resolve) => waiting.set(`${uri}#${version}`, resolve));
  await s.indexed;
  const indexedAt = now() - t0;

  const profiles = path.join(policy, 'profiles');
  const largest = fs.readdirSync(profiles).map((n) => ({ n, size: fs.statSync(path.join(profiles, n)).size })).sort((a, b) => b.size - a.size).slice(0, docCount);
  const docs: Doc[] = [];
  for (const { n } of largest) {
    const file = path.join(profiles, n);
    const text = fs.readFileSync(file, 'utf8');
    const doc = { uri: `file://${file}`, lines: text.split('\n'), version: 1, pending: [] };
    const done = published(doc.uri, 1);
    await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: doc.uri, languageId: 'apparmor', version: 1, text } });
    await done;
    docs.push(doc);
  }
  const report = (label: string): void => {
    const m = s.memory();
    console.log(`${label}: RSS ${m.rss.toFixed(0)} MB, peak so far ${m.peak.toFixed(0)} MB`);
  };
  console.log(`indexed the corpus in ${indexedAt.toFixed(0)} ms after spawn; ${docs.length} documents open`);
  report('start (after indexing and opening)');
  const tEdits = now();
  let slowest = 0;
  for (let i = 1; i <= edits; i++) {
    const doc = docs[Math.floor(random() * docs.length)]!;
    const change = nextEdit(doc, random);
    doc.version++;
    const done = published(doc.uri, doc.version);
    const t = now();
    await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: doc.uri, version: doc.version }, contentChanges: [change] });
    await done;
    slowest = Math.max(slowest, now() - t);
    if (i % 50 === 0) {
      const position = { line: Math.floor(random() * doc.lines.length), character: 2 };
      await s.conn.sendRequest('textDocument/hover', { textDocument: { uri: doc.uri }, position });
      await s.conn.sendRequest('textDocument/completion', { textDocument: { uri: doc.uri }, position });
    }
    if (i % 2000 === 0) report(`after ${i} edits (${((now() - tEdits) / i).toFixed(2)} ms per edit on average, slowest ${slowest.toFixed(0)} ms)`);
  }
  report('end');
  s.kill();
}

/**
 * Typing: a word typed a character at a time at a random place inside a rule line, then
 * deleted a character at a time, so the documents change all the time but keep their size.
 */
function nextEdit(doc: Doc, random: () => number): object {
  if (doc.pending.length > 0 && (doc.pending.length >= 6 || random() < 0.4)) {
    const at = doc.pending.pop()!;
    doc.lines[at.line] = doc.lines[at.line]!.slice(0, at.character) + doc.lines[at.line]!.slice(at.character + 1);
    return { range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: '' };
  }
  let at = doc.pending.at(-1);
  if (at) at = { line: at.line, character: at.character + 1 };
  else {
    const line = Math.floor(random() * doc.lines.length);
    at = { line, character: Math.floor(random() * (doc.lines[line]!.length + 1)) };
  }
  const c = 'abcdefghijklmnopqrstuvwxyz_/,{} '[Math.floor(random() * 32)]!;
  doc.lines[at.line] = doc.lines[at.line]!.slice(0, at.character) + c + doc.lines[at.line]!.slice(at.character);
  doc.pending.push(at);
  return { range: { start: at, end: at }, text: c };
}

void main();
