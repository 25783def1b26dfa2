/**
 * The server with a huge workspace folder (default `/`): how long until the first hover is
 * answered, until progress begins and indexing ends, and the server's memory.
 *   node out/bench/hugeWorkspace.js [FOLDER] [--max-files N]
 */
import { now, startServer } from './serverProcess';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--max-files');
  const folder = args.find((a, i) => !a.startsWith('--') && (at < 0 || i !== at + 1)) ?? '/';
  const options = at >= 0 ? { includeDirs: [], indexMaxFiles: Number(args[at + 1]) } : { includeDirs: [] };
  const t0 = now();
  const s = await startServer([folder], options);
  const initialized = now() - t0;
  const uri = 'file:///tmp/huge-workspace-probe';
  await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'apparmor', version: 1, text: 'profile p {\n  capability sys_admin,\n}\n' } });
  const tHover = now();
  await s.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 16 } });
  const hovered = now();
  const hover = hovered - tHover;
  let peak = 0;
  const sampler = setInterval(() => { peak = Math.max(peak, s.memory().rss); }, 100);
  // Hovers while indexing runs, one every 250 ms: how long a person waits for an answer meanwhile.
  let indexing = true;
  void s.indexed.then(() => { indexing = false; });
  const during: number[] = [];
  const hoverLoop = (async () => {
    while (indexing) {
      const t = now();
      await s.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 16 } });
      if (indexing) during.push(now() - t);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const end = await Promise.race([s.indexed, new Promise<number>((r) => { timer = setTimeout(() => r(NaN), 600_000); })]);
  clearTimeout(timer);
  clearInterval(sampler);
  await hoverLoop;
  during.sort((a, b) => a - b);
  // The limit's message follows the log line.
  await s.conn.sendRequest('workspace/symbol', { query: 'zz' });
  const mem = s.memory();
  console.log(`workspace folder ${folder}: initialize ${initialized.toFixed(0)} ms; first hover answered ${hover.toFixed(0)} ms after it was sent ` +
    `(${(hovered - t0).toFixed(0)} ms after spawn); progress began ${((s.progressBegan() ?? NaN) - t0).toFixed(0)} ms after spawn; ` +
    `indexing ended ${(end - t0).toFixed(0)} ms after spawn; RSS ${mem.rss.toFixed(0)} MB, peak ${Math.max(mem.peak, peak).toFixed(0)} MB`);
  console.log(`  ${during.length} hovers sent while indexing: median ${(during[during.length >> 1] ?? NaN).toFixed(0)} ms, slowest ${(during.at(-1) ?? NaN).toFixed(0)} ms`);
  for (const m of s.messages.filter((x) => /Index|indexing stopped/.test(x))) console.log(`  server: ${m}`);
  s.kill();
}

void main();
