import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';

import { ARRAY_TAGS, typedValue } from '../../nodes/TencentCloudInfinite/transport/normalize';
import { parseXml } from '../../nodes/TencentCloudInfinite/transport/xml';

/**
 * parseXml reads fast-xml-parser's ordered tree and turns it into objects itself (faster than the
 * library's own conversion, see bench/). This is the library's own conversion with the options
 * parseXml used before: both must give the same objects for every document.
 */
const reference = new XMLParser({
	ignoreAttributes: true,
	ignoreDeclaration: true,
	ignorePiTags: true,
	parseTagValue: false,
	trimValues: true,
	processEntities: { enabled: true, maxEntityCount: 1, maxEntitySize: 1, maxExpansionDepth: 1 },
	htmlEntities: true,
	jPath: false,
	isArray: (tagName) => ARRAY_TAGS.has(tagName),
	tagValueProcessor: (tagName, value) => typedValue(tagName, value),
});

// Tags that repeat (ARRAY_TAGS), typed ones (numbers, booleans) and plain ones. (Names such as
// `constructor` are refused by fast-xml-parser itself, before either conversion.)
const tag = fc.constantFrom(
	'TextDetections',
	'Polygon',
	'Words',
	'JobsDetail',
	'X',
	'Confidence',
	'IsPdf',
	'IsWord',
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
		'abc',
		'true',
		'false',
		' 7 ',
		'x&amp;y',
		'&lt;b&gt;',
		'&#20013;&#x6587;',
		'AT&amp;T',
		'  spaced  ',
	),
	fc.string({ maxLength: 6 }).map((s) => s.replace(/[<&]/g, '')),
);

interface Element {
	tag: string;
	children: Array<Element | string>;
	selfClosing: boolean;
}

const element: fc.Memo<Element> = fc.memo((depth) =>
	fc.record({
		tag,
		children:
			depth <= 1
				? fc.array(text, { maxLength: 2 })
				: fc.array(
						fc.oneof({ weight: 1, arbitrary: text }, { weight: 3, arbitrary: element(depth - 1) }),
						{ maxLength: 5 },
					),
		selfClosing: fc.boolean(),
	}),
);

function write(node: Element | string): string {
	if (typeof node === 'string') return node;
	if (node.selfClosing && node.children.length === 0) return `<${node.tag}/>`;
	return `<${node.tag}>${node.children.map(write).join('')}</${node.tag}>`;
}

describe('parseXml: the ordered tree turned into objects', () => {
	it('gives what fast-xml-parser’s own conversion gives, for 2000 generated documents', () => {
		fc.assert(
			fc.property(element(4), fc.boolean(), (root, declaration) => {
				const body = root.children.map(write).join('');
				const xml = `${declaration ? '<?xml version="1.0" encoding="UTF-8"?>\n' : ''}<Response>${body}</Response>`;
				const expected = (reference.parse(xml) as { Response: unknown }).Response;
				expect(parseXml(xml)).toEqual({
					root: 'Response',
					body: typeof expected === 'object' && expected !== null ? expected : {},
				});
			}),
			{ numRuns: 2000, seed: 20261121 },
		);
	});

	it('keeps repeated elements, text beside elements and empty elements as before', () => {
		const xml =
			'<Response>lead<Item>1</Item><Item><X>2</X></Item><Item/>tail<Polygon/><Empty></Empty><Words>w</Words></Response>';
		const { body } = parseXml(xml);
		expect(body).toEqual((reference.parse(xml) as { Response: unknown }).Response);
		expect(body).toEqual({
			'#text': 'leadtail',
			Item: ['1', { X: 2 }, ''],
			Polygon: [''],
			Empty: '',
			Words: ['w'],
		});
	});
});
