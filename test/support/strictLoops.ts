/**
 * Preloaded into every test process (`node --require`, see package.json's test script):
 * a parser loop that does not move on then throws instead of being pushed on.
 */
import { checkLoops } from '../../server/src/service/loopChecks';

checkLoops(true);
