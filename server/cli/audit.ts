import { runAuditCommand } from './audit-command.js';

const { exitCode, output } = await runAuditCommand(process.argv.slice(2));
(exitCode === 0 ? process.stdout : process.stderr).write(`${output}\n`);
process.exit(exitCode);
