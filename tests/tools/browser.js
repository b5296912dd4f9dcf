// Real-browser checks of a built PolicyPress site: axe-core on every page (light and dark,
// 320px and 1280px), the Nu HTML Checker on the whole folder, keyboard use (skip link, Tab
// order), no sideways scrolling at 320px, the first screen at 320px (the h1 in its top half,
// the CEOP route visible or in the menu), print styles, page weight, and screenshots.
//
// Usage: node browser.js SITE_DIR [--screenshots DIR] [--timeout SECONDS]
//
// Needs Debian's chromium at /usr/bin/chromium (or $CHROMIUM), java on the PATH, and
// `npm ci` in this folder. Serves SITE_DIR itself on 127.0.0.1 (a free port); the browser
// may fetch nothing else. Prints `browser: N passed, M failed` last and exits 1 on any failure.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const { spawn } = require('child_process');
const { chromium } = require('playwright-core');

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];
const WEIGHT_LIMIT = 60 * 1024; // bytes: a page's HTML plus the CSS it links, uncompressed
const WIDTHS = [320, 1280];
const SCHEMES = ['light', 'dark'];

function usage(message) {
  console.error(`${message}\nusage: node browser.js SITE_DIR [--screenshots DIR] [--timeout SECONDS]`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { site: null, shots: null, timeout: 600 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--screenshots') opts.shots = argv[++i];
    else if (a === '--timeout') opts.timeout = Number(argv[++i]);
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else if (!opts.site) opts.site = a;
    else usage(`unexpected argument ${a}`);
  }
  if (!opts.site) usage('missing SITE_DIR');
  if (opts.shots === undefined) usage('--screenshots needs a folder');
  if (!(opts.timeout > 0)) usage('--timeout needs a number of seconds');
  opts.site = path.resolve(opts.site);
  if (!fs.statSync(opts.site, { throwIfNoEntry: false })?.isDirectory()) usage(`not a folder: ${opts.site}`);
  opts.shots = path.resolve(opts.shots || fs.mkdtempSync(path.join(os.tmpdir(), 'policypress-shots-')));
  return opts;
}

// ---------------------------------------------------------------------------------------
// Results

let passed = 0;
let failed = 0;
function pass() { passed++; }
function fail(check, where, lines) {
  failed++;
  console.log(`FAIL ${check}: ${where}`);
  for (const line of [].concat(lines || [])) console.log(`     ${line}`);
}
let summarised = false;
/** The closing line, printed once. */
function summary() {
  if (summarised) return;
  summarised = true;
  console.log(`browser: ${passed} passed, ${failed} failed`);
}
let stopping = false; // the global timeout fired: later errors are its consequence
function check(name, where, problems) {
  if (problems.length) fail(name, where, problems); else pass();
}

// ---------------------------------------------------------------------------------------
// The site: its pages and a loopback static server

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return walk(p);
      return e.isFile() && e.name.endsWith('.html') ? [p] : [];
    });
}

/** The URL path a page file is served at (`a/b/index.html` at `/a/b/`). */
function urlPath(root, file) {
  const rel = path.relative(root, file).split(path.sep).map(encodeURIComponent).join('/');
  return '/' + rel.replace(/(^|\/)index\.html$/, '$1');
}

