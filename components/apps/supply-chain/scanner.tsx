'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import Link from 'next/link';
import jsQR from 'jsqr';
import { parseBatchCode } from '@/lib/apps/supply-chain/batch-code.ts';
import type { PublicVerdict } from '@/lib/apps/supply-chain/public.ts';
import { PublicVerdictView } from './public-verdict';
import { verdictUrl, verifyPage } from './links';

// The phone-side scanner: decodes a batch's QR code in the browser (the camera, or a photo of the code) and shows
// the batch's public verdict under it, asked from the server as JSON — the same publicVerdict the page the code
// opens renders. Decoding runs on the main thread with jsQR on a downscaled frame: a few tens of milliseconds, so
// a scan reaches its verdict well within a second.

type Outcome =
  | { step: 'idle' }
  | { step: 'checking' }
  | { step: 'verdict'; verdict: PublicVerdict; ms: number }
  | { step: 'problem'; title: string; message: string; ms?: number };

/** Camera frames are decoded at this width: enough for a code filling a fifth of the frame, cheap to scan. */
const FRAME_WIDTH = 640;
/** How often a camera frame is decoded. */
const FRAME_INTERVAL_MS = 150;
/** Photos are tried at these sizes of their longer side (a small code in a large photo needs the larger one). */
const PHOTO_SIDES = [1024, 2048];

function decode(source: CanvasImageSource, width: number, height: number, canvas: HTMLCanvasElement, full: boolean) {
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return null;
  ctx.drawImage(source, 0, 0, width, height);
  const { data } = ctx.getImageData(0, 0, width, height);
  // A photo is decoded once, so it may also try the inverted image (light code on dark); camera frames keep to
  // the common case and come again 150 ms later.
  return jsQR(data, width, height, { inversionAttempts: full ? 'attemptBoth' : 'dontInvert' })?.data ?? null;
}

async function decodePhoto(file: Blob, canvas: HTMLCanvasElement): Promise<string | null> {
  const bitmap = await createImageBitmap(file);
  try {
    const longer = Math.max(bitmap.width, bitmap.height);
    for (const side of PHOTO_SIDES) {
      const scale = Math.min(1, side / longer);
      const text = decode(bitmap, Math.round(bitmap.width * scale), Math.round(bitmap.height * scale), canvas, true);
      if (text !== null || scale === 1) return text;
    }
    return null;
  } finally {
    bitmap.close();
  }
}

function cameraProblem(err: unknown): string {
  const name = err instanceof DOMException ? err.name : '';
  if (name === 'NotAllowedError') return 'Camera access was refused. Choose a photo of the code instead.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return 'No camera was found. Choose a photo of the code instead.';
  return `The camera could not be started (${err instanceof Error ? err.message : String(err)}). Choose a photo of the code instead.`;
}

