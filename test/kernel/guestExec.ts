import { AgentClient } from './agentClient';

/**
 * `node out/test/kernel/guestExec.js --socket PATH -- PROGRAM ARGS…`: runs PROGRAM ARGS in
 * the test VM whose agent listens on PATH (see bootVm.js), with this process's standard
 * input, prints its standard output and error, and exits with its status. Usable as a
 * command prefix: everything after `--` is the command.
 */
async function main(argv: readonly string[]): Promise<number> {
  const dash = argv.indexOf('--');
  const socket = valueOf(argv.slice(0, dash < 0 ? argv.length : dash), '--socket');
  const command = dash < 0 ? [] : argv.slice(dash + 1);
  if (!socket || command.length === 0) {
    process.stderr.write('usage: guestExec.js --socket PATH -- PROGRAM [ARGS...]\n');
    return 2;
  }
  const stdin = process.stdin.isTTY ? Buffer.alloc(0) : await readAll(process.stdin);
  // QEMU serves one client at a time; another one's turn may take a while.
  const deadline = Date.now() + 120_000;
  const agent = await AgentClient.connect(socket, deadline);
  try {
    await agent.waitReady(deadline);
    const r = await agent.exec(command, stdin, 600_000);
    await write(process.stdout, r.stdoutBytes);
    await write(process.stderr, r.stderrBytes);
    return r.status;
  } finally {
    agent.close();
  }
}

function valueOf(argv: readonly string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(parts);
}

function write(stream: NodeJS.WritableStream, data: Buffer): Promise<void> {
  return new Promise((resolve) => (data.length > 0 ? stream.write(data, () => resolve()) : resolve()));
}

main(process.argv.slice(2)).then((code) => process.exit(code), (e: unknown) => {
  process.stderr.write(`guestExec: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(125);
});
