import { ChromiumBrowser } from '../../shared/browser/browse-in-chromium.ts';
import { createBrowseServer } from './browse-server.ts';

/**
 * The browser service's entry point (docs/architecture.md, "Browser"): a Cloud Run service whose
 * container has Debian's Chromium. It listens on `PORT` (Cloud Run sets it). Loopback pages are
 * refused unless `AGENTLINE_BROWSER_ALLOW_LOOPBACK` is `true`, which only tests set.
 */
const port = Number(process.env['PORT'] ?? 8080);
const browser = new ChromiumBrowser({ allowLoopback: process.env['AGENTLINE_BROWSER_ALLOW_LOOPBACK'] === 'true' });
const server = createBrowseServer(browser, (entry) => process.stdout.write(`${JSON.stringify(entry)}\n`));
server.listen(port, () => process.stdout.write(`${JSON.stringify({ severity: 'INFO', message: 'browser service listening', port })}\n`));
// Cloud Run sends SIGTERM before it stops an instance: finish the call in flight, take no new one.
process.once('SIGTERM', () => server.close(() => process.exit(0)));
