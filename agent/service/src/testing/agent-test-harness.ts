import type { RunningAgent } from '../agent';
import { makeTempDir } from './fixtures';
import { TestConsole, type TestConsoleOptions } from './test-console';

/**
 * What a whole-agent test works with: a temp dir and an in-process test console made fresh before
 * each test, and the agent it starts (stopped after each test, so a failing test never leaks one).
 */
export interface AgentTestHarness {
  readonly dir: string;
  readonly console: TestConsole;
  /** The agent under test: set it once started, the harness stops it after the test. */
  agent: RunningAgent | null;
}

/** Registers the per-test set-up and tear-down in the calling `describe` and returns its state. */
export function useAgentTestHarness(label: string, consoleOptions: TestConsoleOptions): AgentTestHarness {
  let dir: string | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  let testConsole: TestConsole | undefined;
  const harness = {
    get dir(): string {
      if (dir === undefined) throw new Error('the harness dir exists only inside a test');
      return dir;
    },
    get console(): TestConsole {
      if (testConsole === undefined) throw new Error('the test console runs only inside a test');
      return testConsole;
    },
    agent: null as RunningAgent | null,
  };
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir(label));
    testConsole = await TestConsole.start(consoleOptions);
  });
  afterEach(async () => {
    await harness.agent?.stop();
    harness.agent = null;
    await testConsole?.stop();
    await cleanup?.();
  });
  return harness;
}
