// Ctrl-C (or SIGTERM) while migrate changes things: the first signal aborts the artifact copy
// (multipart uploads are aborted, nothing half-written becomes visible) and stops before the next
// namespace, so every namespace stays fully old or fully new; a namespace whose writes already
// began is finished first (a few requests). A second signal quits at once. Exit codes follow the
// shell's 128 + signal number: 130 for SIGINT, 143 for SIGTERM.
const EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

export interface Interrupt {
  readonly signal: AbortSignal;
  /** 128 + the number of the signal received (undefined before one arrives). */
  exitCode(): number | undefined;
  dispose(): void;
}

export function onInterrupt(say: (line: string) => void): Interrupt {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const handler = (sig: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(EXIT_CODES[sig] ?? 130);
    received = sig;
    say(
      `\ninterrupted (${sig}): stopping after the current step; namespaces not reached stay as they were (${sig === 'SIGINT' ? 'Ctrl-C' : 'signal'} again to quit at once)\n`,
    );
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    exitCode: () => (received === undefined ? undefined : (EXIT_CODES[received] ?? 130)),
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
