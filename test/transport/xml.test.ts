import { buildXml, parseXml } from '../../nodes/TencentCloudInfinite/transport/xml';
import { sample } from '../conformance/samples';

/** The documented sync-OCR answer (zh page, 实际案例), as the corpus transcribes it. */
const documentedOcrAnswer = () => sample('sync-ocr/general-isword.xml').body;

describe('parseXml normalizes CI answers', () => {
	it('reads the documented sync-OCR answer with arrays, numbers and nesting', () => {
		const { root, body } = parseXml(documentedOcrAnswer());
		expect(root).toBe('Response');
		expect(body.Angel).toBe(359.99);
		expect(body.PdfPageSize).toBe(0);
		expect(body.Language).toBe('mix');
		const lines = body.TextDetections as Array<Record<string, any>>;
		expect(lines.map((line) => line.DetectedText)).toEqual(['你好', '再见']);
		expect(lines[0].Confidence).toBe(99);
		expect(lines[0].Polygon).toEqual([
			{ X: 140, Y: 167 },
			{ X: 263, Y: 167 },
			{ X: 263, Y: 231 },
			{ X: 140, Y: 231 },
		]);
		expect(lines[0].ItemPolygon).toEqual({ X: 140, Y: 167, Width: 123, Height: 64 });
		expect(lines[1].Words.map((word: any) => word.Character)).toEqual(['再', '见']);
		expect(lines[1].Words[0].WordCoordPoint.WordCoordinate).toHaveLength(4);
	});

	it('keeps a single repeated element as an array', () => {
		const { body } = parseXml(
			'<Response><JobsDetail><JobId>j1</JobId><Operation><Detection><TextDetections><DetectedText>only</DetectedText><Polygon><X>1</X><Y>2</Y></Polygon></TextDetections></Detection></Operation></JobsDetail></Response>',
		);
		const jobs = body.JobsDetail as any[];
		expect(Array.isArray(jobs)).toBe(true);
		expect(jobs[0].Operation.Detection.TextDetections[0].Polygon).toEqual([{ X: 1, Y: 2 }]);
	});

	it('keeps text that looks like a number as text, and reads booleans', () => {
		const { body } = parseXml(
			'<Response><Template><Name>007</Name><ImageOCR><IsPdf>true</IsPdf><IsWord>false</IsWord><PdfPageNumber>2</PdfPageNumber></ImageOCR></Template><TextDetections><DetectedText>0012</DetectedText></TextDetections></Response>',
		);
		expect((body.Template as any).Name).toBe('007');
		expect((body.Template as any).ImageOCR).toEqual({
			IsPdf: true,
			IsWord: false,
			PdfPageNumber: 2,
		});
		expect((body.TextDetections as any)[0].DetectedText).toBe('0012');
	});

	it('decodes standard and numeric entities', () => {
		const { body } = parseXml(
			'<Response><TextDetections><DetectedText>AT&amp;T &lt;b&gt; &#20013;&#x6587;</DetectedText></TextDetections></Response>',
		);
		expect((body.TextDetections as any)[0].DetectedText).toBe('AT&T <b> 中文');
	});

	it('reads a CI error', () => {
		const { root, body } = parseXml(
			'<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><RequestId>abc</RequestId></Error>',
		);
		expect(root).toBe('Error');
		expect(body).toMatchObject({ Code: 'NoSuchKey', RequestId: 'abc' });
	});

	it('refuses a DOCTYPE with entity declarations (billion laughs)', () => {
		const xml =
			'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><Response><A>&lol2;</A></Response>';
		expect(() => parseXml(xml)).toThrow('DOCTYPE');
	});

	it('refuses a document cut short', () => {
		const whole = documentedOcrAnswer();
		expect(() => parseXml(whole.slice(0, Math.floor(whole.length / 2)))).toThrow('incomplete');
	});
});

describe('buildXml writes request bodies', () => {
	it('escapes text and leaves out undefined fields', () => {
		const xml = buildXml({
			Request: { Tag: 'ImageOCR', Name: 'a<b>&"c\'', Skip: undefined, Operation: { JobLevel: 0 } },
		});
		expect(xml).toBe(
			'<Request><Tag>ImageOCR</Tag><Name>a&lt;b&gt;&amp;&quot;c&apos;</Name><Operation><JobLevel>0</JobLevel></Operation></Request>',
		);
		expect(parseXml(xml).body.Name).toBe('a<b>&"c\'');
	});
});
