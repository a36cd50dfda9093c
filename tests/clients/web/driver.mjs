/*
 * Plays a manifest in Debian's headless Chromium through the harness page and prints one JSON result.
 *
 *   node driver.mjs --page URL --player hls|dash --src MANIFEST_URL [--rate 4] [--timeout 60] [--each-rung]
 *
 * `--page` is player.html as served by the test's HTTP server (same origin as the media, so no CORS).
 * One run plays with the library's ABR; with --each-rung, every rendition the library kept is then also
 * played alone, each in a fresh page. Every run records the page's window.marquee, the media responses
 * seen on the network and any failed request or uncaught page error. This script serves nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values: args } = parseArgs({
  options: {
    page: { type: 'string' },
    player: { type: 'string' },
    src: { type: 'string' },
    rate: { type: 'string', default: '4' },
    timeout: { type: 'string', default: '60' },
    'each-rung': { type: 'boolean', default: false },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});

// The closed network refuses Chromium's background connections: turn every one of them off.
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

async function playOnce(context, rung) {
  const page = await context.newPage();
  const responses = [];
  const failedRequests = [];
  const pageErrors = [];
  const consoleErrors = [];
  const consoleWarnings = []; // only to diagnose a failure: dash.js warns about stalls and gaps
  page.on('response', (response) => responses.push({ url: response.url(), status: response.status() }));
  page.on('requestfailed', (request) => failedRequests.push({ url: request.url(), error: request.failure()?.errorText }));
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
    if (message.type() === 'warning') consoleWarnings.push(message.text());
  });
  const query = new URLSearchParams({ player: args.player, src: args.src, rate: args.rate });
  if (rung !== null) query.set('rung', rung);
  await page.goto(`${args.page}?${query}`);
  let timedOut = false;
  try {
    await page.waitForFunction(
      () => window.marquee && (window.marquee.state === 'ended' || window.marquee.errors.length > 0),
      null,
      { timeout: Number(args.timeout) * 1000, polling: 100 },
    );
  } catch (error) {
    if (error.name !== 'TimeoutError') throw error;
    timedOut = true;
  }
  const marquee = await page.evaluate(() => window.marquee);
  await page.close();
  return { ...marquee, timedOut, responses, failedRequests, pageErrors, consoleErrors, consoleWarnings };
}

const profile = mkdtempSync(join(tmpdir(), 'marquee-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: args.chromium,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const runs = [await playOnce(context, null)];
  if (args['each-rung']) {
    for (const rung of runs[0].rungs) runs.push(await playOnce(context, rung));
  }
  process.stdout.write(JSON.stringify({ runs }) + '\n');
} finally {
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
}
