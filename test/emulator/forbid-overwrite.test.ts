/**
 * The emulator's PUT Object with `x-cos-forbid-overwrite: true` (requests signed by the official
 * SDK, which signs every x-cos-* header): a new key is created; an existing key is refused with
 * the status Tencent's code shows (409) and left as it was; without the header, or with any other
 * value, the object is overwritten as usual. Sources and gaps: test/conformance/objects/.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { useEmulator } from '../helpers/emulator-setup';
import { errorCode, send, xml } from './client';

const { emulator } = useEmulator();

const sample = JSON.parse(
	readFileSync(
		path.join(__dirname, '../conformance/objects/put-object-forbid-overwrite-exists.json'),
		'utf8',
	),
) as { http: string };

const put = async (key: string, body: string, forbid?: string) =>
	await send(emulator(), 'cos', 'PUT', key, {
		body,
		headers: {
			'content-type': 'text/plain',
			...(forbid === undefined ? {} : { 'x-cos-forbid-overwrite': forbid }),
		},
	});

describe('PUT Object with x-cos-forbid-overwrite', () => {
	it('creates a key that does not exist', async () => {
		expect((await put('markers/a', 'first', 'true')).status).toBe(200);
		expect(emulator().objects.get('markers/a')?.toString()).toBe('first');
	});

	it('refuses an existing key with the documented status (409), leaving the object, and says the code is not documented', async () => {
		await put('markers/b', 'first', 'true');
		const refused = await put('markers/b', 'second', 'true');
		expect(refused.status).toBe(Number(sample.http.split(';')[0]));
		expect(errorCode(refused)).toBe('EmulatorUndocumented');
		expect(xml(refused, 'Error').RequestId).toBeTruthy();
		expect(emulator().objects.get('markers/b')?.toString()).toBe('first');
	});

	it.each([
		['without the header', undefined],
		['with false', 'false'],
	])('overwrites %s', async (_name, forbid) => {
		await put('markers/c', 'first');
		expect((await put('markers/c', 'second', forbid)).status).toBe(200);
		expect(emulator().objects.get('markers/c')?.toString()).toBe('second');
	});

	it('lets exactly one of 20 concurrent first PUTs of one key through', async () => {
		const answers = await Promise.all(
			Array.from(
				{ length: 20 },
				async (_unused, index) => await put('markers/d', `writer ${index}`, 'true'),
			),
		);
		expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
		expect(answers.filter((answer) => answer.status === 409)).toHaveLength(19);
	});
});
