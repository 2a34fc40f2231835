/** Entry point: config from the environment, start, stop on signals. */
import { startApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { exitOnSignals } from './shutdown.js';

try {
  const config = loadConfig();
  const app = await startApp(config);
  exitOnSignals(app);
} catch (err) {
  const message = err instanceof ConfigError ? `configuration error: ${err.message}` : String(err);
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