/** The page kind from `<body class="kind-...">`, set by the default theme's base.html. */
function pageKind(html) {
  const m = /<body[^>]*\bclass=["']?[^>"']*?\bkind-([a-z-]+)/i.exec(html);
  return m ? m[1] : null;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp',
  '.gif': 'image/gif', '.avif': 'image/avif', '.ico': 'image/x-icon', '.pdf': 'application/pdf',
  '.txt': 'text/plain; charset=utf-8', '.xml': 'application/xml', '.woff2': 'font/woff2',
};

/** The file a URL path names inside root, or null (outside root, or no such file). */
function fileFor(root, pathname) {
  let rel;
  try { rel = decodeURIComponent(pathname); } catch { return null; }
  if (rel.includes('\0')) return null;
  const file = path.join(root, path.normalize(rel));
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (stat?.isFile()) return { file, redirect: null };
  if (stat?.isDirectory()) {
    if (!pathname.endsWith('/')) return { file: null, redirect: pathname + '/' };
    const index = path.join(file, 'index.html');
    if (fs.statSync(index, { throwIfNoEntry: false })?.isFile()) return { file: index, redirect: null };
  }
  return null;
}

function startServer(root) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const found = (req.method === 'GET' || req.method === 'HEAD') ? fileFor(root, url.pathname) : null;
    if (found?.redirect) {
      res.writeHead(301, { Location: found.redirect });
      res.end();
    } else if (found?.file) {
      const body = fs.readFileSync(found.file);
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(found.file).toLowerCase()] || 'application/octet-stream',
        'Content-Length': body.length,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// ---------------------------------------------------------------------------------------
// The Nu HTML Checker, run beside the browser checks

function runVnu(site, deadlineMs) {
  const jar = path.join(__dirname, 'node_modules/vnu-jar/build/dist/vnu.jar');
  return new Promise((resolve) => {
    let out = '';
    const child = spawn('java', ['-jar', jar, '--errors-only', '--skip-non-html', '--format', 'gnu', site],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => { out += '\n(the checker took too long and was stopped)'; child.kill('SIGKILL'); }, deadlineMs);
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', (e) => { clearTimeout(timer); resolve({ code: -1, out: `could not run java: ${e.message}` }); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, out: out.trim() }); });
    runVnu.child = child;
  });
}

// ---------------------------------------------------------------------------------------
// In-page helpers (run inside the browser)

/** Marks every element Tab should reach, in DOM order, and returns their descriptions. */
function markFocusable() {
  const selector = 'a[href], area[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable=""], [contenteditable="true"]';
  const list = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.disabled || el.tabIndex < 0) continue;
    if (el.matches('input[type=hidden]')) continue;
    // Rendered (not display: none, visibility: hidden or inside a closed <details>)
    if (!el.checkVisibility({ visibilityProperty: true })) continue;
    el.dataset.ppTab = String(list.length);
    const text = (el.getAttribute('aria-label') || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 50);
    list.push({ tag: el.tagName.toLowerCase(), tabIndex: el.tabIndex, text });
  }
  return list;
}

function describeActive() {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return { i: null, desc: 'the page itself' };
  const text = (el.getAttribute('aria-label') || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 50);
  return { i: el.dataset.ppTab ?? null, desc: `<${el.tagName.toLowerCase()}> "${text}"`, inMain: !!el.closest('main#main-content') };
}

// ---------------------------------------------------------------------------------------
// Checks

