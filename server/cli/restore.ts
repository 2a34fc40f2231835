import { runRestoreCommand } from './restore-command.js';

const { exitCode, output } = await runRestoreCommand(process.argv.slice(2));
(exitCode === 0 ? process.stdout : process.stderr).write(`${output}\n`);
process.exit(exitCode);
