/** `PUT /jobs/<id>[,<id>…]?cancel` (cancel/success.json, cancel/SILENT.md). */
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import { startEmulator, type Emulator } from '../../emulator';
import { textPng } from '../helpers/images';
import { errorCode, send, until, xml, type SendOptions } from './client';
import { ManualTimers } from './manual-timers';

const clock = new ManualTimers();
let emulator: Emulator;
let receiver: Server;
let hook: string;
let callbacks = 0;
beforeAll(async () => {
	emulator = await startEmulator({ engine: 'text', jobDelayMs: 1000, jobTimers: clock.timers });
	receiver = createServer((req, res) => {
		callbacks++;
		req.resume();
		res.end();
	});
	await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
beforeEach(() => {
	callbacks = 0;
	emulator.objects.set('in.png', textPng('text'));
});
afterEach(() => emulator.reset());
afterAll(async () => {
	await emulator.close();
	await new Promise((resolve) => receiver.close(resolve));
});

async function submit(card = false): Promise<string> {
	const operation = card
		? '<ImageLicenseRec><CardType>IDCard</CardType></ImageLicenseRec>'
		: '<ImageOCR><Type>general</Type></ImageOCR>';
	const body = `<Request><Tag>${card ? 'ImageLicenseRec' : 'ImageOCR'}</Tag><Input><Object>in.png</Object></Input><Operation>${operation}</Operation><CallBack>${hook}</CallBack></Request>`;
	const reply = await send(emulator, 'ci', 'POST', 'jobs', {
		body,
		headers: { 'content-type': 'application/xml' },
	});
	return xml(reply).JobsDetail[0].JobId as string;
}
/** The SDKs' three forms: `?cancel` signed (Go), `?cancel=` signed (Node), `?cancel` unsigned (Python). */
const FORMS: Record<string, Pick<SendOptions, 'query' | 'rawSearch'>> = {
	go: { query: { cancel: '' }, rawSearch: 'cancel' },
	node: { query: { cancel: '' } },
	python: { query: {}, rawSearch: 'cancel' },
};
const cancel = (ids: string, form = FORMS.go) => send(emulator, 'ci', 'PUT', `jobs/${ids}`, form);
const state = async (id: string) =>
	xml(await send(emulator, 'ci', 'GET', `jobs/${id}`)).JobsDetail[0].State as string;

it.each(Object.keys(FORMS))(
	'cancels a Submitted job (%s form): an empty 200, State Cancel, timers stopped, no callback',
	async (form) => {
		const id = await submit();
		const reply = await cancel(id, FORMS[form]);
		expect([reply.status, reply.text, reply.headers['content-type']]).toEqual([200, '', undefined]);
		expect(await state(id)).toBe('Cancel');
		expect(clock.pending).toBe(0);
		clock.advance(5000);
		expect(await state(id)).toBe('Cancel');
		const detail = xml(await send(emulator, 'ci', 'GET', `jobs/${id}`)).JobsDetail[0];
		expect([detail.StartTime, detail.EndTime, detail.Operation.Detection]).toEqual([
			'-',
			'-',
			undefined,
		]);
		// A finished neighbour's callback proves callbacks do arrive here; the cancelled job sends none.
		const other = await submit();
		clock.advance(1000);
		await until(() => emulator.stats.callbacksSent === 1);
		expect([callbacks, emulator.jobs.byId.get(other)?.state, await state(id)]).toEqual([
			1,
			'Success',
			'Cancel',
		]);
	},
);

it('cancels card jobs, and several ids at once (at most 10)', async () => {
	const ids = [await submit(true), await submit(), await submit(true)];
	expect((await cancel(ids.join(','))).status).toBe(200);
	for (const id of ids) expect(await state(id)).toBe('Cancel');
	const many = [];
	for (let i = 0; i < 11; i++) many.push(await submit());
	const tooMany = await cancel(many.join(','));
	expect([tooMany.status, errorCode(tooMany)]).toEqual([501, 'EmulatorUndocumented']);
	expect(await state(many[0])).toBe('Submitted');
	expect((await cancel(many.slice(0, 10).join(','))).status).toBe(200);
});

it('refuses, with 501 EmulatorUndocumented and nothing cancelled, what no source documents', async () => {
	const submitted = await submit();
	const finished = await submit();
	clock.advance(500);
	const running = await submit();
	clock.advance(500);
	await until(() => emulator.jobs.byId.get(finished)?.state === 'Success');
	const waiting = await submit();
	expect([await state(running), await state(waiting)]).toEqual(['Running', 'Submitted']);
	const cases: Array<[string, RegExp]> = [
		[running, /is Running/],
		[finished, /is Success/],
		['a00000000000000000000000000000000', /unknown job/],
		[`${waiting},a00000000000000000000000000000000`, /unknown job/],
	];
	for (const [ids, message] of cases) {
		const reply = await cancel(ids);
		expect([reply.status, errorCode(reply)]).toEqual([501, 'EmulatorUndocumented']);
		expect(xml(reply, 'Error').Message).toMatch(message);
		expect(xml(reply, 'Error').Resource).toBeUndefined();
	}
	expect(await state(waiting)).toBe('Submitted');
	const twice = await submit();
	expect((await cancel(twice)).status).toBe(200);
	expect(errorCode(await cancel(twice))).toBe('EmulatorUndocumented');
	const plainPut = await send(emulator, 'ci', 'PUT', `jobs/${submitted}`);
	expect([plainPut.status, errorCode(plainPut)]).toEqual([501, 'EmulatorUndocumented']);
	expect(xml(plainPut, 'Error').Message).toMatch(/without cancel/);
});
