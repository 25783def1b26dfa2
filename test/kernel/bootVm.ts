import { Vm } from './vm';
import { whyNoVm } from './env';

/**
 * `node out/test/kernel/bootVm.js --socket PATH [--console FILE] [--kernel VMLINUZ] [--stdin-lifeline]`: boots the
 * test VM and keeps it up until killed (or, with --stdin-lifeline, until its standard input
 * closes: when the process that started it ends in any way), printing `ready` once its agent answers. Then
 * `node out/test/kernel/guestExec.js --socket PATH -- PROGRAM ARGS…` runs programs in it
 * (also as a command prefix, such as the apparmor.target setting).
 */
async function main(argv: readonly string[]): Promise<number> {
  const socket = valueOf(argv, '--socket');
  if (!socket) {
    process.stderr.write('usage: bootVm.js --socket PATH [--console FILE] [--kernel VMLINUZ] [--stdin-lifeline]\n');
    return 2;
  }
  const why = whyNoVm();
  if (why) {
    process.stderr.write(`bootVm: ${why}\n`);
    return 1;
  }
  const consoleLog = valueOf(argv, '--console');
  const kernel = valueOf(argv, '--kernel');
  const vm = await Vm.boot({ socket, ...(consoleLog ? { consoleLog } : {}), ...(kernel ? { kernel } : {}) });
  // The socket takes one client at a time: guestExec.js gets it from here on.
  vm.detach();
  process.stdout.write(`ready (${vm.accel}, ${vm.bootSeconds.toFixed(1)} s; console: ${vm.consoleLog})\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void vm.shutdown().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  if (argv.includes('--stdin-lifeline')) process.stdin.on('close', stop).resume();
  // Stays up: the event loop holds on to QEMU's pipes.
  return new Promise<number>(() => undefined);
}

function valueOf(argv: readonly string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (e: unknown) => {
  process.stderr.write(`bootVm: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
