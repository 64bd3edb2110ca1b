/**
 * Element structure of an answer, compared with a corpus sample: element names, nesting, order,
 * empty placeholders (`<Message/>` is not `<Message>x</Message>`), repeated elements, and for
 * JSON also arrays against objects and strings against numbers. Values are never compared.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

import { XMLParser } from 'fast-xml-parser';

export const CORPUS = __dirname;

/**
 * Elements whose count follows the data (lines, fields, jobs, warnings); every other repeated
 * element (Polygon, WordCoordinate, Point, ...) must repeat exactly as often as in the sample.
 */
export const VARIABLE_COUNT = new Set([
	'TextDetections',
	'Words',
	'WordPolygon',
	'JobsDetail',
	'TemplateList',
	'IdInfo',
	'WarnInfos',
	'NonExistJobIds',
]);

export interface CompareOptions {
	/** Compare the order of children (default true); the templates' samples disagree on it. */
	ordered?: boolean;
}

interface XmlShape {
	name: string;
	kind: 'text' | 'empty' | 'element';
	children: XmlShape[];
}

type OrderedNode = Record<string, OrderedNode[] | string>;

const parser = new XMLParser({
	preserveOrder: true,
	ignoreAttributes: true,
	ignoreDeclaration: true,
	parseTagValue: false,
	trimValues: true,
});

function toShape(node: OrderedNode): XmlShape {
	const name = Object.keys(node).find((key) => key !== ':@') as string;
	const content = node[name] as OrderedNode[];
	const elements = content.filter((child) => !('#text' in child));
	if (elements.length) return { name, kind: 'element', children: elements.map(toShape) };
	return {
		name,
		kind: content.some((child) => '#text' in child && String(child['#text']) !== '')
			? 'text'
			: 'empty',
		children: [],
	};
}

/** The root element's shape of an XML document (comments and the declaration are skipped). */
export function xmlShape(text: string): XmlShape {
	const nodes = (parser.parse(text) as OrderedNode[]).filter((node) => !('#text' in node));
	if (nodes.length !== 1) throw new Error(`expected one root element, found ${nodes.length}`);
	return toShape(nodes[0]);
}

interface Run<T> {
	name: string;
	items: T[];
}

function runs<T>(children: T[], nameOf: (child: T) => string, ordered: boolean): Array<Run<T>> {
	const result: Array<Run<T>> = [];
	for (const child of children) {
		const name = nameOf(child);
		const last = ordered ? result[result.length - 1] : result.find((run) => run.name === name);
		if (last && last.name === name) last.items.push(child);
		else result.push({ name, items: [child] });
	}
	return ordered ? result : result.sort((a, b) => a.name.localeCompare(b.name));
}

/** Each actual item must match one of the expected items; the closest one's differences are reported. */
function bestMatch<T>(expected: T[], actual: T, compare: (e: T, a: T) => string[]): string[] {
	let best: string[] | undefined;
	for (const candidate of expected) {
		const differences = compare(candidate, actual);
		if (!best || differences.length < best.length) best = differences;
		if (!differences.length) break;
	}
	return best ?? [];
}

function compareRuns<T>(
	path: string,
	expected: Array<Run<T>>,
	actual: Array<Run<T>>,
	compare: (e: T, a: T, path: string) => string[],
): string[] {
	const out: string[] = [];
	const names = (list: Array<Run<T>>) =>
		list
			.map((run) => (run.items.length > 1 ? `${run.name}×${run.items.length}` : run.name))
			.join(', ');
	if (expected.map((run) => run.name).join('/') !== actual.map((run) => run.name).join('/')) {
		out.push(`${path}: children [${names(actual)}], the sample has [${names(expected)}]`);
	}
	const used = new Set<Run<T>>();
	for (const run of actual) {
		const twin = expected.find((candidate) => candidate.name === run.name && !used.has(candidate));
		if (!twin) continue;
		used.add(twin);
		if (!VARIABLE_COUNT.has(run.name) && twin.items.length !== run.items.length) {
			out.push(
				`${path}/${run.name}: ${run.items.length} of them, the sample has ${twin.items.length}`,
			);
		}
		run.items.forEach((item, index) =>
			out.push(
				...bestMatch(twin.items, item, (e, a) => compare(e, a, `${path}/${run.name}[${index}]`)),
			),
		);
	}
	return out;
}

