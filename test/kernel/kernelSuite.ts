import { after, before, beforeEach, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
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
    before(async () => {
      if (why) return;
      vm = await Vm.boot(options.kernel ? { kernel: options.kernel } : {});
      process.stdout.write(`# ${name}: VM booted in ${vm.bootSeconds.toFixed(1)} s (${vm.accel})\n`);
    }, { timeout: 600_000 });
    after(async () => { await vm?.shutdown(); });
    beforeEach(async () => { await vm?.reset(); });
    const test: KernelTest = (title, fn) => it(title, { skip: why ?? false, timeout: 900_000 }, (t) => fn(t));
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
