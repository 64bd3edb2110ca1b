const { rmSync } = require('fs');
const { src, dest } = require('gulp');

/** Empties dist/ before a build, so that files of removed sources never reach the published package. */
function clean(done) {
	rmSync('dist', { recursive: true, force: true });
	done();
}

/** Copies node and credential icons and codex files next to the compiled JavaScript in dist/. */
function buildAssets() {
	return src(['nodes/**/*.{png,svg,json}', 'credentials/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

exports.clean = clean;
exports['build:assets'] = buildAssets;
