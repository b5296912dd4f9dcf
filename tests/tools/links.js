// Follows every link of a site built with `relative_urls = true`, in headless Chromium, from
// two places the folder may be put: served under a sub-path of another website, and opened
// from the disk (file://). Every page must load with its stylesheet, scripts and images, and
// every link, form and image of it must lead to a file of the site (under the sub-path, or
// on the disk), never to the server's root or outside the folder.
//
// Usage: node links.js SITE_DIR --under /some/path/
// Prints `links: N passed, M failed` last and exits 1 on any failure.
'use strict';

const fs = require('fs');
const path = require('path');
const http = require('http');
const { pathToFileURL, fileURLToPath } = require('url');
const { chromium } = require('playwright-core');

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

let passed = 0;
let failed = 0;
function check(name, where, problems) {
  if (problems.length) {
    failed++;
    console.log(`FAIL ${name}: ${where}`);
    for (const p of problems.slice(0, 20)) console.log(`     ${p}`);
  } else passed++;
}

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name)).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return walk(p);
    return e.isFile() && e.name.endsWith('.html') ? [p] : [];
  });
}

/** The site's file for a path under `under`, or null. */
function fileFor(root, under, pathname) {
  if (!pathname.startsWith(under)) return null;
  let rel;
  try { rel = decodeURIComponent(pathname.slice(under.length)); } catch { return null; }
  const file = path.join(root, path.normalize('/' + rel));
  if (!file.startsWith(root)) return null;
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (stat?.isFile()) return file;
  if (stat?.isDirectory() && pathname.endsWith('/')) {
    const index = path.join(file, 'index.html');
    if (fs.existsSync(index)) return index;
  }
  return null;
}

/** Every address the page's tags lead to or load, resolved by the browser. */
function addresses() {
  const out = [];
  const add = (el, attr, url) => out.push({ what: `<${el.tagName.toLowerCase()} ${attr}>`, url });
  for (const a of document.querySelectorAll('a[href], link[href]')) add(a, 'href', a.href);
  for (const i of document.querySelectorAll('img[src], script[src], source[src]')) add(i, 'src', i.src);
  for (const f of document.querySelectorAll('form[action]')) add(f, 'action', f.action);
  for (const e of document.querySelectorAll('[srcset]')) {
    for (const c of e.getAttribute('srcset').split(',')) {
      const u = c.trim().split(/\s+/)[0];
      if (u) add(e, 'srcset', new URL(u, document.baseURI).href);
    }
  }
  for (const f of document.querySelectorAll('[data-search-index]')) {
    add(f, 'data-search-index', new URL(f.getAttribute('data-search-index'), document.baseURI).href);
  }
  return out;
}

async function main() {
  const args = process.argv.slice(2);
  const site = path.resolve(args[0] || '');
  const u = args.indexOf('--under');
  const under = u >= 0 ? args[u + 1] : '/sub/';
  if (!args[0] || !fs.statSync(site, { throwIfNoEntry: false })?.isDirectory() || !/^\/.*\/$/.test(under)) {
    console.error('usage: node links.js SITE_DIR --under /some/path/');
    process.exit(2);
  }
  const pages = walk(site).filter((f) => path.basename(f) !== '404.html');
  const server = http.createServer((req, res) => {
    const file = fileFor(site, under, new URL(req.url, 'http://x').pathname);
    if (!file) { res.writeHead(404); res.end('not found\n'); return; }
    const types = { '.html': 'text/html', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.webp': 'image/webp', '.pdf': 'application/pdf', '.xml': 'application/xml' };
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
  let links = 0;
  try {
    const ctx = await browser.newContext({ serviceWorkers: 'block' });
    await ctx.route((url) => !(url.href.startsWith(origin + '/') || url.protocol === 'file:'), (route) => route.abort('blockedbyclient'));
    const page = await ctx.newPage();
    let loadProblems = [];
    page.on('response', (r) => { if (r.status() >= 400) loadProblems.push(`HTTP ${r.status()}: ${r.url()}`); });
    page.on('requestfailed', (r) => {
      const why = (r.failure() && r.failure().errorText) || '';
      // From the disk the search index cannot be fetched (browsers forbid it); search.js
      // then says search is not available.
      if (why.includes('ERR_ABORTED') || r.url().endsWith('search-index.json')) return;
      loadProblems.push(`request failed: ${r.url()} (${why})`);
    });
    for (const file of pages) {
      const rel = path.relative(site, file).split(path.sep).join('/');
      // 1. Served under a sub-path.
      loadProblems = [];
      const served = `${origin}${under}${rel}`;
      const resp = await page.goto(served, { waitUntil: 'load' });
      if (!resp || resp.status() !== 200) loadProblems.push(`the page answered ${resp ? resp.status() : 'nothing'}`);
      const problems = [...loadProblems];
      for (const a of await page.evaluate(addresses)) {
        const url = new URL(a.url);
        if (url.origin !== origin) continue;
        links++;
        if (!url.pathname.startsWith(under)) problems.push(`${a.what} ${a.url} leaves ${under}`);
        else if (!fileFor(site, under, url.pathname)) problems.push(`${a.what} ${a.url} is no file of the site`);
      }
      check(`served under ${under}`, rel, problems);
      // 2. Opened from the disk.
      loadProblems = [];
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      const fromDisk = [...loadProblems];
      for (const a of await page.evaluate(addresses)) {
        const url = new URL(a.url);
        if (url.protocol !== 'file:') continue;
        links++;
        const target = fileURLToPath(url.href.split('#')[0].split('?')[0]);
        if (!target.startsWith(site + path.sep)) fromDisk.push(`${a.what} ${a.url} leaves the folder`);
        else if (!fs.statSync(target, { throwIfNoEntry: false })?.isFile()) fromDisk.push(`${a.what} ${a.url} is no file (a folder, or missing)`);
      }
      // (A file:// sheet's rules cannot be read from the page: look at what it does instead.)
      const styled = await page.evaluate(() => { const h = document.querySelector('header'); return !!h && getComputedStyle(h).backgroundColor !== 'rgba(0, 0, 0, 0)'; });
      if (!styled) fromDisk.push('the stylesheet did not load');
      check('opened from the disk', rel, fromDisk);
    }
    // The search box, served under the sub-path: its results lead to pages of the site.
    const home = pages.map((f) => path.relative(site, f).split(path.sep).join('/')).find((r) => /^([^/]+\/)?index\.html$/.test(r) && fs.readFileSync(path.join(site, r), 'utf8').includes('data-search-index'));
    if (home) {
      const problems = [];
      await page.goto(`${origin}${under}${home}`, { waitUntil: 'load' });
      await page.fill('#search-input', 'online');
      const first = page.locator('.search-list li a').first();
      await first.waitFor({ timeout: 5000 }).catch(() => problems.push('typing "online" showed no results'));
      const hrefs = await page.$$eval('.search-list li a', (as) => as.map((a) => a.href));
      for (const h of hrefs) {
        const url = new URL(h);
        if (!fileFor(site, under, url.pathname)) problems.push(`the result ${h} is no page of the site under ${under}`);
      }
      if (!hrefs.length) problems.push('no results to follow');
      check('search results lead to pages under the sub-path', home, problems);
    } else check('search', 'the site', ['no school home page with a search box']);
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`links: ${pages.length} pages, ${links} links followed under ${under} and from the disk`);
  console.log(`links: ${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => { console.log(`FAIL run: ${e && e.stack || e}`); console.log('links: 0 passed, 1 failed'); process.exitCode = 1; });
