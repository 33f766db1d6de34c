// Shared end-to-end test support: a static server for the release build under a sub-path (as GitHub Pages
// serves a project site), a Chromium launcher, and a page wrapper that records every console error, page
// error, failed request and Content-Security-Policy violation; `eventually` polls until a condition holds.
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

export const DIST_DIR = process.env.DIST_DIR ?? path.resolve('dist');
export const PUBLIC_URL = process.env.PUBLIC_URL ?? '/arch-explorer/';
export const ARTIFACTS_DIR = path.resolve(process.env.ARTIFACTS_DIR ?? 'artifacts');

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

/**
 * Serves DIST_DIR at PUBLIC_URL on an ephemeral port; unknown paths get 404.html with status 404, like Pages.
 * With `gzip`, bodies go gzip-compressed to clients that accept it, as GitHub Pages serves them.
 */
export async function startStaticServer({ gzip = false } = {}) {
  const compressed = new Map();
  const server = http.createServer((request, response) => {
    const url = new URL(request.url, 'http://localhost');
    const send = (status, file) => {
      const headers = {
        'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      };
      if (gzip && /\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) {
        if (!compressed.has(file)) compressed.set(file, zlib.gzipSync(fs.readFileSync(file), { level: 6 }));
        const body = compressed.get(file);
        response.writeHead(status, { ...headers, 'content-encoding': 'gzip', 'content-length': body.length });
        response.end(body);
        return;
      }
      response.writeHead(status, headers);
      fs.createReadStream(file).pipe(response);
    };
    const notFound = () => {
      const page = path.join(DIST_DIR, '404.html');
      if (fs.existsSync(page)) send(404, page);
      else {
        response.writeHead(404);
        response.end('not found');
      }
    };
    if (!url.pathname.startsWith(PUBLIC_URL)) return notFound();
    let relative = decodeURIComponent(url.pathname.slice(PUBLIC_URL.length));
    if (relative === '' || relative.endsWith('/')) relative += 'index.html';
    const file = path.resolve(DIST_DIR, relative);
    if (!file.startsWith(path.resolve(DIST_DIR)) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      return notFound();
    }
    send(200, file);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${PUBLIC_URL}`,
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Debian's Chromium, headless, with the flags a root sandbox with a closed network needs. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/**
 * A new page that records problems. `problems()` lists console errors, uncaught page errors, failed
 * requests, HTTP errors (except those in `expectedStatuses`, keyed by URL) and CSP violations.
 */
export async function openRecordedPage(browser, { viewport = { width: 1280, height: 800 }, ...options } = {}) {
  const context = await browser.newContext({ viewport, ...options });
  const page = await context.newPage();
  const problems = [];
  const expectedStatuses = new Map();
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
    });
  });
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // Chromium also logs an expected HTTP error status (such as the 404.html fallback) as a console error.
    const expectedHttpError =
      message.text().startsWith('Failed to load resource') && expectedStatuses.has(message.location().url);
    if (!expectedHttpError) problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) =>
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400 && expectedStatuses.get(response.url()) !== response.status()) {
      problems.push(`HTTP ${response.status()}: ${response.url()}`);
    }
  });
  return {
    page,
    context,
    problems: () => [...problems],
    expectStatus: (url, status) => expectedStatuses.set(url, status),
  };
}

/** Waits until the app has mounted (the palette is rendered by the WebAssembly code). */
export async function waitForApp(page) {
  await page.getByRole('navigation', { name: 'Palette' }).waitFor({ state: 'visible', timeout: 30_000 });
}

/** Saves a full-page screenshot under the ignored artifacts folder and returns its path. */
export async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * One static server and one browser for a whole test file: started before its first test, closed after
 * its last. Returns an object whose `server` and `browser` are set once they are up.
 */
export function useServerAndBrowser() {
  const shared = { server: undefined, browser: undefined };
  before(async () => {
    shared.server = await startStaticServer();
    shared.browser = await launchBrowser();
  });
  after(async () => {
    await shared.browser?.close();
    await shared.server?.close();
  });
  return shared;
}

/** Polls `read` until `accept` holds for what it returns (or fails after `timeout` ms). */
export async function eventually(read, accept, { timeout = 20_000, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let value;
  for (;;) {
    value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The middle of an element on the screen. */
export async function centreOf(locator) {
  const box = await locator.boundingBox();
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** A mouse drag in eight steps (so the app sees a move, not a jump). */
export async function drag(page, from, to) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  for (let step = 1; step <= 8; step += 1) {
    await page.mouse.move(from.x + ((to.x - from.x) * step) / 8, from.y + ((to.y - from.y) * step) / 8);
  }
  await page.mouse.up();
}
