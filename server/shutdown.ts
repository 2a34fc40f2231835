import type { RunningApp } from './app.js';

/**
 * On SIGTERM or SIGINT, stops the app in order (see RunningApp.close) and exits; a second
 * signal, or a stop taking longer than `timeoutMs`, exits at once.
 */
export function exitOnSignals(app: RunningApp, timeoutMs = 10_000): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1);
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    setTimeout(() => {
      app.log.error('shutdown timed out');
      process.exit(1);
    }, timeoutMs).unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
