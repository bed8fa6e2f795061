import { Command, CommanderError } from 'commander';
import { VigilError, errorMessage, systemErrorCode } from '../core/errors.js';
import { VERSION } from '../version.js';
import { alertsCommand } from './commands/alerts.js';
import { assetsCommand } from './commands/assets.js';
import { huntCommand } from './commands/hunt.js';
import { ingestCommand } from './commands/ingest.js';
import { parseCommand } from './commands/parse.js';
import { rulesCommand } from './commands/rules.js';
import { searchCommand } from './commands/search.js';
import { serveCommand } from './commands/serve.js';
import { simulateCommand } from './commands/simulate.js';
import { tailCommand } from './commands/tail.js';
import { verifyCommand } from './commands/verify.js';
import { CliExit } from './io.js';

/** Commands of the contract whose feature has not landed yet. */
const LATER: [string, string, string][] = [];

export function buildProgram(): Command {
  const program = new Command('vigil')
    .description('Vigil: security monitoring and logging — collect, store, search, detect')
    .version(VERSION)
    .exitOverride()
    // One line: "vigil: <reason> (see --help)".
    .configureOutput({ outputError: (str, write) => write(`vigil: ${str.trim().replace(/^error: /, '')} (see --help)\n`) });
  serveCommand(program);
  ingestCommand(program);
  searchCommand(program);
  verifyCommand(program);
  parseCommand(program);
  alertsCommand(program);
  assetsCommand(program);
  rulesCommand(program);
  huntCommand(program);
  tailCommand(program);
  simulateCommand(program);
  for (const [name, desc, args] of LATER) {
    program
      .command(name)
      .description(`${desc} (not yet available)`)
      .argument(args)
      .allowUnknownOption()
      .option('--json', 'machine-readable output')
      .action(() => {
        throw new CliExit(2, `'vigil ${name}' is not yet available in this version`);
      });
  }
  return program;
}

async function main(): Promise<void> {
  // A reader that stops early (`vigil parse FILE | head`) closes the pipe: end quietly, as other command-line tools do.
  process.stdout.on('error', (err) => {
    if (systemErrorCode(err) === 'EPIPE') process.exit(0);
    process.stderr.write(`vigil: cannot write output: ${errorMessage(err)}\n`);
    process.exit(1);
  });
  const program = buildProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    const code = err instanceof CliExit ? err.exitCode : 1;
    const msg = err instanceof VigilError || err instanceof Error ? errorMessage(err) : String(err);
    process.stderr.write(`vigil: ${msg.split('\n')[0] ?? msg}\n`);
    process.exitCode = code;
  }
}

await main();
