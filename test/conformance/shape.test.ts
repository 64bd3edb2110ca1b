/** The structure comparison fails where it must: deliberately wrong shapes of corpus samples. */
import { compareJson, compareXml, sample } from './shape';

const text = (file: string) => sample(file).body as string;
const json = (file: string) => JSON.parse(JSON.stringify(sample(file).body)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('compareXml', () => {
	it('finds nothing between a sample and itself, or the same structure with other values and counts', () => {
		expect(compareXml(text('jobs/ocr-success.xml'), text('jobs/ocr-success.xml'))).toEqual([]);
		const oneLine = text('jobs/ocr-success.xml').replace(
			/<TextDetections>(?:(?!<TextDetections>)[\s\S])*?<\/TextDetections>\s*(?=<\/Detection>)/,
			'',
		);
		expect(oneLine).not.toBe(text('jobs/ocr-success.xml'));
		expect(
			compareXml(text('jobs/ocr-success.xml'), oneLine.replace('锄禾日当午', 'other text')),
		).toEqual([]);
	});

	it.each([
		[
			'a RequestId element in a /jobs body',
			(s: string) => s.replace('<JobsDetail>', '<RequestId>x</RequestId><JobsDetail>'),
			/Response: children \[RequestId, JobsDetail\]/,
		],
		[
			'a missing <WordPolygon/> placeholder',
			(s: string) => s.replace('<WordPolygon/>', ''),
			/TextDetections\[0\]: children .* the sample has \[.*WordPolygon, Words\]/,
		],
		[
			'a filled placeholder Character',
			(s: string) => s.replace('<Character/>', '<Character>锄</Character>'),
			/Words\[0\]\/Character\[0\]: text, the sample has empty/,
		],
		[
			'an empty element that should hold text',
			(s: string) => s.replace('<State>Success</State>', '<State/>'),
			/State\[0\]: empty, the sample has text/,
		],
		[
			'a non-empty Language where the sample has <Language/>',
			(s: string) => s.replace('<Language/>', '<Language>zh</Language>'),
			/Language\[0\]: text, the sample has empty/,
		],
		[
			'two elements swapped',
			(s: string) =>
				s.replace(
					'<QueueId>pcaffdc4229a543b296b10b22586a1e57</QueueId>\n<StartTime>2023-11-25T08:47:39+0800</StartTime>',
					'<StartTime>x</StartTime><QueueId>y</QueueId>',
				),
			/JobsDetail\[0\]: children \[.*StartTime, QueueId/,
		],
		[
			'three Polygon points instead of four',
			(s: string) => s.replace(/<Polygon>\s*<X>40<\/X>\s*<Y>58<\/Y>\s*<\/Polygon>/, ''),
			/Polygon: 3 of them, the sample has 4/,
		],
		[
			'an element renamed',
			(s: string) => s.replace(/<Angel>0<\/Angel>/, '<Angle>0</Angle>'),
			/Detection\[0\]: children \[Angle/,
		],
		[
			'text where the sample nests elements',
			(s: string) => s.replace(/<Input>[\s\S]*?<\/Input>/, '<Input>pic/ocr1.png</Input>'),
			/Input\[0\]: text, the sample has element/,
		],
	])('catches %s', (_, mutate, message) => {
		const wrong = mutate(text('jobs/ocr-success.xml'));
		expect(wrong).not.toBe(text('jobs/ocr-success.xml'));
		const differences = compareXml(text('jobs/ocr-success.xml'), wrong);
		expect(differences.join('\n')).toMatch(message);
	});

	it('tells one documented shape from another', () => {
		expect(
			compareXml(text('sync-ocr/general.xml'), text('sync-ocr/general-isword.xml')).join('\n'),
		).toMatch(/children \[.*Words×2\]/);
		expect(
			compareXml(text('errors/ci-invalid-argument.xml'), text('errors/cos-no-such-key.xml')).join(
				'\n',
			),
		).toMatch(/Resource/);
		expect(
			compareXml(text('jobs/ocr-submit-template.xml'), text('jobs/card-submit.xml')),
		).not.toEqual([]);
		const nested = text('idcard/advanced-crops-warnings.xml').replace(
			'<WarnInfos>-9102</WarnInfos>',
			'<WarnInfos><Code>-9102</Code></WarnInfos>',
		);
		expect(compareXml(text('idcard/advanced-crops-warnings.xml'), nested).join('\n')).toMatch(
			/WarnInfos\[0\]: element, the sample has text/,
		);
	});

	it('without order, still catches missing and extra elements', () => {
		const reordered = text('templates/get.xml').replace(
			'<TemplateId>t1460606b9752148c4ab182f55163ba7cd</TemplateId>\n<Name>TemplateName</Name>',
			'<Name>TemplateName</Name><TemplateId>t1</TemplateId>',
		);
		expect(compareXml(text('templates/get.xml'), reordered)).not.toEqual([]);
		expect(compareXml(text('templates/get.xml'), reordered, { ordered: false })).toEqual([]);
		expect(
			compareXml(text('templates/get.xml'), reordered.replace('<Category>Custom</Category>', ''), {
				ordered: false,
			}).join('\n'),
		).toMatch(/Category/);
	});
});

describe('compareJson', () => {
	it('finds nothing between a sample and itself', () => {
		expect(
			compareJson(sample('callbacks/card-json.json').body, json('callbacks/card-json.json')),
		).toEqual([]);
	});

	it.each([
		[
			'JobsDetail as an object',
			(b: Record<string, any>) => ({ ...b, JobsDetail: b.JobsDetail[0] }),
			/\$\/JobsDetail\[0\]: object, the sample has array/,
		], // eslint-disable-line @typescript-eslint/no-explicit-any
		[
			'a number leaf',
			(b: Record<string, any>) => ((b.JobsDetail[0].Operation.ImageLicenseRecResult.Status = 1), b),
			/ImageLicenseRecResult\[0\]\/Status\[0\]: number, the sample has string/,
		], // eslint-disable-line @typescript-eslint/no-explicit-any
		[
			'an empty element kept as ""',
			(b: Record<string, any>) => ({
				EventName: b.EventName,
				JobsDetail: [{ Code: 'Success', Message: '', ...b.JobsDetail[0] }],
			}),
			/children \[Code, Message, JobId/,
		], // eslint-disable-line @typescript-eslint/no-explicit-any
		[
			'a Response wrapper',
			(b: Record<string, any>) => ({ Response: b }),
			/\$: children \[Response\]/,
		], // eslint-disable-line @typescript-eslint/no-explicit-any
		[
			'three Points instead of four',
			(b: Record<string, any>) => (
				b.JobsDetail[0].Operation.ImageLicenseRecResult.IdInfo[0].Location.Point.pop(),
				b
			),
			/Location\[0\]\/Point: 3 items, the sample has 4/,
		], // eslint-disable-line @typescript-eslint/no-explicit-any
	])('catches %s', (_, mutate, message) => {
		const differences = compareJson(
			sample('callbacks/card-json.json').body,
			mutate(json('callbacks/card-json.json')),
		);
		expect(differences.join('\n')).toMatch(message);
	});
});
