// What the browser tests of the console share: a scratch folder with the processes started
// in it, free loopback ports, waiting, hubctl, and Debian's chromium (no downloaded browser)
// in Japanese and JST.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--font-render-hinting=none'];

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// True once `predicate` holds (a throw counts as not yet), false after `timeoutMs`.
export async function waitFor(predicate, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      if (await predicate()) return true;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

// A test file's folder (hub.toml and the logs live there), what it started, and its browsers;
// close() ends them all and removes the folder.
export class Scratch {
  constructor(prefix, bin) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    this.bin = bin;
    this.children = [];
    this.contexts = [];
  }

  start(command, args, logName) {
    const log = fs.openSync(path.join(this.dir, logName), 'a');
    const child = spawn(command, args, { stdio: ['ignore', log, log] });
    this.children.push(child);
    return child;
  }

  hubctl(args, input) {
    const r = spawnSync(path.join(this.bin, 'hubctl'),
                        [...args, '--config', path.join(this.dir, 'hub.toml')],
                        { input, encoding: 'utf8' });
    assert.equal(r.status, 0, `hubctl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  async browser(url, viewport) {
    const userDataDir = fs.mkdtempSync(path.join(this.dir, 'chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true, viewport,
      locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    this.contexts.push(context);
    const page = context.pages()[0] || await context.newPage();
    await page.goto(url);
    return page;
  }

  async close() {
    for (const c of this.contexts) await c.close().catch(() => {});
    for (const child of this.children.reverse()) child.kill('SIGTERM');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
