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
	isArray: (tagName) => ARRAY_TAGS.has(tagName),
	tagValueProcessor: (tagName, value) => typedValue(tagName, value),
});

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
	if (/<!(?:DOCTYPE|ENTITY)/i.test(xml)) throw new XmlFormatError('XML with a DOCTYPE or entity declarations is not accepted');
	let document: IDataObject | undefined;
	let parseFailure = '';
	try {
		document = parser.parse(xml) as IDataObject;
	} catch (error) {
		parseFailure = (error as Error).message;
	}
	if (!document) throw new XmlFormatError(`XML document is malformed or incomplete: ${parseFailure}`);
	const roots = Object.keys(document);
	if (roots.length !== 1) throw new XmlFormatError('XML document must have exactly one root element');
	const root = roots[0];
	const tail = xml.trimEnd();
	if (!tail.endsWith(`</${root}>`) && !tail.endsWith(`<${root}/>`)) {
		throw new XmlFormatError(`XML document is incomplete: it does not end with </${root}>`);
	}
	const content = document[root];
	return { root, body: typeof content === 'object' && content !== null ? (content as IDataObject) : {} };
}

/** Writes a request body such as `{ Request: { Tag: 'ImageOCR', ... } }`; undefined fields are left out. */
export function buildXml(document: IDataObject): string {
	return builder.build(document) as string;
}