/** Records a page's script errors, console errors and failed or refused requests. */
function watch(page, origin, sink, prefix = '') {
  const note = (m) => sink.problems.push(prefix + m);
  page.on('pageerror', (e) => note(`script error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') note(`console error: ${m.text()}`); });
  // A request the browser itself gave up on (net::ERR_ABORTED: the favicon or an image still
  // loading when the check moved on and closed the page) says nothing about the site; a
  // missing file is an HTTP 404 below, a server that fails is any other error.
  page.on('requestfailed', (r) => {
    const why = (r.failure() && r.failure().errorText) || '';
    if (r.url().startsWith(origin) && !why.includes('ERR_ABORTED')) note(`request failed: ${r.url()} (${why})`);
  });
  page.on('response', (r) => { if (r.status() >= 400) note(`HTTP ${r.status()}: ${r.url()}`); });
}

/** A new page at url, for the keyboard and print checks; problems loading it go to problems. */
async function openPage(context, origin, url, problems) {
  const page = await context.newPage();
  watch(page, origin, { problems }, 'while loading the page: ');
  const resp = await page.goto(origin + url, { waitUntil: 'load' });
  if (!resp || resp.status() !== 200) problems.push(`the page answered ${resp ? resp.status() : 'nothing'}`);
  return page;
}

/** HTML plus linked CSS under the limit; no render-blocking script in the head. */
async function weightCheck(page, p, origin, site) {
  const info = await page.evaluate(() => ({
    css: [...document.querySelectorAll('link[rel~="stylesheet"]')].map((l) => l.href),
    blocking: [...document.head.querySelectorAll('script')]
      .filter((s) => !s.async && !s.defer && s.type !== 'module').map((s) => s.src || 'inline script'),
    scripts: document.querySelectorAll('script').length,
  }));
  let bytes = p.bytes;
  const problems = [];
  for (const href of info.css) {
    const u = new URL(href);
    const f = u.origin === origin ? fileFor(site, u.pathname) : null;
    if (f?.file) bytes += fs.statSync(f.file).size; else problems.push(`stylesheet ${href} is not a file of the site`);
  }
  if (bytes > WEIGHT_LIMIT) problems.push(`HTML and CSS weigh ${bytes} bytes, over the ${WEIGHT_LIMIT}-byte limit`);
  for (const s of info.blocking) problems.push(`render-blocking script in the head: ${s}`);
  if (info.scripts) console.log(`note: ${p.url} has ${info.scripts} script element(s)`);
  check('weight', p.url, problems);
  p.weight = bytes;
}

/** Nothing scrolls sideways (run at 320px). */
async function sidewaysCheck(page, p) {
  const sw = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  const problems = [];
  if (sw.scroll > sw.client) {
    const culprits = await page.evaluate(() => {
      const edge = document.documentElement.clientWidth + 0.5;
      const over = (el) => !!el && el.getBoundingClientRect().right > edge;
      return [...document.querySelectorAll('body *')].filter((el) => over(el) && !over(el.parentElement))
        .slice(0, 5).map((el) => `<${el.tagName.toLowerCase()}${el.className ? ` class="${el.className}"` : ''}> ends at ${Math.round(el.getBoundingClientRect().right)}px`);
    });
    problems.push(`scrollWidth ${sw.scroll}px > clientWidth ${sw.client}px`, ...culprits);
  }
  check('no sideways scrolling at 320px', p.url, problems);
}

/** The first screen of a phone (320px wide): the page's own h1 starts in its top half, and
 *  the CEOP "report a concern" route is on it, visible or one tap away (inside a closed
 *  menu's <details>, whose toggle is on the first screen). */
const FIRST_SCREEN = 640;
const H1_LIMIT = FIRST_SCREEN / 2;
const h1Tops = [];
async function firstScreenCheck(page, p) {
  const r = await page.evaluate(() => {
    const top = (el) => el.getBoundingClientRect().top + window.scrollY;
    const h1 = document.querySelector('h1');
    const ceop = [...document.querySelectorAll('a[href*="ceop.police.uk"]')].map((a) => {
      if (a.checkVisibility({ visibilityProperty: true })) return { how: 'visible', top: top(a) };
      const d = a.closest('details:not([open])');
      const s = d && d.querySelector(':scope > summary');
      return s && s.checkVisibility() ? { how: 'in the menu', top: top(s) } : null;
    }).filter(Boolean).sort((a, b) => a.top - b.top);
    return { h1: h1 ? { top: top(h1), text: h1.textContent.trim().slice(0, 60) } : null, ceop: ceop[0] || null };
  });
  const problems = [];
  if (!r.h1) problems.push('the page has no h1');
  else {
    h1Tops.push({ url: p.url, top: Math.round(r.h1.top) });
    if (r.h1.top > H1_LIMIT) problems.push(`the h1 "${r.h1.text}" starts ${Math.round(r.h1.top)}px down, below the top half (${H1_LIMIT}px) of a 320×${FIRST_SCREEN} screen`);
  }
  if (!r.ceop) problems.push('no link to CEOP (report a concern) is visible or in the menu');
  else if (r.ceop.top >= FIRST_SCREEN) problems.push(`the CEOP report-a-concern route (${r.ceop.how}) starts ${Math.round(r.ceop.top)}px down, below the first screen`);
  check(`first screen at 320px: h1 in the top half, CEOP route on it`, p.url, problems);
}

/** axe-core's results that need a person to look (`incomplete`), counted by rule. */
const axeToReview = new Map();

// Every page links an accessibility statement from its footer (the regulations ask for a
// link from every page): each such link leads to a statement page of the site.
async function statementLinkCheck(page, p, site) {
  const links = await page.$$eval('footer a', (as) => as
    .filter((a) => /^Accessibility statement/.test(a.textContent.trim()))
    .map((a) => new URL(a.href).pathname));
  const problems = [];
  if (!links.length) problems.push('the footer has no link to an accessibility statement');
  for (const l of links) {
    const found = fileFor(site, l);
    const html = found && found.file ? fs.readFileSync(found.file, 'utf8') : '';
    if (!/<h1[^>]*>Accessibility statement for /.test(html)) problems.push(`${l} is not an accessibility statement of the site`);
  }
  check('footer links the accessibility statement', p.url, problems);
}

async function axeCheck(page, axeSource, where) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return {
      violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })) })),
      incomplete: r.incomplete.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${[...n.any, ...n.all, ...n.none].map((c) => c.message).join('; ')}`) })),
    };
  }, AXE_TAGS);
  const lines = [];
  for (const v of result.violations) {
    for (const n of v.nodes) {
      lines.push(`${v.id} (${v.impact}) at ${n.target}: ${v.help}`);
      lines.push(`  ${(n.summary || '').replace(/\s*\n\s*/g, ' / ')}`);
    }
  }
  for (const v of result.incomplete) {
    if (!axeToReview.has(v.id)) axeToReview.set(v.id, []);
    axeToReview.get(v.id).push(...v.nodes.map((n) => `${where} ${n}`));
  }
  check('axe', where, lines);
  return result.violations.reduce((sum, v) => sum + v.nodes.length, 0);
}

