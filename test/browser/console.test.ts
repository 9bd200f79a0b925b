import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCasim, type LocalCasim } from '../../testkit/start-casim.js';
import { launchChromium } from '../support/chromium.js';

/**
 * README screenshots, made by this test: into docs/images (committed) with
 * CASIM_SCREENSHOTS=docs, else into .casim/screenshots so a test run leaves the tree clean.
 */
const SHOTS = join(process.cwd(), process.env.CASIM_SCREENSHOTS === 'docs' ? 'docs/images' : '.casim/screenshots');
const LAPTOP = { width: 1280, height: 800 };
const HALF_SCREEN = { width: 640, height: 800 };

let casim: LocalCasim;
let browser: Browser;
let page: Page;
/** Uncaught page exceptions and Content-Security-Policy refusals: each one fails the suite. */
const pageProblems: string[] = [];

const card = (instanceId: string): Locator => page.locator(`section.run-card[data-instance-id="${instanceId}"]`);
const outputOf = (instanceId: string): Locator => page.locator(`pre[data-output-of="${instanceId}"]`);
const statusOf = (instanceId: string, status: string): Locator => card(instanceId).locator(`[data-status="${status}"]`);
const aggregate = (status: string): Locator => page.locator(`[data-aggregate-status="${status}"]`);

/** A README screenshot, without the passing confirmations (dismissed as a user would). */
async function screenshot(name: string, fullPage = false): Promise<void> {
  const dismiss = page.getByRole('button', { name: 'Dismiss message' });
  while ((await dismiss.count()) > 0) await dismiss.first().click();
  await page.screenshot({ path: join(SHOTS, name), fullPage });
}

async function openSection(name: string): Promise<void> {
  // Keyboard navigation: focus the section's link and press Enter.
  await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name, exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1 }).first().waitFor();
}

async function runScript(script: string, instanceIds: readonly string[]): Promise<string> {
  await openSection('Run');
  await page.getByLabel('Script', { exact: true }).fill(script);
  for (const id of instanceIds) await page.getByRole('checkbox', { name: id }).check();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.waitForURL(/#\/invocations\/t-/);
  return decodeURIComponent(new URL(page.url()).hash.replace('#/invocations/', ''));
}

beforeAll(async () => {
  // The page modules the server serves are compiled from controlplane/console/web: build them
  // from the current source so the browser runs what is being tested.
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'controlplane/console/web/tsconfig.json'], { stdio: 'inherit' });
  mkdirSync(SHOTS, { recursive: true });
  casim = await startCasim({ instances: 2, timeControl: true, instanceName: 'demo' });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: LAPTOP });
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) pageProblems.push(`console: ${message.text()}`);
  });
});

afterAll(async () => {
  await browser?.close();
  await casim?.stop();
});

