import { after, before, beforeEach, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { GuestTimeout } from './agentClient';
import { whyNoVm } from './env';
import { Vm } from './vm';

/**
 * A describe block whose tests share one booted VM, reset between cases (every profile
 * unloaded, the kernel log emptied). Where the VM cannot be had, each test skips and
 * says why.
 */
export function kernelSuite(name: string, body: (test: KernelTest, vm: () => Vm) => void, options: SuiteOptions = {}): void {
  const why = whyNoVm() ?? options.whyNot?.();
  let vm: Vm | undefined;
  describe(name, () => {
    const boot = async (): Promise<void> => {
      vm = await Vm.boot(options.kernel ? { kernel: options.kernel } : {});
      process.stdout.write(`# ${name}: VM booted in ${vm.bootSeconds.toFixed(1)} s (${vm.accel})\n`);
    };
    before(async () => { if (!why) await boot(); }, { timeout: 600_000 });
    after(async () => { await vm?.shutdown(); });
    beforeEach(async () => { await vm?.reset(); });
    // it() inside a describe resolves at once; the runner awaits the test itself.
    const test: KernelTest = (title, fn) => {
      it(title, { skip: why ?? false, timeout: 1_200_000 }, async (t) => {
        try {
          await fn(t);
        } catch (e) {
          // An emulated machine that stops answering is the host's trouble, not the kernel's
          // verdict: said in the report, and the test runs once more on a new machine.
          if (!(e instanceof GuestTimeout)) throw e;
          t.diagnostic(`the guest stopped answering; the test runs again on a new VM. ${e.message}`);
          await vm?.shutdown();
          await boot();
          await vm!.reset();
          await fn(t);
        }
      });
    };
    body(test, () => {
      if (!vm) throw new Error('the VM did not boot');
      return vm;
    });
  });
}

export interface SuiteOptions {
  /** Another kernel image than bookworm's. */
  readonly kernel?: string;
  /** Why this suite cannot run, beyond what every kernel suite needs. */
  readonly whyNot?: () => string | undefined;
}

export type KernelTest = (title: string, fn: (t: TestContext) => Promise<void>) => void;