/** The search box: typing shows results, announced in a status region, reachable by Tab. */
async function searchCheck(context, origin, url, axeSource, word) {
  const problems = [];
  // Loading problems are the page checks' business; following a result and coming back
  // cancels requests (the favicon) on purpose.
  const page = await openPage(context, origin, url, []);
  try {
    const input = page.locator('#search-input');
    if (!(await input.count())) {
      problems.push('no search box (#search-input) on the page');
    } else {
      await input.focus();
      await page.keyboard.type(word);
      const first = page.locator('.search-list li a').first();
      await first.waitFor({ timeout: 5000 }).catch(() => problems.push(`typing "${word}" showed no results`));
      // On a slow machine the first letters may already have shown results, which the next
      // ones clear and show again: wait for the search for the whole word to have finished.
      await page.waitForFunction((w) => {
        const s = document.querySelector('[role="status"]');
        return !!s && s.textContent.includes(`“${w}”`);
      }, word, { timeout: 5000 }).catch(() => problems.push(`the results for the whole of "${word}" did not appear`));
      const status = await page.locator('[role="status"]').first().textContent().catch(() => '');
      if (!/match/.test(status || '')) problems.push(`the status region does not announce the results (it says "${status}")`);
      // From the box, Tab passes the Search button and reaches the first result.
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement && document.activeElement.closest('.search-list') !== null);
      if (!focused) problems.push('Tab from the search box does not reach the results');
      const href = await first.getAttribute('href').catch(() => null);
      if (href) {
        await page.keyboard.press('Enter');
        const target = new URL(href, page.url()).pathname; // the result's address, as the page resolves it
        await page.waitForURL((u) => u.pathname === target, { timeout: 5000 }).catch(() => problems.push(`Enter on a result did not open ${href}`));
        // Back to the page by its address, not goBack(): on a slow machine the result may
        // not have opened yet, and going back would leave the site.
        await page.goto(origin + url, { waitUntil: 'load' });
        await input.fill(word);
        await first.waitFor({ timeout: 5000 }).catch(() => {});
      }
      await axeCheck(page, axeSource, `${url} (with search results)`);
    }
  } finally {
    await page.close();
  }
  check('search: results are announced and keyboard usable', url, problems);
}

