import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

/** The colour of the block at the top left of the home page, 300×150 px: a screenshot must show it. */
export const homeBlock = { width: 300, height: 150, rgb: [220, 30, 60] as const };

const page = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>` +
  '<style>body{margin:0;font-family:sans-serif;background:#fff}</style></head>' +
  `<body>${body}</body></html>`;

/** A site for the browser's tests, on loopback: a form, a login, redirects to private addresses, and requests for them. */
export interface BrowseTestSite {
  readonly origin: string;
  /** Requests the site received, path and query. */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startBrowseTestSite(): Promise<BrowseTestSite> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(request.url ?? '');
    void route(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

let bomb: Buffer | undefined;

async function route(request: IncomingMessage, response: ServerResponse): Promise<unknown> {
  const url = new URL(request.url ?? '/', 'http://site');
  const html = (body: string, headers: Record<string, string> = {}) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(body);
  const redirect = (location: string, headers: Record<string, string> = {}) => response.writeHead(302, { location, ...headers }).end();
  const [r, g, b] = homeBlock.rgb;
  switch (url.pathname) {
    case '/':
      return html(page('Home', `<div id="block" style="width:${homeBlock.width}px;height:${homeBlock.height}px;background:rgb(${r},${g},${b})"></div>` +
        '<h1>Welcome home</h1><p id="intro">A page for tests.</p><ul id="nav"><li><a href="/form">The form</a></li><li><a href="/login">Sign in</a></li></ul>' +
        '<footer><a href="https://example.com/elsewhere">Elsewhere</a></footer>'));
    case '/form':
      return html(page('Search', '<form action="/search" method="get"><input id="q" name="q"><button id="go" type="submit">Go</button></form>'));
    case '/search':
      return html(page('Results', `<p id="result">You searched for ${escapeHtml(url.searchParams.get('q') ?? '')}</p>`));
    case '/login':
      if (request.method === 'POST') {
        const form = new URLSearchParams(await readBody(request));
        if (form.get('user') === 'alice' && form.get('password') === 'wonderland') return redirect('/account', { 'set-cookie': 'session=alice-session; HttpOnly; Path=/' });
        return html(page('Sign in', '<p id="error">Wrong user or password</p>'));
      }
      return html(page('Sign in', '<form method="post" action="/login"><input id="user" name="user"><input id="password" name="password" type="password"><button id="sign-in" type="submit">Sign in</button></form>'));
    case '/account':
      if (!(request.headers.cookie ?? '').includes('session=alice-session')) return redirect('/login');
      return html(page('Account', '<p id="who">Signed in as alice</p><script>localStorage.setItem("theme", "dark")</script>'));
    case '/preferences':
      return html(page('Preferences', '<p id="theme"></p><script>document.getElementById("theme").textContent = "theme: " + localStorage.getItem("theme")</script>'));
    case '/to-metadata':
      return redirect('http://169.254.169.254/computeMetadata/v1/');
    case '/to-private':
      return redirect('http://10.1.2.3/admin');
    case '/private-parts':
      return html(page('Parts', '<p id="text">Parts from private addresses</p><img src="http://169.254.169.254/latest/meta-data/x.png"><script src="http://192.168.0.1/steal.js"></script><iframe src="http://[::ffff:10.0.0.1]/"></iframe>'));
    case '/long':
      return html(page('Long', `<div style="height:9000px;background:rgb(${r},${g},${b})"></div>`));
    case '/alert':
      return html(page('Alert', '<script>alert("hello"); confirm("sure?")</script><p id="after">after the dialogs</p>'));
    case '/spin':
      return html(page('Spin', '<p id="text">spinning</p><script>setTimeout(() => { for (;;) {} }, 1000)</script>'));
    case '/webrtc':
      // Gathers ICE candidates against a STUN server at ?port on loopback: UDP a proxy never sees.
      return html(page('WebRTC', `<p id="text">rtc</p><script>const pc = new RTCPeerConnection({ iceServers: [{ urls: 'stun:127.0.0.1:${Number(url.searchParams.get('port'))}' }] }); pc.createDataChannel('x'); pc.createOffer().then((offer) => pc.setLocalDescription(offer));</script>`));
    case '/bomb':
      // 400 MB of text sent as half a megabyte of gzip: small on the wire, huge in the renderer.
      bomb ??= gzipSync(Buffer.alloc(400 * 1024 * 1024, 'a'), { level: 1 });
      return void response.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip', 'content-length': bomb.length }).end(bomb);
    case '/wordy':
      return html(page('Wordy', `<p id="words">${'word '.repeat(5_000)}</p>`));
    default:
      return void response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
