// The voter page's prover (components/apps/voting/voter-app.tsx): a Web Worker that proves a vote with the
// browser build of snarkjs and the committed voting circuit, so the page stays responsive meanwhile. It receives
// the circuit input (the secret is in it: it never leaves this browser) and answers the proof and public signals.
/* global snarkjs */
importScripts('/vendor/snarkjs.min.js');

self.onmessage = async (event) => {
  const started = performance.now();
  try {
    self.postMessage({ type: 'progress', stage: 'Loading the circuit' });
    const logger = {
      debug: () => undefined,
      info: (message) => {
        if (typeof message === 'string' && /witness|wtns/i.test(message))
          self.postMessage({ type: 'progress', stage: 'Computing the witness' });
        else if (typeof message === 'string' && /prov|MSM|FFT|multiexp/i.test(message))
          self.postMessage({ type: 'progress', stage: 'Proving' });
      },
      warn: () => undefined,
      error: () => undefined,
    };
    const { proof, publicSignals } = await snarkjs.groth16.fullProve(
      event.data.input,
      '/zk/voting.wasm',
      '/zk/voting.zkey',
      logger,
    );
    self.postMessage({ type: 'done', proof, publicSignals, ms: performance.now() - started });
  } catch (err) {
    self.postMessage({ type: 'error', message: String((err && err.message) || err) });
  }
};