async function keyboardCheck(context, origin, url) {
  const problems = [];
  const page = await openPage(context, origin, url, problems);
  try {
    // 1. The first Tab reaches the skip link.
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => {
      const el = document.activeElement;
      return { isSkip: !!el && el.matches('a.skip-link, a[href="#main-content"]'), text: el ? el.textContent.trim() : '', href: el ? el.getAttribute('href') : '',
        visible: !!el && el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().right > 0 };
    });
    const p1 = problems; // and whatever went wrong loading the page
    if (!first.isSkip || first.text !== 'Skip to main content') p1.push(`the first Tab focused "${first.text}" (${first.href}), not the "Skip to main content" link`);
    else if (!first.visible) p1.push('the skip link is focused but not on screen');
    check('keyboard: first Tab reaches the skip link', url, p1);

    // 2. Enter on the skip link moves focus into main (or the next Tab lands in main).
    const p2 = [];
    if (first.isSkip) {
      await page.keyboard.press('Enter');
      await page.waitForTimeout(100);
      const after = await page.evaluate(() => ({
        hash: location.hash,
        inMain: !!document.activeElement && !!document.activeElement.closest('main#main-content'),
      }));
      if (!after.inMain) {
        if (after.hash !== '#main-content') p2.push(`after Enter the address ends in "${after.hash}", and focus is not in main`);
        else {
          await page.keyboard.press('Tab');
          const next = await page.evaluate(describeActive);
          if (!next.inMain) p2.push(`after Enter and Tab, focus is on ${next.desc}, outside main#main-content`);
        }
      }
    } else p2.push('no skip link to follow');
    check('keyboard: skip link moves focus to the main content', url, p2);
  } finally {
    await page.close();
  }
  await tabOrderCheck(context, origin, url);
}

/** Every focusable element is reached by Tab, once, in DOM order. */
async function tabOrderCheck(context, origin, url) {
  const problems = [];
  const page = await openPage(context, origin, url, problems);
  try {
    const focusable = await page.evaluate(markFocusable);
    for (const f of focusable) if (f.tabIndex > 0) problems.push(`<${f.tag}> "${f.text}" has tabindex ${f.tabIndex}: it jumps the DOM order`);
    const seen = [];
    for (let n = 0; n < focusable.length + 1; n++) {
      await page.keyboard.press('Tab');
      const a = await page.evaluate(describeActive);
      if (a.i === null) {
        if (n < focusable.length) seen.push(`[${a.desc}]`);
        break;
      }
      seen.push(Number(a.i));
    }
    const expected = focusable.map((_, i) => i);
    const got = seen.slice(0, expected.length);
    for (let i = 0; i < expected.length; i++) {
      if (got[i] !== expected[i]) {
        const want = focusable[i];
        const gotDesc = typeof got[i] === 'number' ? `#${got[i]} <${focusable[got[i]].tag}> "${focusable[got[i]].text}"` : (got[i] || 'nothing');
        problems.push(`Tab stop ${i + 1} should be <${want.tag}> "${want.text}" but was ${gotDesc}`);
        break;
      }
    }
    if (!focusable.length) problems.push('nothing on the page can be reached with Tab');
  } finally {
    await page.close();
  }
  check('keyboard: Tab reaches every interactive element in DOM order', url, problems);
}

