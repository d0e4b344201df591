/** Progress on long steps, so a run that takes minutes never looks hung. */
export interface Progress {
  /** Starts a named step; returns a function that ends it. */
  step(title: string): () => void;
  info(message: string): void;
}

export const silentProgress: Progress = { step: () => () => {}, info: () => {} };

/** Progress for the CLI: lines on stderr with elapsed seconds. */
export function stderrProgress(write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Progress {
  return {
    step(title) {
      const started = Date.now();
      write(`▶ ${title}`);
      return () => write(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${title}`);
    },
    info: (message) => write(`  ${message}`),
  };
}
