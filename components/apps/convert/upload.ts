// A small tus 1.0.0 client for the browser: creates the upload, then PATCHes it chunk by chunk from the File (a
// Blob slice at a time, never the whole file in memory), asking the server's offset first so an interrupted
// upload resumes where it stopped. The last PATCH answers the file's digest.

const UPLOADS = '/apis/entroos.io/v1/files/uploads';
const CHUNK = 8 * 2 ** 20;
const TUS = { 'Tus-Resumable': '1.0.0' };

const b64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));

export async function tusUpload(
  file: File,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<string> {
  const created = await fetch(UPLOADS, {
    method: 'POST',
    credentials: 'same-origin',
    signal,
    headers: { ...TUS, 'Upload-Length': String(file.size), 'Upload-Metadata': `filename ${b64(file.name)}` },
  });
  if (created.status !== 201) throw new Error(await failure(created));
  const location = created.headers.get('location') ?? '';
  // An empty file is complete at creation.
  if (file.size === 0)
    return created.headers.get('upload-digest') ?? Promise.reject(new Error('empty upload not stored'));
  let digest = '';
  for (let attempt = 0; attempt < 5;) {
    const head = await fetch(location, { method: 'HEAD', credentials: 'same-origin', signal, headers: TUS });
    const offset = Number(head.headers.get('upload-offset') ?? 0);
    if (offset >= file.size && digest) break;
    const res = await fetch(location, {
      method: 'PATCH',
      credentials: 'same-origin',
      signal,
      headers: { ...TUS, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
      body: file.slice(offset, offset + CHUNK),
    }).catch((err: unknown) => {
      if (signal?.aborted) throw err;
      return undefined; // a dropped connection: resume from the server's offset
    });
    if (!res || res.status !== 204) {
      attempt++;
      if (res && res.status < 500 && res.status !== 409) throw new Error(await failure(res));
      continue;
    }
    const next = Number(res.headers.get('upload-offset') ?? offset);
    onProgress(file.size ? next / file.size : 1);
    digest = res.headers.get('upload-digest') ?? digest;
    if (next >= file.size) break;
  }
  if (!digest) throw new Error(`the upload of ${file.name} did not complete`);
  return digest;
}

async function failure(res: Response): Promise<string> {
  const text = await res.text();
  try {
    return (JSON.parse(text) as { message?: string }).message ?? text;
  } catch {
    return text || `HTTP ${res.status}`;
  }
}
