import type { Command } from 'commander';
import { runRuleTests } from '../../detect/rule-tests.js';
import { loadConfig } from '../../core/config.js';
import { loadRuleSet, SHIPPED_RULES_DIR } from '../../detect/ruleset.js';
import type { RuleProblem } from '../../detect/types.js';
import { vigilRulePaths } from '../../detect/uploads.js';
import { CliExit, printJson, safeText } from '../io.js';

function where(p: RuleProblem): string {
  const l = p.location;
  return `${l.file}${l.line !== undefined ? `:${l.line}` : ''}${l.column !== undefined ? `:${l.column}` : ''}`;
}

interface VigilOpts {
  config?: string;
  dataDir?: string;
}

/**
 * What to check: the paths given; with none, or with --data-dir / --config, the rules of that Vigil as `vigil serve`
 * runs them (shipped, configured, uploaded through the API) besides the paths given.
 */
function rulePaths(paths: readonly string[], opts: VigilOpts): { paths: string[]; vigil: boolean } {
  if (paths.length > 0 && opts.dataDir === undefined && opts.config === undefined) return { paths: [...paths], vigil: false };
  const config = loadConfig(opts.config, process.env, opts.dataDir);
  return { paths: [SHIPPED_RULES_DIR, ...vigilRulePaths(config.data_dir, config.rules.paths), ...paths], vigil: true };
}

export function rulesCommand(program: Command): void {
  const rules = program.command('rules').description('validate rules and run their test events (lint|test)');
  rules
    .command('lint')
    .description('load every rule file and report every problem of every file (exit 1 if any)')
    .argument('[paths...]', 'rule files or folders (default: the rules of this Vigil: shipped, configured, uploaded)')
    .option('--config <file>', 'YAML config file: its rules.paths are part of the rules of this Vigil')
    .option('--data-dir <dir>', 'data directory whose uploaded rules are part of the rules of this Vigil (default ./data, or VIGIL_DATA_DIR)')
    .option('--json', 'machine-readable output')
    .action((paths: string[], opts: VigilOpts & { json?: boolean }) => {
      const set = loadRuleSet(rulePaths(paths, opts).paths, { shipped: false });
      const out = {
        files: set.files.length,
        rules: set.matcher.rules.length,
        correlations: set.correlations.length,
        anomaly: set.anomaly?.size ?? 0,
        problems: set.problems,
      };
      if (opts.json) printJson(out);
      else {
        for (const p of set.problems) process.stdout.write(`${safeText(where(p))}: ${p.code}: ${safeText(p.message)}\n`);
        process.stderr.write(`${out.files} file(s): ${out.rules} detection rule(s), ${out.correlations} correlation(s), ${out.anomaly} baseline/silence rule(s) loaded; ${out.problems.length} problem(s)\n`);
      }
      if (set.problems.length > 0) process.exitCode = 1;
    });
  rules
    .command('test')
    .description('run the test events beside each rule file (x.tests.yml next to x.yml); exit 1 on a failure')
    .argument('[paths...]', 'rule files or folders (default: the rules of this Vigil: shipped, configured, uploaded)')
    .option('--config <file>', 'YAML config file: its rules.paths are part of the rules of this Vigil')
    .option('--data-dir <dir>', 'data directory whose uploaded rules are part of the rules of this Vigil (default ./data, or VIGIL_DATA_DIR)')
    .option('--json', 'machine-readable output')
    .action((paths: string[], opts: VigilOpts & { json?: boolean }) => {
      const chosen = rulePaths(paths, opts);
      const report = runRuleTests(chosen.paths);
      // each file's tests run on that file alone; the load problems are those of the rules together, as vigil serve
      // loads them (an uploaded correlation may refer to a shipped rule)
      if (chosen.vigil) report.problems = loadRuleSet(chosen.paths, { shipped: false }).problems;
      if (opts.json) printJson(report);
      else {
        for (const r of report.results) {
          const what = `${r.test_file} #${r.case} ${r.rule}${r.description !== undefined ? ` (${r.description})` : ''}`;
          process.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'} ${safeText(what)}\n`);
          for (const f of r.failures) process.stdout.write(`     ${safeText(f)}\n`);
        }
        for (const p of report.problems) process.stdout.write(`${safeText(where(p))}: ${p.code}: ${safeText(p.message)}\n`);
        process.stderr.write(`${report.passed} passed, ${report.failed} failed, ${report.problems.length} load problem(s), ${report.untested.length} rule file(s) without tests\n`);
      }
      if (report.failed > 0 || report.problems.length > 0) process.exitCode = 1;
      if (report.results.length === 0 && report.problems.length === 0 && report.untested.length === 0) throw new CliExit(1, 'no rule files found');
    });
}