async function printCheck(context, origin, url) {
  const problems = [];
  const page = await openPage(context, origin, url, problems);
  try {
    await page.emulateMedia({ media: 'print' });
    const r = await page.evaluate(() => {
      const hidden = (el) => !el.checkVisibility({ visibilityProperty: true, opacityProperty: true });
      const shown = [];
      for (const el of document.querySelectorAll('header nav, .skip-link, a[href="#main-content"]')) {
        if (!hidden(el)) shown.push(`${el.tagName.toLowerCase()}${el.className ? '.' + el.className.split(' ')[0] : ''}`);
      }
      const external = [...document.querySelectorAll('main a[href]')].filter((a) => {
        try { return new URL(a.href).origin !== location.origin && /^https?:$/.test(new URL(a.href).protocol); } catch { return false; }
      });
      const missing = external.filter((a) => !hidden(a)).filter((a) => !getComputedStyle(a, '::after').content.includes(a.getAttribute('href')))
        .map((a) => `"${a.textContent.trim()}" (${a.getAttribute('href')}): ::after is ${getComputedStyle(a, '::after').content}`);
      return { shown, externalCount: external.length, missing };
    });
    check('print: navigation and skip link are hidden', url, r.shown.map((s) => `${s} still shows in print`));
    if (r.externalCount === 0) console.log(`note: ${url} has no external link in its main content, so none was checked for its printed address`);
    check('print: external links show their address', url, [...problems, ...r.missing]);
  } finally {
    await page.close();
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const files = walk(opts.site);
  const pages = files.map((file) => {
    const html = fs.readFileSync(file, 'utf8');
    return { file, url: urlPath(opts.site, file), kind: pageKind(html), bytes: Buffer.byteLength(html) };
  });
  console.log(`browser: checking ${pages.length} pages in ${opts.site}`);
  if (!pages.length) { fail('site', opts.site, 'no HTML pages found'); return; }

  let browser = null;
  let server = null;
  const timer = setTimeout(async () => {
    stopping = true;
    fail('time', `the checks took more than ${opts.timeout} s and were stopped`);
    runVnu.child?.kill('SIGKILL');
    server?.close();
    server?.closeAllConnections?.();
    await Promise.race([browser?.close(), new Promise((r) => setTimeout(r, 5000).unref())]).catch(() => {});
    summary();
    process.exit(1);
  }, opts.timeout * 1000);
  timer.unref();

  const vnu = runVnu(opts.site, opts.timeout * 1000);
  try {
    server = await startServer(opts.site);
    const origin = `http://127.0.0.1:${server.address().port}`;
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 60000,
    });
    const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    const contexts = {};
    for (const scheme of SCHEMES) for (const width of WIDTHS) {
      const ctx = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme, reducedMotion: 'reduce', serviceWorkers: 'block' });
      ctx.setDefaultTimeout(30000);
      ctx.setDefaultNavigationTimeout(30000);
      // Loopback only: nothing leaves the machine, whatever a page asks for.
      await ctx.route((u) => !u.href.startsWith(origin + '/'), (route) => route.abort('blockedbyclient'));
      contexts[`${scheme}-${width}`] = ctx;
    }

    const first = (kind) => pages.find((p) => p.kind === kind);
    const shotPages = [['home', first('home')], ['policy', first('policy')], ['charter', first('charter')]];
    for (const [kind, p] of shotPages) if (!p) console.log(`note: no ${kind} page to take screenshots of`);
    fs.mkdirSync(opts.shots, { recursive: true });

    // Every page: loads cleanly, axe in both schemes at both widths, no sideways scrolling
    // at 320px, page weight and no render-blocking scripts. One page per scheme and width,
    // the four sweeps side by side.
    let violations = 0;
    const axeStart = Date.now();
    const sweep = async (scheme, width) => {
      const sink = { problems: [] };
      const page = await contexts[`${scheme}-${width}`].newPage();
      watch(page, origin, sink);
      try {
        for (const p of pages) {
          const where = `${p.url} (${scheme}, ${width}px)`;
          sink.problems = [];
          const resp = await page.goto(origin + p.url, { waitUntil: 'load' });
          if (!resp || resp.status() !== 200) sink.problems.push(`the page answered ${resp ? resp.status() : 'nothing'}`);
          if (scheme === 'light' && width === 1280) await weightCheck(page, p, origin, opts.site);
          if (scheme === 'dark' && width === 1280) await statementLinkCheck(page, p, opts.site);
          if (scheme === 'light' && width === 320) { await sidewaysCheck(page, p); await firstScreenCheck(page, p); }
          const found = await axeCheck(page, axeSource, where); // read after the await: sweeps run side by side
          violations += found;
          for (const [kind, sp] of shotPages) {
            if (sp === p) await page.screenshot({ path: path.join(opts.shots, `${kind}-${width}-${scheme}.png`), fullPage: true });
          }
          check('page loads without errors', where, sink.problems);
        }
      } finally {
        await page.close();
      }
    };
    await Promise.all(SCHEMES.flatMap((scheme) => WIDTHS.map((width) => sweep(scheme, width))));
    const axeSeconds = ((Date.now() - axeStart) / 1000).toFixed(1);
    console.log(`browser: axe ran ${pages.length * 4} times (${pages.length} pages × light/dark × 320/1280px) in ${axeSeconds} s; ${violations} violation(s)`);
    for (const [id, nodes] of axeToReview) {
      console.log(`note: axe could not decide ${id} on ${nodes.length} element(s); a person should look, e.g.`);
      for (const n of nodes.slice(0, 3)) console.log(`     ${n}`);
    }
    if (h1Tops.length) {
      const lowest = h1Tops.reduce((a, b) => (b.top > a.top ? b : a));
      console.log(`browser: at 320px the lowest h1 starts ${lowest.top}px down (${lowest.url}), over ${h1Tops.length} pages`);
    }
    const heaviest = pages.reduce((a, b) => ((b.weight || 0) > (a.weight || 0) ? b : a));
    console.log(`browser: heaviest page ${heaviest.url} at ${heaviest.weight} bytes of HTML and CSS`);

    // Keyboard: every school home page; the Tab order also on the policy and charter pages.
    const desktop = contexts['light-1280'];
    const homes = pages.filter((q) => q.kind === 'home');
    if (!homes.length) fail('keyboard', 'no school home page to check');
    for (const p of homes) await keyboardCheck(desktop, origin, p.url);
    const tabbed = ['policy', 'charter', 'landing'].map(first).filter(Boolean);
    for (const p of tabbed) await tabOrderCheck(desktop, origin, p.url);
    console.log(`browser: keyboard checked on ${homes.map((p) => p.url).join(', ')}; Tab order also on ${tabbed.map((p) => p.url).join(', ')}`);
    for (const p of homes) await searchCheck(desktop, origin, p.url, axeSource, 'online');
    console.log(`browser: search checked on ${homes.map((p) => p.url).join(', ')}`);

    // Print: a policy page, the first with an external link in its main content if any is.
    const externalIn = (p) => /<main[\s\S]*href=["']?https?:\/\/[\s\S]*<\/main>/i.test(fs.readFileSync(p.file, 'utf8'));
    const policies = pages.filter((p) => p.kind === 'policy');
    const printPage = policies.find(externalIn) || pages.find((p) => p.kind !== 'landing' && externalIn(p)) || policies[0] || first('page');
    if (printPage) {
      await printCheck(desktop, origin, printPage.url);
      console.log(`browser: print styles checked on ${printPage.url}`);
    } else fail('print', 'no policy or page to check');

    console.log(`browser: screenshots in ${opts.shots}`);

    const v = await vnu;
    if (v.code === 0) pass();
    else {
      const lines = v.out.split('\n').filter(Boolean);
      fail('Nu HTML Checker', opts.site, lines.map((l) => l.split(`file:${opts.site}${path.sep}`).join('')));
    }
    console.log(`browser: Nu HTML Checker ${v.code === 0 ? 'found no errors' : `found ${v.out.split('\n').filter((l) => /error/.test(l)).length} error(s)`}`);
  } catch (e) {
    if (!stopping) fail('run', 'the checks stopped on an error', String(e && e.stack || e).split('\n'));
  } finally {
    runVnu.child?.kill('SIGKILL');
    if (browser) await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 10000).unref())]).catch(() => {});
    if (server) { server.close(); server.closeAllConnections?.(); }
    clearTimeout(timer);
    console.log(`browser: took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

main().catch((e) => { fail('run', 'unexpected error', String(e && e.stack || e)); }).finally(() => {
  if (stopping) return; // the timeout handler prints the summary and exits
  summary();
  process.exitCode = failed ? 1 : 0;
});
