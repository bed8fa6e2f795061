import type { Command } from 'commander';
import { runRuleTests } from '../../detect/rule-tests.js';
import { loadRuleSet, SHIPPED_RULES_DIR } from '../../detect/ruleset.js';
import type { RuleProblem } from '../../detect/types.js';
import { CliExit, printJson, safeText } from '../io.js';

function where(p: RuleProblem): string {
  const l = p.location;
  return `${l.file}${l.line !== undefined ? `:${l.line}` : ''}${l.column !== undefined ? `:${l.column}` : ''}`;
}

export function rulesCommand(program: Command): void {
  const rules = program.command('rules').description('validate rules and run their test events (lint|test)');
  rules
    .command('lint')
    .description('load every rule file and report every problem of every file (exit 1 if any)')
    .argument('[paths...]', 'rule files or folders (default: the shipped rules)')
    .option('--json', 'machine-readable output')
    .action((paths: string[], opts: { json?: boolean }) => {
      const set = loadRuleSet(paths.length > 0 ? paths : [SHIPPED_RULES_DIR], { shipped: false });
      const out = {
        files: set.files.length,
        rules: set.matcher.rules.length,
        correlations: set.correlations.length,
        problems: set.problems,
      };
      if (opts.json) printJson(out);
      else {
        for (const p of set.problems) process.stdout.write(`${safeText(where(p))}: ${p.code}: ${safeText(p.message)}\n`);
        process.stderr.write(`${out.files} file(s): ${out.rules} detection rule(s), ${out.correlations} correlation(s) loaded; ${out.problems.length} problem(s)\n`);
      }
      if (set.problems.length > 0) process.exitCode = 1;
    });
  rules
    .command('test')
    .description('run the test events beside each rule file (x.tests.yml next to x.yml); exit 1 on a failure')
    .argument('[paths...]', 'rule files or folders (default: the shipped rules)')
    .option('--json', 'machine-readable output')
    .action((paths: string[], opts: { json?: boolean }) => {
      const report = runRuleTests(paths.length > 0 ? paths : [SHIPPED_RULES_DIR]);
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
