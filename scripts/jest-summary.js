#!/usr/bin/env node
// Prints jest's totals as one plain line, "N passed, N failed, N skipped", for CI to read.
const { readFileSync } = require('fs');

const file = process.argv[2] || 'test-artifacts/jest-results.json';
try {
	const results = JSON.parse(readFileSync(file, 'utf8'));
	const skipped = results.numPendingTests + results.numTodoTests;
	console.log(
		`${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`,
	);
} catch (error) {
	console.log(`0 passed, 1 failed (no jest results in ${file}: ${error.message})`);
	process.exitCode = 1;
}
