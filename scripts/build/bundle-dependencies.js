#!/usr/bin/env node
/**
 * Build step after `tsc`: puts the libraries the compiled nodes use inside dist/.
 *
 * n8n Cloud and n8n's verification accept no runtime `dependencies` (rule `no-runtime-dependencies`
 * of @n8n/eslint-plugin-community-nodes: "move shared libraries to peerDependencies or bundle them
 * into your build artifact"). So every package a file in dist/ requires, other than a peer
 * dependency (n8n-workflow, which n8n provides) or a Node built-in, must be a devDependency, and
 * that file is rebuilt by esbuild with the package inlined. Only those files change: the rest of
 * dist/ stays tsc's output, module for module (the jest harness and the benchmarks load them one
 * by one). The inlined code is what `require()` loads today (for fast-xml-parser its own prebuilt
 * `lib/fxp.cjs`, which already embeds its dependencies), and its licence notices, with those of the
 * packages it embeds, head the file.
 *
 *   node scripts/build/bundle-dependencies.js [distDir]   # default: dist, in the package root
 *
 * Exits non-zero, naming the file and the import, when dist/ requires an undeclared package, or
 * when a bundled package would be inlined into more than one file (two copies, two states).
 */
const { builtinModules } = require('node:module');
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');

const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..', '..');
const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** `lodash/fp` → `lodash`, `@scope/pkg/x` → `@scope/pkg`. */
function packageNameOf(specifier) {
	const parts = specifier.split('/');
	return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function isRelative(specifier) {
	return (
		specifier.startsWith('./') ||
		specifier.startsWith('../') ||
		specifier === '.' ||
		specifier === '..'
	);
}

function jsFiles(dir) {
	return readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
		.map((entry) => path.join(entry.parentPath, entry.name))
		.sort();
}

/** Leaves every import as it is written (nothing is read but the entry points). */
const keepAllExternal = {
	name: 'keep-all-external',
	setup(build) {
		build.onResolve({ filter: /.*/ }, (args) =>
			args.kind === 'entry-point' ? undefined : { path: args.path, external: true },
		);
	},
};

/** What each file requires or imports: `{ file, specifier }`, read by esbuild's parser. */
async function importsOf(files, absWorkingDir = ROOT) {
	if (files.length === 0) return [];
	const result = await esbuild.build({
		absWorkingDir,
		entryPoints: files,
		bundle: true,
		write: false,
		metafile: true,
		platform: 'node',
		format: 'cjs',
		outdir: path.join(absWorkingDir, '.esbuild-scan'),
		plugins: [keepAllExternal],
		logLevel: 'silent',
	});
	return Object.entries(result.metafile.inputs).flatMap(([input, { imports }]) =>
		imports.map(({ path: specifier }) => ({ file: path.resolve(absWorkingDir, input), specifier })),
	);
}

/** A package's licence text: its LICENSE/LICENCE file, else what its package.json says. */
function licenceNotice(packageDir) {
	const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
	const file = readdirSync(packageDir).find((name) => /^licen[cs]e(\.(md|txt))?$/i.test(name));
	const author = typeof manifest.author === 'string' ? manifest.author : manifest.author?.name;
	const text = file
		? readFileSync(path.join(packageDir, file), 'utf8').trim()
		: `${manifest.license ?? 'UNLICENSED'}${author ? `, by ${author}` : ''} (from its package.json; the package has no licence file)`;
	return {
		id: `${manifest.name}@${manifest.version}`,
		license: manifest.license ?? 'UNLICENSED',
		text,
	};
}

/** The installed folder of `name` as seen from `fromDir` (Node's lookup, without loading it). */
function packageDirFrom(name, fromDir) {
	for (let dir = fromDir; ; dir = path.dirname(dir)) {
		const candidate = path.join(dir, 'node_modules', name);
		if (existsSync(path.join(candidate, 'package.json'))) return candidate;
		if (path.dirname(dir) === dir)
			throw new Error(`${name} is not installed (looked up from ${fromDir}): run npm ci`);
	}
}

/** A bundled package and every package it depends on (a prebuilt bundle such as fxp.cjs embeds them), once each. */
function packageClosure(name, fromDir) {
	const seen = new Map();
	const queue = [packageDirFrom(name, fromDir)];
	while (queue.length > 0) {
		const dir = queue.shift();
		const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
		const id = `${manifest.name}@${manifest.version}`;
		if (seen.has(id)) continue;
		seen.set(id, dir);
		for (const dependency of Object.keys(manifest.dependencies ?? {}))
			queue.push(packageDirFrom(dependency, dir));
	}
	return [...seen.values()];
}

function banner(bundled, root) {
	const notices = bundled.flatMap((name) => packageClosure(name, root).map(licenceNotice));
	const unique = [...new Map(notices.map((notice) => [notice.id, notice])).values()];
	const lines = [
		`This file includes third-party code, bundled at build time (n8n installs community packages`,
		`without dependencies): ${bundled.join(', ')}. The licence notices of each, and of the packages`,
		`each depends on (a prebuilt build such as fast-xml-parser's lib/fxp.cjs embeds their code):`,
		'',
		...unique.flatMap((notice) => [
			`---- ${notice.id} (${notice.license}) ----`,
			...notice.text.split(/\r?\n/),
			'',
		]),
	];
	const body = lines.map((line) => ` * ${line.replaceAll('*/', '* /')}`.trimEnd()).join('\n');
	return `/*!\n${body}\n */`;
}

/**
 * Bundles, into the files of `distDir` that require them, the devDependencies those files use.
 * Returns `{ file, packages }` for each file rebuilt.
 */
async function bundleDependencies({ root = ROOT, distDir = path.join(root, 'dist') } = {}) {
	const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
	const peers = new Set(Object.keys(manifest.peerDependencies ?? {}));
	const devDependencies = new Set(Object.keys(manifest.devDependencies ?? {}));
	if (Object.keys(manifest.dependencies ?? {}).length > 0) {
		throw new Error(
			`package.json has dependencies (${Object.keys(manifest.dependencies).join(', ')}): n8n Cloud and verification accept none; make them devDependencies, they are bundled`,
		);
	}

	const toBundle = new Map();
	const problems = [];
	for (const { file, specifier } of await importsOf(jsFiles(distDir), root)) {
		if (isRelative(specifier) || BUILTINS.has(specifier)) continue;
		const name = packageNameOf(specifier);
		if (peers.has(name)) continue;
		if (!devDependencies.has(name)) {
			problems.push(
				`${path.relative(root, file)} requires '${specifier}', which is neither a peer dependency nor a devDependency to bundle`,
			);
			continue;
		}
		toBundle.set(file, new Set([...(toBundle.get(file) ?? []), name]));
	}
	const users = new Map();
	for (const [file, names] of toBundle)
		for (const name of names) users.set(name, [...(users.get(name) ?? []), file]);
	for (const [name, files] of users) {
		if (files.length > 1)
			problems.push(
				`${name} is required by ${files.map((file) => path.relative(root, file)).join(' and ')}: route it through one module, so that one copy is bundled`,
			);
	}
	if (problems.length > 0) throw new Error(`cannot bundle dist/:\n  ${problems.join('\n  ')}`);

	const rebuilt = [];
	for (const [file, names] of toBundle) {
		const packages = [...names].sort();
		const bundleOnly = {
			name: 'bundle-only-dev-dependencies',
			setup(build) {
				build.onResolve({ filter: /.*/ }, (args) => {
					if (args.kind === 'entry-point') return undefined;
					// Inside a bundled package everything is inlined; in our own file only the listed packages.
					if (args.importer.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
					return packages.includes(packageNameOf(args.path)) && !isRelative(args.path)
						? undefined
						: { path: args.path, external: true };
				});
			},
		};
		const result = await esbuild.build({
			absWorkingDir: root,
			entryPoints: [file],
			outfile: file,
			allowOverwrite: true,
			bundle: true,
			platform: 'node',
			format: 'cjs',
			target: 'node20',
			// tsc's map of this file is read and carried through: stack traces still point at the .ts source.
			sourcemap: true,
			sourcesContent: false,
			// Paths as installed (node_modules/...), also when node_modules is a link (the release test's checkout).
			preserveSymlinks: true,
			banner: { js: banner(packages, root) },
			legalComments: 'eof',
			metafile: true,
			plugins: [bundleOnly],
			logLevel: 'warning',
		});
		const inlined = Object.keys(result.metafile.inputs).filter((input) =>
			input.includes('node_modules/'),
		);
		rebuilt.push({ file, packages, inlined });
	}

	// What is left must be relative, a peer dependency or a built-in: nothing to install.
	const left = (await importsOf(jsFiles(distDir), root)).filter(
		({ specifier }) =>
			!isRelative(specifier) && !BUILTINS.has(specifier) && !peers.has(packageNameOf(specifier)),
	);
	if (left.length > 0)
		throw new Error(
			`dist/ still requires packages after bundling: ${left.map(({ file, specifier }) => `${path.relative(root, file)}: ${specifier}`).join(', ')}`,
		);
	return rebuilt;
}

module.exports = { bundleDependencies, importsOf, packageNameOf, isRelative, BUILTINS };

if (require.main === module) {
	const distDir = path.resolve(process.argv[2] ?? path.join(ROOT, 'dist'));
	const started = Date.now();
	bundleDependencies({ root: ROOT, distDir }).then(
		(rebuilt) => {
			for (const { file, packages, inlined } of rebuilt) {
				process.stdout.write(
					`bundled ${packages.join(', ')} into ${path.relative(ROOT, file)} (${inlined.length} file(s) from node_modules)\n`,
				);
			}
			process.stdout.write(
				`bundle-dependencies: ${rebuilt.length} file(s) in ${Date.now() - started} ms\n`,
			);
		},
		(error) => {
			process.stderr.write(`bundle-dependencies: ${error.message}\n`);
			process.exitCode = 1;
		},
	);
}
