import type { TrayFailure } from '../../common/tray-api';
import type { Texts } from './texts';

/**
 * The sentence for a call the agent could not answer. An `error` failure carries a technical
 * message for logs; the employee gets a plain sentence instead, never the raw text.
 */
export function failureSentence(failure: TrayFailure, texts: Texts): string {
  switch (failure.failure) {
    case 'agent-not-running':
      return texts.agent.agentNotRunning;
    case 'rate-limited':
      return texts.agent.rateLimited(Math.max(1, Math.ceil(failure.retryAfterMs / 1000)));
    case 'forbidden':
      return texts.agent.forbidden;
    case 'error':
      return texts.page.unexpectedError;
  }
}
