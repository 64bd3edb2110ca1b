/**
 * The build bundles fast-xml-parser into dist/ (scripts/build/bundle-dependencies.js): the package
 * has no runtime dependencies, yet dist/ reads and writes XML exactly as the sources do with the
 * library installed. These tests read the built dist/ (npm test builds first).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import fc from 'fast-check';

import * as source from '../../nodes/TencentCloudInfinite/transport/xml';

const ROOT = path.join(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');
const DIST_XML = path.join(DIST, 'nodes/TencentCloudInfinite/transport/xml.js');

interface Bundler {
	importsOf(files: string[], root?: string): Promise<Array<{ file: string; specifier: string }>>;
	isRelative(specifier: string): boolean;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const bundler = require('../../scripts/build/bundle-dependencies') as Bundler;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const bundled = require(DIST_XML) as typeof source;

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
	dependencies?: Record<string, string>;
	devDependencies: Record<string, string>;
	peerDependencies: Record<string, string>;
};

function distJs(): string[] {
	return readdirSync(DIST, { withFileTypes: true, recursive: true })
		.filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
		.map((entry) => path.join(entry.parentPath, entry.name));
}

describe('the package has no runtime dependencies', () => {
	it('declares none; fast-xml-parser is a pinned devDependency', () => {
		expect(manifest.dependencies).toBeUndefined();
		expect(manifest.devDependencies['fast-xml-parser']).toMatch(/^\d+\.\d+\.\d+$/);
		expect(Object.keys(manifest.peerDependencies)).toEqual(['n8n-workflow']);
	});

	it('dist/ requires nothing but its own files, n8n-workflow and crypto (what n8n provides)', async () => {
		const imports = await bundler.importsOf(distJs(), ROOT);
		expect(imports.length).toBeGreaterThan(50);
		const external = new Set(
			imports
				.filter(({ specifier }) => !bundler.isRelative(specifier))
				.map(({ specifier }) => specifier),
		);
		expect(external).toContain('n8n-workflow');
		expect(
			[...external].filter(
				(specifier) => !['n8n-workflow', 'crypto', 'node:crypto'].includes(specifier),
			),
		).toEqual([]);
	});

	it('the bundled file carries the licence notices of fast-xml-parser and of the packages its build embeds', () => {
		const text = readFileSync(DIST_XML, 'utf8');
		const header = text.slice(0, text.indexOf('*/'));
		const version = (
			JSON.parse(
				readFileSync(path.join(ROOT, 'node_modules/fast-xml-parser/package.json'), 'utf8'),
			) as { version: string }
		).version;
		expect(header).toContain(`---- fast-xml-parser@${version} (MIT) ----`);
		expect(header).toContain('Copyright (c) 2017 Amit Kumar Gupta');
		expect(header).toContain(
			'The above copyright notice and this permission notice shall be included',
		);
		for (const embedded of ['strnum', 'fast-xml-builder', '@nodable/entities'])
			expect(header).toContain(`---- ${embedded}@`);
		// The library's code is inside; no require of it is left.
		expect(text).toContain('XMLParser');
		expect(text).not.toMatch(/require\(["']fast-xml-parser["']\)/);
	});
});

describe('dist/ parses and writes XML as the sources do', () => {
	const tag = fc.constantFrom(
		'TextDetections',
		'Polygon',
		'Words',
		'JobsDetail',
		'X',
		'Confidence',
		'IsPdf',
		'DetectedText',
		'Code',
		'Item',
		'a',
	);
	const text = fc.oneof(
		fc.constantFrom(
			'',
			' ',
			'0',
			'12',
			'-3.5',
			'true',
			'x&amp;y',
			'&lt;b&gt;',
			'&#20013;&#x6587;',
			'&bogus;',
			'  spaced  ',
			'<',
			']]>',
		),
		fc.string({ maxLength: 6 }),
	);
	type Element = { tag: string; children: Array<Element | string> };
	const element: fc.Memo<Element> = fc.memo((depth) =>
		fc.record({
			tag,
			children:
				depth <= 1
					? fc.array(text, { maxLength: 2 })
					: fc.array(fc.oneof(text, element(depth - 1), element(depth - 1)), { maxLength: 4 }),
		}),
	);
	const write = (node: Element | string): string =>
		typeof node === 'string'
			? node
			: `<${node.tag}>${node.children.map(write).join('')}</${node.tag}>`;
	const outcome = (parse: (xml: string) => unknown, xml: string) => {
		try {
			return { value: parse(xml) };
		} catch (error) {
			return { error: `${(error as Error).name}: ${(error as Error).message}` };
		}
	};

	it('gives the same result or the same error for 1500 generated documents, some malformed or cut short', () => {
		fc.assert(
			fc.property(element(4), fc.nat(40), fc.boolean(), (root, cut, truncate) => {
				const whole = `<?xml version="1.0"?><Response>${root.children.map(write).join('')}</Response>`;
				const xml = truncate ? whole.slice(0, Math.max(0, whole.length - cut)) : whole;
				expect(outcome(bundled.parseXml, xml)).toEqual(outcome(source.parseXml, xml));
			}),
			{ numRuns: 1500 },
		);
	});

	it('refuses the hostile documents the sources refuse, with the same errors', () => {
		const hostile = [
			'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><r>&a;</r>',
			'<r><!ENTITY a "x"></r>',
			`${'<a>'.repeat(150)}x${'</a>'.repeat(150)}`,
			'<Response><JobsDetail><JobId>1</JobId>',
			'<a></b>',
		];
		for (const xml of hostile) {
			const expected = outcome(source.parseXml, xml);
			expect(expected.error).toBeDefined();
			expect(outcome(bundled.parseXml, xml)).toEqual(expected);
		}
	});

	it('writes the same request bodies', () => {
		const value = fc.oneof(
			fc.string({ maxLength: 8 }),
			fc.integer(),
			fc.boolean(),
			fc.constant(undefined),
		);
		const body = fc.dictionary(
			fc.constantFrom('Tag', 'Input', 'Object', 'UserData', 'JobLevel', 'Callback', 'Name'),
			fc.oneof(value, fc.dictionary(fc.constantFrom('Object', 'Url', 'Type'), value)),
		);
		fc.assert(
			fc.property(body, (request) => {
				expect(bundled.buildXml({ Request: request })).toBe(source.buildXml({ Request: request }));
			}),
			{ numRuns: 500 },
		);
	});
});
