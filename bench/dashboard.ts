// npm run bench:dashboard — the pods page in Debian Chromium with BENCH_PODS
// pods (default 100,000): first render, filter latency, scrolling frame
// intervals, and click latency and long tasks while BENCH_CHANGES_PER_S pod
// changes per second (default 1,000) stream in over the page's socket.
// Then any kind's list (BENCH_CONFIGMAPS ConfigMaps) and the YAML editor opened
// on a 500-line Deployment. The server's event-loop delay and GC pauses over the
// first render and over the streaming window are reported too (issue #22).
// Last line: one JSON object.
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS } from '../playwright.config.ts';
import { stringify } from 'yaml';
import { describePauses, machine, pauseKeys, percentile, round, serverPauses, startBenchServer } from './lib.ts';

const PODS = Number(process.env.BENCH_PODS ?? 100_000);
const RATE = Number(process.env.BENCH_CHANGES_PER_S ?? 1000);
const STREAM_SECONDS = Number(process.env.BENCH_STREAM_SECONDS ?? 20);
const CLICKS = Number(process.env.BENCH_CLICKS ?? 20);
const CONFIGMAPS = Number(process.env.BENCH_CONFIGMAPS ?? 10_000);
const PASSWORD = 'bench-admin-password';
const YAML_EDITOR_RUNS = Number(process.env.BENCH_YAML_EDITOR_RUNS ?? 5);

// Runs in the object page from its first script: once the page shows the object (its read-only YAML view holds
// the whole text), clicks Edit and records how long until the editable editor holds the text, at the next frame
// (its view is on the editor's root, `yamlEditorView`); and when that was, from navigation start.
const OPEN_EDITOR_SCRIPT = `globalThis.__name = (f) => f;
(() => {
  const lines = (selector) => {
    const root = document.querySelector(selector);
    const view = root && root.yamlEditorView;
    return view ? view.state.doc.lines : 0;
  };
  let clickedAt = 0;
  const poll = () => {
    if (!clickedAt && lines('[data-testid="cr-yaml"] .cm-editor') >= 500) {
      const edit = [...document.querySelectorAll('main button')].find((b) => b.textContent === 'Edit');
      if (edit) { clickedAt = performance.now(); edit.click(); }
    }
    if (clickedAt && lines('form[aria-label^="Edit Deployment"] .cm-editor') >= 500) {
      requestAnimationFrame(() => {
        window.benchEditorReady = performance.now();
        window.benchEditorOpen = window.benchEditorReady - clickedAt;
      });
      return;
    }
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
})();`;

/** A Deployment whose YAML (as the editor shows it) is at least 500 lines: many environment variables. */
async function createLongDeployment(url: string, headers: Record<string, string>): Promise<number> {
  const env = Array.from({ length: 240 }, (_, i) => ({ name: `SETTING_${i}`, value: `value-${i}` }));
  const res = await fetch(`${url}/apis/apps/v1/namespaces/default/deployments`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      metadata: { name: 'bench-yaml', labels: { app: 'bench-yaml' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'bench-yaml' } },
        template: {
          metadata: { labels: { app: 'bench-yaml' } },
          spec: { schedulerName: 'bench', containers: [{ name: 'c', image: 'busybox:1.36', env }] },
        },
      },
    }),
  });
  if (res.status !== 201) throw new Error(`bench-yaml: ${res.status} ${await res.text()}`);
  const created = (await res.json()) as { metadata: Record<string, unknown> };
  const { managedFields: _m, ...metadata } = created.metadata;
  return stringify({ ...created, metadata }).split('\n').length;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** Sets the search box and resolves with the ms until the pods count shows `expected` (measured in the page). */
function filterLatency(page: Page, text: string, expected: string): Promise<number> {
  return page.evaluate(
    ([value, want]) =>
      new Promise<number>((resolve, reject) => {
        const input = document.querySelector<HTMLInputElement>('#q')!;
        const count = document.querySelector('[data-testid="pods-count"]')!;
        const start = performance.now();
        const done = () => requestAnimationFrame(() => resolve(performance.now() - start));
        const observer = new MutationObserver(() => {
          if (count.textContent?.startsWith(want)) {
            observer.disconnect();
            done();
          }
        });
        observer.observe(count, { childList: true, characterData: true, subtree: true });
        setTimeout(
          () => reject(new Error(`the count never showed "${want}" (it shows "${count.textContent}")`)),
          30_000,
        );
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, value);
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }),
    [text, expected] as const,
  );
}

