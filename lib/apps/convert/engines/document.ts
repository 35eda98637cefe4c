import { readFile, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Marked } from 'marked';
import type { Browser } from 'playwright-core';
import { EXTENSIONS } from './formats.ts';
import { ConversionError, type ConvertRequest, type ConvertResult, type Engine } from './types.ts';

// Markdown → HTML with marked; Markdown and HTML → PDF with Debian's Chromium, one browser process per conversion
// (killed at the time limit, its V8 heap capped). The page runs no scripts and every request it makes — network,
// file://, anything — is refused, so a document cannot read the node's files or call out while it is printed.

export const CHROMIUM = process.env.ENTROOS_CHROMIUM ?? '/usr/bin/chromium';
export const MAX_DOCUMENT_BYTES = 32 * 2 ** 20;
const markedVersion = '18.2.1';
const marked = new Marked({ gfm: true, async: false });

const STYLE = `body{font-family:sans-serif;line-height:1.5;max-width:48rem;margin:2rem auto;padding:0 1rem}
pre,code{font-family:monospace;background:#f4f4f4}pre{padding:.5rem;overflow:auto}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.25rem .5rem}img{max-width:100%}`;

export function markdownToHtml(markdown: string, title = 'document'): string {
  const body = marked.parse(markdown) as string;
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>\n${body}</body></html>\n`;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

let chromiumVersion: string | undefined;

export const documentEngine: Engine = {
  name: 'document',
  async available() {
    if (!existsSync(CHROMIUM))
      return { ok: false, version: `marked ${markedVersion}`, problem: `${CHROMIUM} is not installed (PDF output)` };
    return { ok: true, version: `marked ${markedVersion} / chromium` };
  },
  async convert(req: ConvertRequest): Promise<ConvertResult> {
    const size = (await stat(req.inputPath)).size;
    if (size > MAX_DOCUMENT_BYTES)
      throw new ConversionError(
        'InputTooLarge',
        `the ${req.from} file is ${size} bytes, more than the limit of ${MAX_DOCUMENT_BYTES}`,
      );
    const text = await readFile(req.inputPath, 'utf8');
    const html = req.from === 'markdown' ? markdownToHtml(text) : text;
    req.onProgress?.(20);
    const outputPath = join(req.workDir, `output.${EXTENSIONS[req.to]}`);
    if (req.to === 'html') {
      await writeFile(outputPath, html);
      req.onProgress?.(100);
      return { outputPath, engine: 'document', engineVersion: `marked ${markedVersion}` };
    }
    await printPdf(html, outputPath, req);
    req.onProgress?.(100);
    return {
      outputPath,
      engine: 'document',
      engineVersion: `marked ${markedVersion} / ${chromiumVersion ?? 'chromium'}`,
    };
  },
};

async function printPdf(html: string, outputPath: string, req: ConvertRequest): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new ConversionError('EngineUnavailable', `PDF output needs Chromium at ${CHROMIUM}`);
  let browser: Browser | undefined;
  const kill = () => void browser?.close().catch(() => undefined);
  const timer = setTimeout(kill, req.timeoutMs);
  req.signal.addEventListener('abort', kill, { once: true });
  try {
    // Loaded on first use: it takes half a second, which a server that never prints should not spend at start.
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      timeout: req.timeoutMs,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
        '--renderer-process-limit=1',
        '--js-flags=--max-old-space-size=256',
      ],
    });
    chromiumVersion = `chromium ${browser.version()}`;
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    await context.route('**/*', (route) => route.abort('blockedbyclient'));
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load', timeout: req.timeoutMs });
    req.onProgress?.(60);
    await page.pdf({
      path: outputPath,
      format: 'A4',
      printBackground: true,
      margin: { top: '1.5cm', bottom: '1.5cm', left: '1.5cm', right: '1.5cm' },
    });
  } catch (err) {
    if (req.signal.aborted) throw new ConversionError('Cancelled', 'the conversion was cancelled');
    if (err instanceof ConversionError) throw err;
    const message = (err as Error).message.split('\n')[0];
    if (/timeout|closed|Target page/i.test(message))
      throw new ConversionError('Timeout', `Chromium did not finish printing within ${req.timeoutMs} ms (${message})`);
    throw new ConversionError('EngineFailed', `Chromium failed: ${message}`);
  } finally {
    clearTimeout(timer);
    req.signal.removeEventListener('abort', kill);
    await browser?.close().catch(() => undefined);
  }
}