export function Scanner() {
  const [outcome, setOutcome] = useState<Outcome>({ step: 'idle' });
  const [camera, setCamera] = useState(false);
  const [dragging, setDragging] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const stream = useRef<MediaStream | null>(null);
  const frame = useRef(0);

  const stopCamera = useCallback(() => {
    cancelAnimationFrame(frame.current);
    for (const track of stream.current?.getTracks() ?? []) track.stop();
    stream.current = null;
    setCamera(false);
  }, []);
  useEffect(() => stopCamera, [stopCamera]);

  const canvasEl = () => (canvas.current ??= document.createElement('canvas'));

  /** From decoded text to a verdict on screen; `started` is when the scan began (performance.now()). */
  const check = useCallback(async (text: string | null, started: number) => {
    const elapsed = () => Math.round(performance.now() - started);
    if (text === null) {
      setOutcome({
        step: 'problem',
        title: 'No code found',
        message: 'No QR code was found in this picture. Try a sharper, closer photo.',
      });
      return;
    }
    const code = parseBatchCode(text, window.location.origin);
    if (code.kind === 'invalid') {
      setOutcome({
        step: 'problem',
        title: '✗ Not verified',
        message: 'This QR code is not a batch code of this verifier.',
      });
      return;
    }
    if (code.kind === 'foreign') {
      setOutcome({
        step: 'problem',
        title: '✗ Not verified',
        message: `This batch code belongs to another server (${code.host}), which this one cannot vouch for.`,
      });
      return;
    }
    setOutcome({ step: 'checking' });
    try {
      const res = await fetch(verdictUrl(code.namespace, code.name), { cache: 'no-store' });
      if (!res.ok) throw new Error(`the server answered ${res.status}`);
      setOutcome({ step: 'verdict', verdict: (await res.json()) as PublicVerdict, ms: elapsed() });
    } catch (err) {
      setOutcome({
        step: 'problem',
        title: 'Could not check',
        message: `The code was read, but the batch could not be checked: ${err instanceof Error ? err.message : String(err)}.`,
        ms: elapsed(),
      });
    }
  }, []);

  const scanPhoto = useCallback(
    async (file: File | undefined) => {
      if (!file) return;
      stopCamera();
      const started = performance.now();
      setOutcome({ step: 'checking' });
      let text: string | null;
      try {
        text = await decodePhoto(file, canvasEl());
      } catch {
        setOutcome({ step: 'problem', title: 'No code found', message: `${file.name} could not be read as an image.` });
        return;
      }
      await check(text, started);
    },
    [check, stopCamera],
  );

  const startCamera = useCallback(async () => {
    if (!navigator.mediaDevices?.getUserMedia) {
      setOutcome({
        step: 'problem',
        title: 'No camera',
        message: 'This browser offers no camera here (it needs a secure, https connection). Choose a photo instead.',
      });
      return;
    }
    try {
      stream.current = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: { ideal: 'environment' } },
        audio: false,
      });
    } catch (err) {
      setOutcome({ step: 'problem', title: 'No camera', message: cameraProblem(err) });
      return;
    }
    setOutcome({ step: 'idle' });
    setCamera(true);
    const el = video.current;
    if (!el) return stopCamera();
    el.srcObject = stream.current;
    await el.play();
    let last = 0;
    const tick = (now: number) => {
      if (!stream.current) return;
      if (now - last >= FRAME_INTERVAL_MS && el.readyState >= el.HAVE_ENOUGH_DATA && el.videoWidth > 0) {
        last = now;
        const width = Math.min(FRAME_WIDTH, el.videoWidth);
        const text = decode(el, width, Math.round((el.videoHeight * width) / el.videoWidth), canvasEl(), false);
        if (text !== null) {
          stopCamera();
          void check(text, now);
          return;
        }
      }
      frame.current = requestAnimationFrame(tick);
    };
    frame.current = requestAnimationFrame(tick);
  }, [check, stopCamera]);

  return (
    <>
      <div className="row" style={{ gap: 8, flexWrap: 'wrap' }}>
        {camera ? (
          <button type="button" className="btn" onClick={stopCamera}>
            Stop the camera
          </button>
        ) : (
          <button type="button" className="btn btn-primary" onClick={() => void startCamera()}>
            Scan with the camera
          </button>
        )}
      </div>
      <video
        ref={video}
        muted
        playsInline
        aria-label="Camera view: point it at a batch's QR code"
        style={{ display: camera ? 'block' : 'none', width: '100%', marginTop: 12, borderRadius: 8 }}
      />
      <label
        data-testid="sc-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void scanPhoto(e.dataTransfer.files[0]);
        }}
        className="panel"
        style={{
          display: 'block',
          marginTop: 12,
          borderStyle: 'dashed',
          borderColor: dragging ? 'var(--accent)' : undefined,
          cursor: 'pointer',
        }}
      >
        <span style={{ display: 'block', marginBottom: 8 }}>Or choose a photo of the code (or drop it here)</span>
        <input
          type="file"
          accept="image/*"
          onChange={(e) => {
            void scanPhoto(e.target.files?.[0]);
            e.target.value = '';
          }}
          style={{ maxWidth: '100%' }}
        />
      </label>
      <div aria-live="polite" data-testid="sc-scan-result" style={{ marginTop: 16 }}>
        {outcome.step === 'checking' && <p className="muted">Checking…</p>}
        {outcome.step === 'problem' && (
          <section className="panel" data-testid="sc-scan-problem" style={{ borderColor: 'var(--danger)' }}>
            <p style={{ fontWeight: 600, color: 'var(--danger)', margin: 0 }}>{outcome.title}</p>
            <p>{outcome.message}</p>
          </section>
        )}
        {outcome.step === 'verdict' && (
          <>
            <PublicVerdictView v={outcome.verdict} level={2} />
            <p className="muted" data-testid="sc-scan-ms" data-ms={outcome.ms}>
              Checked in {outcome.ms} ms.{' '}
              <Link href={verifyPage(outcome.verdict.namespace, outcome.verdict.name)}>Open the verification page</Link>
            </p>
          </>
        )}
      </div>
    </>
  );
}
