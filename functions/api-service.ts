import { serve } from '@hono/node-server';
import { createApiDeps } from '../shared/wiring/create-api-deps.ts';
import { createAgentsApiHandler } from '../shared/wiring/create-api-handlers.ts';
import { createGoogleDeps } from '../shared/wiring/create-google-deps.ts';
import { loadConfig } from '../shared/wiring/load-config.ts';

/**
 * Entry point of the HTTP API's Cloud Run service (docs/architecture.md, "The HTTP API"): the
 * composition root runs once, at start, so incomplete auth settings stop the container before it
 * takes traffic; then the router is served on `PORT` (Cloud Run sets it; 8080 otherwise).
 */
const config = loadConfig();
const api = createAgentsApiHandler(createApiDeps(config, createGoogleDeps(config, process.env)));
const port = Number(process.env['PORT'] ?? 8080);
const server = serve({ fetch: api, port, hostname: '0.0.0.0' }, (info) => process.stderr.write(`agents API listening on port ${info.port}\n`));
// Cloud Run sends SIGTERM before it stops an instance: finish the requests in hand.
process.once('SIGTERM', () => server.close());
