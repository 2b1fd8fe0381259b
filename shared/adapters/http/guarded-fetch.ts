import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { InvalidInputError, PermanentDependencyError, TransientError } from '../../domain/errors.ts';
import { refusedAddressReason, refusedTargetReason, type OutboundAddressOptions } from './outbound-address-policy.ts';

/** A request to an address agentline never calls (metadata server, private ranges). */
export class OutboundAddressRefusedError extends InvalidInputError {
  constructor(message: string) {
    super(message, { code: 'OUTBOUND_ADDRESS_REFUSED' });
  }
}

export interface GuardedFetchOptions extends OutboundAddressOptions {
  /** The whole exchange, response body included. */
  timeoutMs: number;
  /** Larger responses fail with RESPONSE_TOO_LARGE. */
  maxResponseBytes: number;
}

export interface GuardedFetch {
  /** `fetch` for URLs that come from users (agent cards, A2A endpoints). */
  fetch: typeof fetch;
  /** Closes pooled connections. */
  close(): Promise<void>;
}

/**
 * A `fetch` that refuses the metadata server and non-public addresses at connect time: names are
 * checked after DNS resolution, inside the connection, so a name that resolves to a public
 * address when validated and to 169.254.169.254 later (DNS rebinding) is still refused; IP
 * literals, which skip DNS, are checked in the connector; redirects connect through the same
 * checks. Network failures and timeouts become TransientError; a refusal is an InvalidInputError
 * (OUTBOUND_ADDRESS_REFUSED) and never retried.
 */
export function createGuardedFetch(options: GuardedFetchOptions): GuardedFetch {
  const base = buildConnector({ lookup: guardedLookup(options), timeout: options.timeoutMs });
  const agent = new Agent({
    connect(connectOptions, callback) {
      const host = connectOptions.hostname.replace(/^\[(.*)\]$/, '$1');
      const reason = refusedTargetReason(host, options);
      if (reason) return callback(new OutboundAddressRefusedError(`Refusing to connect to ${host}: ${reason}`), null);
      base(connectOptions, callback);
    },
  });

  const guarded = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new OutboundAddressRefusedError(`Refusing to fetch ${url.protocol} URL ${url.href}: only http and https`);
    }
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    let response: Response;
    try {
      const request = { ...(init as object), signal, dispatcher: agent } as Parameters<typeof undiciFetch>[1];
      response = (await undiciFetch(input as Parameters<typeof undiciFetch>[0], request)) as unknown as Response;
    } catch (error) {
      throw fetchFailure(error, url, timeout, options.timeoutMs);
    }
    return limitBody(response, url, options.maxResponseBytes);
  };
  return { fetch: guarded as typeof fetch, close: () => agent.close() };
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * dns.lookup that fails when any address the name resolves to is refused: the connection then goes
 * to an address that was checked (the browser's proxy connects through it too).
 */
export function guardedLookup(options: OutboundAddressOptions) {
  return (hostname: string, lookupOptions: LookupAllOptions | object, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const refused = addresses.map((entry) => refusedAddressReason(entry.address, options)).find((reason) => reason);
      if (refused) return callback(new OutboundAddressRefusedError(`Refusing to connect to ${hostname}: ${refused}`), []);
      if ((lookupOptions as LookupAllOptions).all) return callback(null, addresses);
      const [first] = addresses;
      callback(null, first?.address ?? '', first?.family);
    });
  };
}

function fetchFailure(error: unknown, url: URL, timeout: AbortSignal, timeoutMs: number): unknown {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof OutboundAddressRefusedError) return cause;
  if (timeout.aborted) {
    return new TransientError(`Request to ${url.origin} timed out after ${timeoutMs} ms`, { code: 'DEADLINE_EXCEEDED', cause: error });
  }
  if (error instanceof Error && error.name === 'AbortError') return error; // the caller aborted
  const detail = cause instanceof Error ? cause.message : String(error);
  return new TransientError(`Request to ${url.origin} failed: ${detail}`, { cause: error });
}

const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);

/** The response, with a body that errors once it grows past `maxBytes`. */
function limitBody(response: Response, url: URL, maxBytes: number): Response {
  const tooLarge = () =>
    new PermanentDependencyError('RESPONSE_TOO_LARGE', `Response from ${url.origin} is larger than ${maxBytes} bytes`);
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    void response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body || nullBodyStatuses.has(response.status)) return response;
  let received = 0;
  const limited = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        received += chunk.byteLength;
        if (received > maxBytes) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Response(limited, { status: response.status, statusText: response.statusText, headers: response.headers });
}
