/** Entry point: config from the environment, start, stop on signals. */
import { startApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { exitOnProgrammerErrors } from './crash-policy.js';
import { createLogger } from './observability/logger.js';
import { exitOnSignals } from './shutdown.js';

try {
  const config = loadConfig();
  const log = createLogger(config.logLevel, config.nodeId);
  exitOnProgrammerErrors(log);
  const app = await startApp(config, { logger: log });
  exitOnSignals(app);
  // SIGHUP: reload the content-screening word lists here and on every node (no restart).
  process.on('SIGHUP', () => {
    try {
      app.screen.reloadEverywhere('SIGHUP');
    } catch {
      // Logged by the screen; the lists in force stay.
    }
  });
} catch (err) {
  const message = err instanceof ConfigError ? `configuration error: ${err.message}` : String(err);
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
