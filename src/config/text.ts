/** Shared helpers for reading configuration text safely. */

/** Files larger than this are not parsed: a finding says so. Real configuration is far smaller. */
export const MAX_CONFIG_FILE_BYTES = 5 * 1024 * 1024;

export interface DecodedText {
  text: string;
  /** Why the bytes are not usable text, if they are not. */
  problem?: string;
}

/** Decodes UTF-8 strictly; binary content (NUL bytes) and invalid UTF-8 are reported, not guessed. */
export function decodeConfigText(bytes: Uint8Array): DecodedText {
  if (bytes.includes(0)) return { text: '', problem: 'it contains NUL bytes (a binary file)' };
  try {
    let text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { text };
  } catch {
    return { text: '', problem: 'it is not valid UTF-8' };
  }
}

/** 1-based line and column of an offset. `lineStarts` from `lineStartOffsets`. */
export function positionAt(lineStarts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
}

export function lineStartOffsets(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}
