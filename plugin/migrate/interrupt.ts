// Ctrl-C (or SIGTERM) while migrate changes things: the first signal aborts the artifact copy
// (multipart uploads are aborted, nothing half-written becomes visible) and stops before the next
// namespace, so every namespace stays fully old or fully new; a namespace whose writes already
// began is finished first (a few requests). A second signal quits at once.
export const EXIT_INTERRUPTED = 130;

export interface Interrupt {
  readonly signal: AbortSignal;
  dispose(): void;
}

export function onInterrupt(say: (line: string) => void): Interrupt {
  const controller = new AbortController();
  const handler = (sig: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
    say(`\ninterrupted (${sig}): stopping after the current step; namespaces not reached stay as they were (${sig === 'SIGINT' ? 'Ctrl-C' : 'signal'} again to quit at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