async function main() {
  console.log(`bench:dashboard on ${machine()}; ${PODS} pods, ${RATE} changes/s for ${STREAM_SECONDS} s`);
  const server = await startBenchServer({
    ENTROOS_NODES: '0',
    ENTROOS_DEMO: 'false',
    ENTROOS_ADMIN_PASSWORD: PASSWORD,
  });
  const headers = { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' };
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  try {
    // 1. The pods (no scheduler acts on schedulerName "bench": they stay Pending).
    const created = performance.now();
    await pool(
      Array.from({ length: PODS }, (_, i) => i),
      64,
      async (i) => {
        const res = await fetch(`${server.url}/api/v1/namespaces/default/pods`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            metadata: { name: `pod-${i}`, labels: { app: `bench-${i % 50}` } },
            spec: { schedulerName: 'bench', containers: [{ name: 'c', image: 'busybox:1.36' }] },
          }),
        });
        if (res.status !== 201) throw new Error(`pod-${i}: ${res.status} ${await res.text()}`);
      },
    );
    console.log(`${PODS} pods created in ${round((performance.now() - created) / 1000)} s`);

    // 2. First render: navigation start → the table shows every pod.
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    // tsx compiles the functions handed to page.evaluate with esbuild's __name helper; give the page one.
    await page.addInitScript('globalThis.__name = (f) => f;');
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('current-user').waitFor();
    const renderWindow = await serverPauses(server);
    await page.goto(`${server.url}/pods`);
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid="pods-count"]')?.textContent?.startsWith(`${n} of ${n}`),
      PODS,
      { timeout: 120_000, polling: 10 },
    );
    const renderPauses = await renderWindow();
    const firstRender = round(await page.evaluate(() => performance.now()));
    const stages = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const list = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((e) =>
        /\/rows\/pods(\?|$)/.test(e.name),
      );
      return {
        html: nav.responseEnd,
        listStart: list?.requestStart ?? 0,
        listFirstByte: list?.responseStart ?? 0,
        listEnd: list?.responseEnd ?? 0,
        listBytes: list?.encodedBodySize ?? 0,
        listJson: list?.decodedBodySize ?? 0,
      };
    });
    console.log(
      `first render of ${PODS} pods: ${firstRender} ms (page HTML at ${round(stages.html)} ms; list requested at ${round(stages.listStart)} ms, first byte ${round(stages.listFirstByte)} ms, last byte ${round(stages.listEnd)} ms; ${round(stages.listJson / 2 ** 20)} MiB of JSON, ${round(stages.listBytes / 2 ** 20)} MiB compressed)`,
    );
    console.log(`  server during the first render: ${describePauses(renderPauses)}`);

    // 3. Filtering as you type: one pod, back to all, a prefix.
    const target = Math.floor(PODS / 2);
    const prefix = `pod-${String(target).slice(0, 2)}`;
    const prefixCount = Array.from({ length: PODS }, (_, i) => `pod-${i}`).filter((n) => n.includes(prefix)).length;
    const filters = [
      await filterLatency(page, `pod-${target}`, `1 of ${PODS}`),
      await filterLatency(page, '', `${PODS} of ${PODS}`),
      await filterLatency(page, prefix, `${prefixCount} of ${PODS}`),
    ];
    await filterLatency(page, '', `${PODS} of ${PODS}`);
    const filterMs = round(Math.max(...filters));
    console.log(`filter: ${filters.map((f) => round(f)).join(', ')} ms (one pod, all again, "${prefix}")`);

    // 4. Scrolling: the table scrolled by 10 rows a frame for 300 frames, from the top; frame intervals measured in the page.
    const scroll = await page.evaluate(
      () =>
        new Promise<{ p95: number; max: number; frames: number }>((resolve) => {
          const box = document.querySelector<HTMLElement>('.virtual-table')!;
          box.scrollTop = 0;
          const gaps: number[] = [];
          let last = performance.now();
          const step = () => {
            const now = performance.now();
            gaps.push(now - last);
            last = now;
            if (gaps.length >= 300) {
              gaps.sort((a, b) => a - b);
              resolve({ p95: gaps[Math.floor(gaps.length * 0.95)], max: gaps[gaps.length - 1], frames: gaps.length });
              return;
            }
            box.scrollTop += 370;
            requestAnimationFrame(step);
          };
          requestAnimationFrame(step);
        }),
    );
    console.log(
      `scrolling ${scroll.frames} frames: frame interval p95 ${round(scroll.p95)} ms, max ${round(scroll.max)} ms (16.7 ms is 60 fps)`,
    );

    // 5. Clicks and long tasks while pod changes stream in.
    await page.evaluate(() => {
      const w = window as unknown as { benchEvents: number[]; benchLongTasks: number[] };
      w.benchEvents = [];
      w.benchLongTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as PerformanceEventTiming[])
          if (e.name === 'click' || e.name === 'pointerup' || e.name === 'pointerdown') w.benchEvents.push(e.duration);
      }).observe({ type: 'event', durationThreshold: 16, buffered: false } as PerformanceObserverInit);
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.benchLongTasks.push(e.duration);
      }).observe({ type: 'longtask' });
    });
    const streamWindow = await serverPauses(server);
    let stop = false;
    let sent = 0;
    const writer = (async () => {
      const begin = performance.now();
      await pool(
        Array.from({ length: 32 }, (_, i) => i),
        32,
        async () => {
          while (!stop) {
            const due = begin + (sent / RATE) * 1000;
            const wait = due - performance.now();
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
            const i = (sent++ * 7919) % PODS;
            await fetch(`${server.url}/api/v1/namespaces/default/pods/pod-${i}`, {
              method: 'PATCH',
              headers: { ...headers, 'Content-Type': 'application/merge-patch+json' },
              body: JSON.stringify({ metadata: { annotations: { 'bench/tick': String(sent) } } }),
            }).then((r) => r.arrayBuffer());
          }
        },
      );
      return sent / ((performance.now() - begin) / 1000);
    })();
    await page.waitForTimeout(1000);
    const checkboxes = page.getByTestId('pods-table').getByRole('checkbox');
    const clickStart = performance.now();
    for (let i = 0; i < CLICKS; i++) {
      await checkboxes.nth(i % 10).click();
      await page.waitForTimeout(Math.max(100, (STREAM_SECONDS * 1000) / CLICKS - 100));
    }
    const streamed = (performance.now() - clickStart) / 1000;
    stop = true;
    const changesPerS = round(await writer);
    const streamPauses = await streamWindow();
    const { events, longTasks } = await page.evaluate(() => {
      const w = window as unknown as { benchEvents: number[]; benchLongTasks: number[] };
      return { events: w.benchEvents, longTasks: w.benchLongTasks };
    });
    // Event Timing reports only interactions over 16 ms: fewer entries than clicks means the rest were faster.
    const clickLatency = round(events.length ? Math.max(...events) : 16);
    const maxLongTask = round(longTasks.length ? Math.max(...longTasks) : 0);
    const sortedLong = [...longTasks].sort((a, b) => a - b);
    console.log(
      `while streaming ${changesPerS} changes/s for ${round(streamed)} s: ${CLICKS} clicks, slowest ${clickLatency} ms (${events.length} events of 16 ms or more; Event Timing reports nothing faster); long tasks: ${longTasks.length}, p50 ${round(percentile(sortedLong, 50) || 0)} ms, max ${maxLongTask} ms`,
    );
    console.log(`  server while streaming: ${describePauses(streamPauses)}`);
    const rows = await page.getByTestId('pods-table').locator('tbody tr').count();
    console.log(`rows in the DOM: ${rows} (of ${PODS})`);

    // 6. Any kind's list: CONFIGMAPS ConfigMaps on the generic list page, navigation start → the first rows drawn.
    const cmStart = performance.now();
    await pool(
      Array.from({ length: CONFIGMAPS }, (_, i) => i),
      64,
      async (i) => {
        const res = await fetch(`${server.url}/api/v1/namespaces/default/configmaps`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ metadata: { name: `cm-${i}`, labels: { app: `bench-${i % 50}` } }, data: { k: 'v' } }),
        });
        if (res.status !== 201) throw new Error(`cm-${i}: ${res.status} ${await res.text()}`);
      },
    );
    console.log(`${CONFIGMAPS} configmaps created in ${round((performance.now() - cmStart) / 1000)} s`);
    const cmPage = await page.context().newPage();
    await cmPage.addInitScript('globalThis.__name = (f) => f;');
    await cmPage.goto(`${server.url}/resources/core/v1/configmaps`);
    await cmPage.waitForFunction(
      () => document.querySelector('[data-testid="cr-table"] tbody tr td a') !== null,
      undefined,
      { timeout: 60_000, polling: 10 },
    );
    const anyKindFirstRender = round(await cmPage.evaluate(() => performance.now()));
    const cmStages = await cmPage.evaluate(() => {
      const list = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((e) =>
        /\/api\/v1\/configmaps\?/.test(e.name),
      );
      return { start: list?.requestStart ?? 0, end: list?.responseEnd ?? 0, bytes: list?.decodedBodySize ?? 0 };
    });
    const shownCount = await cmPage.getByTestId('cr-count').textContent();
    console.log(
      `generic list of ${CONFIGMAPS} configmaps: first rows at ${anyKindFirstRender} ms (list requested at ${round(cmStages.start)} ms, last byte ${round(cmStages.end)} ms, ${round(cmStages.bytes / 2 ** 20)} MiB); count "${shownCount}"`,
    );
    await cmPage.close();

    // 7. The YAML editor on a 500-line Deployment: Edit clicked on the object's page → the editable editor holding
    // the whole text, ready for input (and, for the record, navigation start → the same); the median of
    // YAML_EDITOR_RUNS page loads after one warm-up (the browser has the page's code cached, as when navigating).
    const yamlLines = await createLongDeployment(server.url, headers);
    const editorOpen: number[] = [];
    const pageToEditor: number[] = [];
    for (let run = 0; run <= YAML_EDITOR_RUNS; run++) {
      const edPage = await page.context().newPage();
      await edPage.addInitScript(OPEN_EDITOR_SCRIPT);
      await edPage.goto(`${server.url}/resources/apps/v1/deployments/default/bench-yaml`);
      await edPage.waitForFunction(() => 'benchEditorReady' in window, undefined, { timeout: 60_000, polling: 10 });
      const { open, ready } = await edPage.evaluate(() => {
        const w = window as unknown as { benchEditorReady: number; benchEditorOpen: number };
        return { open: w.benchEditorOpen, ready: w.benchEditorReady };
      });
      if (run > 0) {
        editorOpen.push(open);
        pageToEditor.push(ready);
      }
      await edPage.close();
    }
    const median = (xs: number[]) =>
      round(
        percentile(
          [...xs].sort((a, b) => a - b),
          50,
        ),
      );
    const yamlEditorOpen = median(editorOpen);
    console.log(
      `YAML editor on a ${yamlLines}-line Deployment: interactive ${editorOpen.map(round).join(', ')} ms after Edit (median ${yamlEditorOpen} ms); ${median(pageToEditor)} ms after navigation start (median)`,
    );
    console.log(
      JSON.stringify({
        pods: PODS,
        first_render_ms: firstRender,
        filter_ms: filterMs,
        click_latency_ms: clickLatency,
        max_long_task_ms: maxLongTask,
        changes_per_s: changesPerS,
        scroll_frame_p95_ms: round(scroll.p95),
        any_kind_list_10000_first_render_ms: anyKindFirstRender,
        yaml_editor_open_ms: yamlEditorOpen,
        ...pauseKeys('first_render_server', renderPauses),
        ...pauseKeys('stream_server', streamPauses),
      }),
    );
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