function compareXmlShapes(
	expected: XmlShape,
	actual: XmlShape,
	path: string,
	options: CompareOptions,
): string[] {
	if (expected.name !== actual.name)
		return [`${path}: element ${actual.name}, the sample has ${expected.name}`];
	if (expected.kind !== actual.kind)
		return [`${path}: ${actual.kind}, the sample has ${expected.kind}`];
	const ordered = options.ordered ?? true;
	return compareRuns(
		path,
		runs(expected.children, (c) => c.name, ordered),
		runs(actual.children, (c) => c.name, ordered),
		(e, a, p) => compareXmlShapes(e, a, p, options),
	);
}

/** The differences between an XML answer and a sample; none when the structure is the same. */
export function compareXml(sample: string, answer: string, options: CompareOptions = {}): string[] {
	const expected = xmlShape(sample);
	return compareXmlShapes(expected, xmlShape(answer), expected.name, options);
}

type JsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';
const kindOf = (value: unknown): JsonKind =>
	value === null ? 'null' : Array.isArray(value) ? 'array' : (typeof value as JsonKind);

function compareJsonValues(
	expected: unknown,
	actual: unknown,
	path: string,
	options: CompareOptions,
): string[] {
	const [ek, ak] = [kindOf(expected), kindOf(actual)];
	if (ek !== ak) return [`${path}: ${ak}, the sample has ${ek}`];
	const name =
		path
			.split('/')
			.pop()
			?.replace(/\[\d+\]$/, '') ?? '';
	if (ek === 'array') {
		const [e, a] = [expected as unknown[], actual as unknown[]];
		// An array is one member (…[0]) of its key's run; its items are numbered instead.
		const base = path.replace(/\[0\]$/, '');
		const out =
			!VARIABLE_COUNT.has(name) && e.length !== a.length
				? [`${base}: ${a.length} items, the sample has ${e.length}`]
				: [];
		a.forEach((item, index) =>
			out.push(
				...bestMatch(e, item, (x, y) => compareJsonValues(x, y, `${base}[${index}]`, options)),
			),
		);
		return out;
	}
	if (ek !== 'object') return [];
	const entries = (value: unknown) =>
		Object.entries(value as Record<string, unknown>).map(([key, item]) => ({
			name: key,
			items: [item],
		}));
	const ordered = options.ordered ?? true;
	const sort = (list: Array<Run<unknown>>) =>
		ordered ? list : list.sort((x, y) => x.name.localeCompare(y.name));
	return compareRuns(path, sort(entries(expected)), sort(entries(actual)), (x, y, p) =>
		compareJsonValues(x, y, p, options),
	);
}

/** The differences between a JSON body and a sample's `body`. */
export function compareJson(
	sample: unknown,
	answer: unknown,
	options: CompareOptions = {},
): string[] {
	return compareJsonValues(sample, answer, '$', options);
}

export interface Sample {
	/** The file without its citation header (XML), or its `body` (JSON). */
	body: string | unknown;
	header: Record<string, unknown>;
}

/** A corpus file, e.g. `jobs/ocr-success.xml`: its body and its citation header. */
export function sample(file: string): Sample {
	const text = readFileSync(join(CORPUS, file), 'utf8');
	if (file.endsWith('.json')) {
		const { body, ...header } = JSON.parse(text) as Record<string, unknown>;
		return { body, header };
	}
	const comment = /^\s*<!--([\s\S]*?)-->/.exec(text);
	const header = Object.fromEntries(
		(comment?.[1] ?? '')
			.split('\n')
			.map((line) => /^(\w+):\s*(.*)$/.exec(line.trim()))
			.flatMap((match) => (match ? [[match[1], match[2]]] : [])),
	);
	return { body: text.slice(comment ? comment.index + comment[0].length : 0), header };
}
