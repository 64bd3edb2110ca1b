#!/usr/bin/env node
/**
 * The lint passes n8n runs before it verifies a community package, offline.
 *
 * `@n8n/scan-community-package` (pinned in package.json) lints, with its own rule set and never the
 * package's ESLint config, (1) the source checkout its npm provenance points at: package.json and
 * nodes/ and credentials/, and (2) the published tarball: its JavaScript and package.json. Its CLI
 * only scans packages published to npmjs.org with provenance; here its own `analyzePackage` and
 * `buildScanConfig` run on local folders, with the file patterns and ESLint options of its
 * `analyzePackageByName`. A third pass runs n8n-node's template config (cloud support on)
 * unmodified over the published sources, the strict mode this package's own config relaxes only
 * by ignoring the unpublished folders.
 *
 *   node scripts/release/scan.mjs --source <checkout> --package <unpacked tarball> --template <checkout>
 *
 * Prints one JSON object: for each pass, the scanner's verdict (scanner passes), the files linted,
 * error and warning counts and every message. Exits 1 if any pass has an error or a warning.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

import { ESLint } from 'eslint';

const require = createRequire(import.meta.url);
const scannerFile = require.resolve('@n8n/scan-community-package/scanner/scanner.mjs');
// The scanner's own file finder, as it globs.
const glob = createRequire(scannerFile)('fast-glob');
// The scanner makes a temporary folder when it is loaded (for downloads) and leaves it unless told.
createRequire(scannerFile)('tmp').setGracefulCleanup();
const { analyzePackage, buildScanConfig, SOURCE_FILE_PATTERNS } = await import(scannerFile);

/** The tarball leg's patterns, as analyzePackageByName passes them. */
const PACKAGE_FILE_PATTERNS = ['**/*.js', 'package.json'];

function summarize(results, dir) {
	const messages = results.flatMap((result) =>
		result.messages.map((message) => ({
			file: path.relative(dir, result.filePath),
			line: message.line,
			ruleId: message.ruleId,
			severity: message.severity === 2 ? 'error' : 'warning',
			message: message.message,
		})),
	);
	return {
		files: results.length,
		errorCount: results.reduce((sum, result) => sum + result.errorCount, 0),
		warningCount: results.reduce((sum, result) => sum + result.warningCount, 0),
		messages,
	};
}

/** One scanner leg: its verdict, and the counts from the same ESLint setup (its verdict hides warnings). */
async function scannerPass(dir, patterns) {
	const verdict = await analyzePackage(dir, patterns);
	const eslint = new ESLint({
		cwd: dir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await buildScanConfig(),
	});
	const files = glob.sync(patterns, {
		cwd: dir,
		absolute: true,
		ignore: ['node_modules/**', '**/package-lock.json'],
	});
	return {
		dir,
		patterns,
		verdict: { passed: verdict.passed, message: verdict.message ?? null },
		...summarize(await eslint.lintFiles(files), dir),
	};
}

/** n8n-node's template eslint.config.mjs (`export default config`) over what is published. */
async function templatePass(dir) {
	const { config } = require('@n8n/node-cli/eslint');
	const eslint = new ESLint({
		cwd: dir,
		overrideConfigFile: true,
		overrideConfig: config,
		allowInlineConfig: false,
	});
	const patterns = ['package.json', '{nodes,credentials}/**/*.ts'];
	const files = glob.sync(patterns, { cwd: dir, absolute: true, ignore: ['node_modules/**'] });
	return { dir, patterns, ...summarize(await eslint.lintFiles(files), dir) };
}

const args = process.argv.slice(2);
const option = (name) => {
	const index = args.indexOf(`--${name}`);
	return index >= 0 ? path.resolve(args[index + 1]) : undefined;
};
const passes = {};
if (option('source')) passes.source = await scannerPass(option('source'), SOURCE_FILE_PATTERNS);
if (option('package')) passes.package = await scannerPass(option('package'), PACKAGE_FILE_PATTERNS);
if (option('template')) passes.template = await templatePass(option('template'));
if (Object.keys(passes).length === 0) {
	process.stderr.write(
		'usage: node scripts/release/scan.mjs [--source <checkout>] [--package <unpacked tarball>] [--template <checkout>]\n',
	);
	process.exit(2);
}
process.stdout.write(`${JSON.stringify(passes, null, 2)}\n`);
if (Object.values(passes).some((pass) => pass.errorCount > 0 || pass.warningCount > 0))
	process.exitCode = 1;
