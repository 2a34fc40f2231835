import { runReplayCommand } from './replay-command.js';

const { exitCode, output } = await runReplayCommand(process.argv.slice(2));
(exitCode === 0 ? process.stdout : process.stderr).write(`${output}\n`);
process.exit(exitCode);
