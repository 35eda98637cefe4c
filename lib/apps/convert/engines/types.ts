import type { EngineName, Format } from './formats.ts';

// What every engine is given and returns. Engines read a file and write a file (never a whole upload in memory
// where the format allows streaming), stop when `signal` aborts, and refuse bad input with a ConversionError
// naming the reason instead of throwing whatever their library threw.

export type FailureReason =
  | 'CorruptInput'
  | 'TypeMismatch'
  | 'UnsupportedPair'
  | 'InputTooLarge'
  | 'Timeout'
  | 'EngineUnavailable'
  | 'EngineFailed'
  | 'Cancelled';

export class ConversionError extends Error {
  constructor(
    readonly reason: FailureReason,
    message: string,
  ) {
    super(message);
    this.name = 'ConversionError';
  }
}

/** Image options (the others ignore what they do not know). */
export interface ConvertOptions {
  /** Resize to at most this width (px), keeping the aspect ratio. */
  width?: number;
  height?: number;
  /** Encoder quality 1–100 (jpeg, webp, avif). */
  quality?: number;
  /** Keep EXIF/ICC/XMP metadata (stripped by default). */
  keepMetadata?: boolean;
  /** CSV delimiter (default `,`). */
  delimiter?: string;
}

export interface ConvertRequest {
  inputPath: string;
  from: Format;
  to: Format;
  options: ConvertOptions;
  /** Where the engine may write (its output and scratch files). */
  workDir: string;
  signal: AbortSignal;
  /** Hard limit on the engine's run. */
  timeoutMs: number;
  /** 0–100, as far as the engine can tell. */
  onProgress?: (percent: number) => void;
}

export interface ConvertResult {
  outputPath: string;
  engine: EngineName;
  /** The engine's library and version, as the attestation names it (`sharp 0.35.5 / libvips 8.18.7`). */
  engineVersion: string;
}

export interface Engine {
  name: EngineName;
  /** Whether it can run here (LibreOffice may not be installed), and if not why. */
  available(): Promise<{ ok: boolean; version: string; problem?: string }>;
  convert(req: ConvertRequest): Promise<ConvertResult>;
}
