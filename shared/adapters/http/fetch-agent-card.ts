import { parseA2aAgentCard, parseCardJson, type A2aAgentCardView } from '../../domain/a2a-agent-card.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import { requireOkResponse } from './retryable-http-status.ts';

/** A card fetched from its URI: the JSON as served (what the registry stores) and its view. */
export interface FetchedAgentCard {
  card: Record<string, unknown>;
  view: A2aAgentCardView;
}

/**
 * Fetches and validates the agent card at `uri` (an A2A definition's `remoteAgentCard.uri`)
 * through `guardedFetch` (see createGuardedFetch), which refuses private and metadata addresses.
 *
 * @throws InvalidInputError for a URI that is not http(s), a refused address, a 4xx answer
 *   (AGENT_CARD_UNAVAILABLE), or a body that is not a valid card (every problem, with paths,
 *   prefixed `agent card at <uri>`); TransientError for network failures, timeouts, 408, 429
 *   and 5xx, which may succeed later.
 */
export async function fetchAgentCard(uri: string, guardedFetch: typeof fetch): Promise<FetchedAgentCard> {
  if (!URL.canParse(uri) || !/^https?:$/.test(new URL(uri).protocol)) {
    throw new InvalidInputError(`Agent card URI ${JSON.stringify(uri)} must be an absolute http or https URL`);
  }
  const response = await guardedFetch(uri, { headers: { accept: 'application/json' }, redirect: 'follow' });
  await requireOkResponse(response, `Agent card at ${uri}`, 'AGENT_CARD_UNAVAILABLE');
  const source = `agent card at ${uri}`;
  const card = parseCardJson(await response.text(), source);
  const view = parseA2aAgentCard(card, source);
  return { card: card as Record<string, unknown>, view };
}
