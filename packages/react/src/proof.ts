// Checking placement proofs in the browser: the server supplies the proof and the circuit's public verification key;
// snarkjs (its self-contained browser build, which EntroOS serves at /vendor/snarkjs.min.js) does the check in this
// tab, so the answer does not depend on trusting the server. snarkjs is loaded on first use only: it is ~700 KB and
// most pages never verify anything.

/** A proof as GET /apis/entroos.io/v1/proofs/{id} answers it (the fields a check needs). */
export interface ProofToVerify {
  circuit: string;
  vkeyId?: string;
  proof: unknown;
  publicSignals: string[];
}

export interface ProofCheck {
  valid: boolean;
  /** How long the pairing check took in this tab. */
  ms: number;
}

export type ProofVerifier = (proof: ProofToVerify) => Promise<ProofCheck>;

interface BrowserSnarkjs {
  groth16: { verify(vkey: unknown, publicSignals: string[], proof: unknown): Promise<boolean> };
}

const scripts = new Map<string, Promise<BrowserSnarkjs>>();

function loadScript(url: string): Promise<BrowserSnarkjs> {
  const existing = (globalThis as unknown as { snarkjs?: BrowserSnarkjs }).snarkjs;
  if (existing) return Promise.resolve(existing);
  let loading = scripts.get(url);
  if (!loading) {
    loading = new Promise<BrowserSnarkjs>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = url;
      script.async = true;
      script.onload = () => resolve((globalThis as unknown as { snarkjs: BrowserSnarkjs }).snarkjs);
      script.onerror = () => {
        scripts.delete(url);
        reject(new Error(`could not load the verifier (snarkjs) from ${url}`));
      };
      document.head.appendChild(script);
    });
    scripts.set(url, loading);
  }
  return loading;
}

export interface SnarkjsVerifierOptions {
  /** Where EntroOS serves the snarkjs browser build. Default `${server}/vendor/snarkjs.min.js`. */
  scriptUrl?: string;
  /** The circuit's verification key. Default: fetched from `${server}/zk/${circuit}.vkey.json`. */
  vkey?: (circuit: string) => Promise<unknown>;
}

/** A verifier that runs snarkjs' groth16 check in this tab. `server` is the EntroOS base URL ('' for same origin). */
export function snarkjsVerifier(server = '', options: SnarkjsVerifierOptions = {}): ProofVerifier {
  const base = server.replace(/\/+$/, '');
  const keys = new Map<string, Promise<unknown>>();
  const vkey =
    options.vkey ??
    (async (circuit: string) => {
      const response = await fetch(`${base}/zk/${encodeURIComponent(circuit)}.vkey.json`);
      if (!response.ok) throw new Error(`the server has no verification key for circuit "${circuit}"`);
      return response.json();
    });
  return async (p) => {
    const snarkjs = await loadScript(options.scriptUrl ?? `${base}/vendor/snarkjs.min.js`);
    let key = keys.get(p.circuit);
    if (!key) {
      key = vkey(p.circuit);
      keys.set(p.circuit, key);
      key.catch(() => keys.delete(p.circuit));
    }
    const loaded = await key;
    const started = performance.now();
    const valid = await snarkjs.groth16.verify(loaded, p.publicSignals, p.proof);
    return { valid, ms: performance.now() - started };
  };
}
