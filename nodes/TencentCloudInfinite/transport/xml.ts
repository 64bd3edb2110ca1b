import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import type { IDataObject } from 'n8n-workflow';

import { ARRAY_TAGS, typedValue } from './normalize';

export class XmlFormatError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'XmlFormatError';
	}
}

const parser = new XMLParser({
	ignoreAttributes: true,
	ignoreDeclaration: true,
	ignorePiTags: true,
	parseTagValue: false,
	trimValues: true,
	// Only the predefined XML entities and character references are decoded. Declared entities can
	// never be expanded: a DOCTYPE (where they are declared) is refused before parsing, and these
	// limits would stop one that got through at the first declaration.
	processEntities: { enabled: true, maxEntityCount: 1, maxEntitySize: 1, maxExpansionDepth: 1 },
	htmlEntities: true,
	// No path strings: fast-xml-parser otherwise builds one per element (a fifth of parse time).
	jPath: false,
	// The ordered tree, turned into objects by `compress` below: fast-xml-parser's own conversion
	// (node2json) took a quarter of the time of reading a large OCR answer, this one a few percent.
	preserveOrder: true,
	tagValueProcessor: (tagName, value) => typedValue(tagName, value),
});

/** An entry of fast-xml-parser's ordered tree: `{ [tag]: children }` or `{ '#text': value }`. */
type OrderedNode = Record<string, unknown>;

const TEXT = '#text';
const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

/** An element's value: its text alone, '' when empty, otherwise its children as an object. */
function elementValue(children: OrderedNode[]): unknown {
	if (children.length === 0) return '';
	if (children.length === 1) {
		const only = children[0];
		if (hasOwn(only, TEXT)) return only[TEXT];
	}
	const object = compress(children);
	let keys = 0;
	let only = '';
	for (const key in object) {
		if (++keys > 1) return object;
		only = key;
	}
	return keys === 0 ? '' : only === TEXT ? object[TEXT] : object;
}

/**
 * Siblings as one object, exactly as fast-xml-parser's own conversion gives them with `isArray`
 * for ARRAY_TAGS: a repeated element becomes an array, an element of ARRAY_TAGS always is one,
 * text beside elements goes to `#text`.
 */
function compress(nodes: OrderedNode[]): IDataObject {
	const object: IDataObject = {};
	let text: unknown;
	for (const node of nodes) {
		for (const name in node) {
			if (name === ':@') continue;
			const content = node[name];
			if (name === TEXT) {
				text = text === undefined ? content : `${String(text)}${String(content)}`;
				continue;
			}
			const value = elementValue(content as OrderedNode[]);
			if (!hasOwn(object, name)) {
				object[name] = ARRAY_TAGS.has(name) ? [value] : (value as IDataObject);
			} else {
				const existing = object[name];
				if (Array.isArray(existing)) (existing as unknown[]).push(value);
				else object[name] = [existing, value] as IDataObject[];
			}
		}
	}
	if (typeof text === 'string' ? text.length > 0 : text !== undefined)
		object[TEXT] = text as string;
	return object;
}

const builder = new XMLBuilder({ format: false, suppressEmptyNode: false, processEntities: true });

export interface ParsedXml {
	/** `Response`, `Error`, or whatever the single root element is called. */
	root: string;
	body: IDataObject;
}

/**
 * Reads a CI/COS XML document into normalized JSON: repeated elements as arrays, numbers as
 * numbers, booleans as booleans. DOCTYPEs (and with them entity declarations) are refused, and a
 * document cut short is an error rather than half a result.
 */
export function parseXml(xml: string): ParsedXml {
	if (/<!(?:DOCTYPE|ENTITY)/i.test(xml))
		throw new XmlFormatError('XML with a DOCTYPE or entity declarations is not accepted');
	let document: IDataObject | undefined;
	let parseFailure = '';
	try {
		document = compress(parser.parse(xml) as OrderedNode[]);
	} catch (error) {
		parseFailure = (error as Error).message;
	}
	if (!document)
		throw new XmlFormatError(`XML document is malformed or incomplete: ${parseFailure}`);
	const roots = Object.keys(document);
	if (roots.length !== 1)
		throw new XmlFormatError('XML document must have exactly one root element');
	const root = roots[0];
	const tail = xml.trimEnd();
	if (!tail.endsWith(`</${root}>`) && !tail.endsWith(`<${root}/>`)) {
		throw new XmlFormatError(`XML document is incomplete: it does not end with </${root}>`);
	}
	const content = document[root];
	return {
		root,
		body: typeof content === 'object' && content !== null ? (content as IDataObject) : {},
	};
}

/** Writes a request body such as `{ Request: { Tag: 'ImageOCR', ... } }`; undefined fields are left out. */
export function buildXml(document: IDataObject): string {
	return builder.build(document) as string;
}
