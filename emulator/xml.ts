import { XMLBuilder, XMLParser } from 'fast-xml-parser';

const builder = new XMLBuilder({ format: false, suppressEmptyNode: true, processEntities: true });
const parser = new XMLParser({
	ignoreAttributes: true,
	ignoreDeclaration: true,
	parseTagValue: false,
	trimValues: true,
	processEntities: true,
});

export type XmlValue = string | number | boolean | undefined | null | XmlObject | XmlValue[];
export interface XmlObject {
	[name: string]: XmlValue;
}

export function toXml(root: string, content: XmlObject): string {
	return `<?xml version="1.0" encoding="UTF-8"?>${builder.build({ [root]: content }) as string}`;
}

export class BadXml extends Error {}

/** Reads a request body; a DOCTYPE (and with it any entity declaration) is refused. */
export function readXml(text: string): XmlObject {
	if (/<!DOCTYPE/i.test(text)) throw new BadXml('XML with a DOCTYPE is not accepted');
	let document: XmlObject;
	try {
		document = parser.parse(text, true) as XmlObject;
	} catch (error) {
		throw new BadXml(`The XML you provided was not well-formed: ${(error as Error).message}`);
	}
	return document;
}

/** A one-level look-up that tolerates missing containers. */
export function child(node: XmlValue, name: string): XmlValue {
	return node && typeof node === 'object' && !Array.isArray(node) ? node[name] : undefined;
}

export function textOf(node: XmlValue): string | undefined {
	return typeof node === 'string'
		? node
		: typeof node === 'number' || typeof node === 'boolean'
			? String(node)
			: undefined;
}

/**
 * Refuses children that no source documents for `where` (requests/SILENT.md: the service's own
 * reaction is not documented; this refusal is the emulator's, and its message says so).
 */
export function onlyChildren(node: XmlValue, allowed: readonly string[], where: string): void {
	if (!node || typeof node !== 'object' || Array.isArray(node)) return;
	const unknown = Object.keys(node).find((name) => !allowed.includes(name));
	if (unknown)
		throw new UnknownElement(
			`${where}.${unknown} is not a documented element (${allowed.join(', ')}); the emulator refuses what no source documents.`,
		);
}

export class UnknownElement extends Error {}
