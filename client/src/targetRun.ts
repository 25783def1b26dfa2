import type { Outcome } from './core/outcome';
import {
  explainTargetRun, isUnreachable, noKernelOnTarget, placeTargetMessages, readKernelCheck, Target, TARGET_COMMANDS,
} from './core/target';
import { type ParserMessage, parseParserOutput } from '../../server/src/service/parserMessages';
import type { Execution, Input, Runner } from './runner';

// No vscode here: these run over the real Runner in the tests (test/client/targetRun.test.ts).

export interface TargetParserRun {
  readonly execution: Execution;
  readonly outcome: Outcome;
  /** apparmor_parser's messages about the profile, placed on the document's lines; present when it rejected the profile. */
  readonly problems?: ParserMessage[];
}

/**
 * `apparmor_parser -r -W` or `-R` on the target with the profile on standard input. When it
 * fails for a reason that is not plainly the target's (unreachable, no such program, no
 * permission), the target's kernel is asked whether it has AppArmor: if it has, the output
 * is the parser's verdict on the profile.
 */
export async function runParserOnTarget(runner: Runner, target: Target, action: 'load' | 'unload', input: Input): Promise<TargetParserRun> {
  const execution = await runner.runOnTarget(target, TARGET_COMMANDS[action], input);
  const outcome = explainTargetRun(execution.result, 'apparmor_parser', target);
  if (outcome.kind !== 'failed' || isUnreachable(execution.result, target)) return { execution, outcome };
  const why = await askKernel(runner, target);
  if (why) return { execution, outcome: why.kind === 'noKernel' ? why : { kind: 'failed', message: `${outcome.message.replace(/\.?$/, '.')} ${why.message}` } };
  return { execution, outcome, problems: placeTargetMessages(parseParserOutput(execution.result.stderr), countLines(input.text)) };
}

function countLines(text: string): number {
  return text.split('\n').length;
}

/** undefined when the target's kernel has AppArmor; else why not, or why it could not be asked. */
export async function askKernel(runner: Runner, target: Target): Promise<Outcome | undefined> {
  const check = await runner.runOnTarget(target, TARGET_COMMANDS.kernelCheck);
  const answer = readKernelCheck(check.result);
  if (answer.has === true) return undefined;
  if (answer.has === false) return { kind: 'noKernel', message: noKernelOnTarget(target, answer.why) };
  return { kind: 'failed', message: `Asked whether its kernel has AppArmor, the target did not answer either: ${answer.why}` };
}