describe('the web console in chromium', () => {
  it('refuses a wrong secret, then signs in with the access key pair from the keyboard', async () => {
    await page.goto(`${casim.url}/console`);
    // The form opens focused on AccessKeyId; Tab moves on to the secret; Enter submits.
    await page.getByLabel('AccessKeyId').and(page.locator(':focus')).waitFor();
    await page.keyboard.type(casim.credentials.accessKeyId);
    await page.keyboard.press('Tab');
    await page.keyboard.type('not-the-secret');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Not signed in: SignatureDoesNotMatch' }).waitFor();

    await page.getByLabel('AccessKeySecret').and(page.locator(':focus')).waitFor();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type(casim.credentials.accessKeySecret);
    await page.keyboard.press('Enter');
    await page.locator('[data-stream-state="open"]').waitFor();
    for (const id of casim.instanceIds) {
      const row = page.locator(`tr[data-instance-id="${id}"]`);
      await row.getByText('online', { exact: true }).waitFor();
      await row.getByText('Linux').waitFor();
      expect(await row.textContent()).toMatch(/\d+\.\d+\.\d+\.\d+/); // agent version
      expect(await row.textContent()).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/); // last heartbeat
    }
    await screenshot('console-instances.png');
  });

  it('creates, edits and deletes a command, showing a hostile name as text', async () => {
    const name = `<img src=x onerror="window.pwned=1">greet-${Date.now()}`;
    await openSection('Commands');
    await page.getByRole('button', { name: 'New command' }).click();
    const form = page.getByRole('form', { name: 'New command' });
    await form.getByLabel('Name', { exact: true }).fill(name);
    await form.getByLabel('Description').fill('says hello');
    await form.getByLabel('Timeout (seconds)').fill('30');
    await form.getByLabel('Enable parameters').check();
    await form.getByLabel('Command content').fill('echo "{{greeting}} from $(hostname)"');
    await form.getByRole('button', { name: 'Create command' }).click();

    const row = page.locator('tr[data-command-id]').filter({ hasText: name });
    await row.waitFor();
    expect(await row.locator('td').nth(2).textContent()).toBe('greeting');
    expect(await row.locator('td').nth(3).textContent()).toBe('30 s');
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();

    await row.getByRole('button', { name: `Edit ${name}` }).click();
    const edit = page.getByRole('form', { name: `Edit command ${name}` });
    await edit.getByLabel('Description').fill('says hello, edited');
    await edit.getByRole('button', { name: 'Save command' }).click();
    await row.getByText('says hello, edited').waitFor();

    const commandId = await row.getAttribute('data-command-id');
    await row.getByRole('button', { name: `Delete ${name}` }).click();
    await row.getByRole('button', { name: `Confirm delete ${name}` }).click();
    await page.locator(`tr[data-command-id="${commandId}"]`).waitFor({ state: 'detached' });
    const left = await casim.api.call<{ Commands: { Command: unknown[] } }>('DescribeCommands', { CommandId: commandId ?? '' });
    expect(left.Commands.Command).toEqual([]);

    // For the README: a saved command with a parameter, made through the API, then shown by the page.
    await casim.api.call('CreateCommand', {
      Name: 'disk-report',
      Description: 'free space on a mount point',
      Type: 'RunShellScript',
      CommandContent: Buffer.from('df -h {{mount}}').toString('base64'),
      EnableParameter: true,
      Timeout: 120,
    });
    await page.getByRole('button', { name: 'Refresh commands' }).click();
    await page.locator('tr[data-command-id]').filter({ hasText: 'disk-report' }).waitFor();
    await screenshot('console-commands.png');
  });

  it('runs a script on two instances and shows its output line by line before the run ends', async () => {
    const ids = casim.instanceIds;
    await openSection('Instances');
    for (const id of ids) await page.getByRole('checkbox', { name: `Select ${id}` }).check();
    await page.getByRole('button', { name: 'Run command on selected' }).click();
    await page.getByRole('form', { name: 'Run a command' }).waitFor();
    for (const id of ids) expect(await page.getByRole('checkbox', { name: id }).isChecked()).toBe(true);
    await page.getByLabel('Script', { exact: true }).fill('for i in 1 2 3 4 5; do echo "line-$i on {{ACS::InstanceId}}"; sleep 1.5; done');
    await page.getByLabel('Enable parameters').check(); // built-ins such as {{ACS::InstanceId}} too
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/#\/invocations\/t-/);

    for (let line = 1; line <= 3; line += 1) {
      for (const id of ids) {
        await outputOf(id).filter({ hasText: `line-${line} on ${id}` }).waitFor();
        // Seen while the script still runs, and before the lines that follow.
        expect(await outputOf(id).textContent()).not.toContain(`line-${line + 2}`);
        expect(await card(id).locator('[data-status]').getAttribute('data-status')).toBe('Running');
      }
      expect(await page.locator('[data-aggregate-status]').getAttribute('data-aggregate-status')).toBe('Running');
      if (line === 2) await screenshot('console-live-output.png', true);
    }
    for (const id of ids) await statusOf(id, 'Success').waitFor();
    await aggregate('Success').waitFor();
    for (const id of ids) {
      expect(await outputOf(id).textContent()).toBe([1, 2, 3, 4, 5].map((i) => `line-${i} on ${id}\n`).join(''));
    }

    // Half a laptop screen: everything reachable without sideways scrolling of the page.
    await page.setViewportSize(HALF_SCREEN);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await screenshot('console-half-screen.png', true);
    await page.setViewportSize(LAPTOP);
  });

  it('stops a running invocation and shows Terminated', async () => {
    const ids = casim.instanceIds;
    const invokeId = await runScript('echo started; sleep 120; echo never', ids);
    for (const id of ids) await outputOf(id).filter({ hasText: 'started' }).waitFor();
    await page.getByRole('button', { name: 'Stop invocation' }).click();
    for (const id of ids) await statusOf(id, 'Terminated').waitFor();
    await aggregate('Stopped').waitFor();
    const { Invocation } = await casim.api.call<{ Invocation: { InvocationResults: { InvocationResult: Array<{ InvocationStatus: string }> } } }>(
      'DescribeInvocationResults',
      { InvokeId: invokeId },
    );
    expect(Invocation.InvocationResults.InvocationResult.map((r) => r.InvocationStatus)).toEqual(['Terminated', 'Terminated']);
    await openSection('Invocations');
    await page.locator(`tr[data-invoke-id="${invokeId}"]`).getByText('Stopped').waitFor();
    await screenshot('console-invocations.png');
  });

  it('runs a schedule with RepeatMode Period, moves the simulated clock and lists the history of runs', async () => {
    const [first] = casim.instanceIds;
    await openSection('Run');
    await page.getByLabel('Script', { exact: true }).fill('echo tick');
    await page.getByRole('checkbox', { name: first }).check();
    await page.getByLabel('RepeatMode').selectOption('Period');
    await page.getByLabel('Frequency').fill('rate(30m)');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/#\/invocations\/t-/);
    const invocationUrl = page.url();
    await page.getByRole('region', { name: 'History of runs' }).waitFor();

    await openSection('Clock');
    const before = await page.locator('.clock-now').textContent();
    await page.getByLabel('Seconds to advance').fill('1800');
    await page.getByRole('button', { name: 'Advance' }).click();
    await page.locator('.clock-now').filter({ hasNotText: before ?? '' }).waitFor();

    await page.goto(invocationUrl);
    const history = page.getByRole('region', { name: 'History of runs' });
    await history.locator('tbody tr').filter({ hasText: 'Success' }).first().waitFor();
    expect(await history.locator('tbody tr').first().textContent()).toContain('tick');
    await page.getByRole('button', { name: 'Stop invocation' }).click();
    await page.getByRole('button', { name: 'Stop invocation' }).waitFor({ state: 'hidden' });
  });

  it('sends a file to an instance (the local agents write on this machine)', async () => {
    const [first] = casim.instanceIds;
    const dir = mkdtempSync(join(tmpdir(), 'casim-console-send-'));
    try {
      await openSection('Send file');
      await page.getByRole('checkbox', { name: first }).check();
      await page.getByLabel('File name').fill('motd.txt');
      await page.getByLabel('Target directory').fill(dir);
      await page.getByLabel('File mode').fill('0640');
      await page.getByLabel('File content').fill('hello from the console\n');
      await page.getByRole('button', { name: 'Send file' }).click();
      const sent = page.locator('tr[data-invoke-id^="f-"]').filter({ hasText: `${dir}/motd.txt` });
      await sent.waitFor();
      await page.getByRole('button', { name: 'Refresh file sends' }).click();
      await sent.getByText('Success').first().waitFor();
      expect(readFileSync(join(dir, 'motd.txt'), 'utf8')).toBe('hello from the console\n');
      expect(statSync(join(dir, 'motd.txt')).mode & 0o777).toBe(0o640);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows the clock because the server has time control, and no faults panel without the endpoint', async () => {
    const nav = page.getByRole('navigation', { name: 'Console sections' });
    expect(await nav.getByRole('link', { name: 'Clock' }).isVisible()).toBe(true);
    expect(await nav.getByRole('link', { name: 'Faults' }).isVisible()).toBe(false);
  });

  it('shows the faults panel when /casim/admin/faults answers, its content as text', async () => {
    // Another component serves the endpoint; here the browser answers for it.
    await page.route('**/casim/admin/faults', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ Faults: [{ Kind: 'drop-output', Instance: '<b onmouseover=alert(1)>mi-x</b>', Probability: 0.5 }] }) }),
    );
    await page.reload();
    const link = page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Faults' });
    await link.waitFor();
    await link.click();
    await page.getByText('<b onmouseover=alert(1)>mi-x</b>', { exact: true }).waitFor();
    await page.getByText('drop-output', { exact: true }).waitFor();
    expect(await page.locator('main b').count()).toBe(0);
    await page.unroute('**/casim/admin/faults');
  });

  it('had no page errors and no Content-Security-Policy refusals', () => {
    expect(pageProblems).toEqual([]);
  });
});
