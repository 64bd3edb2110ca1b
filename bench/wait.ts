/**
 * 6. Waiting on a job: Submit OCR Job with Wait for Completion (Poll Interval 2 s, the default)
 * for jobs that take 3 s, 30 s and 300 s, on an emulated clock: the package's real waitForJob
 * (from the built package, through n8n) decides on emulated time, and the emulator's job timers run
 * on the same clock, so nothing waits. Counted: the GET /jobs/<id> requests, against an ideal
 * capped exponential backoff (the interval, doubling, at most 30 s apart: the 30 s ceiling the
 * package promises) and the shortest gap between two requests against the interval.
 */
import { startEmulator } from '../emulator';
import { emulatorCredential } from '../test/helpers/emulator-setup';
import { textPng } from '../test/helpers/images';
import { median, figure, type Figure } from './lib/figures';
import { distModule, runNode } from './lib/package';
import { VirtualClock } from './lib/virtual-clock';

const INTERVAL_S = 2;
const CEILING_S = 30;
const GOAL = 2;

interface JobClock {
	now: () => number;
	sleep: (ms: number) => Promise<void>;
}

/** Polls at 0, then after i, 2i, 4i, ... seconds (at most 30 s apart) until the job is done at `jobSeconds`. */
export function idealPolls(jobSeconds: number, intervalSeconds = INTERVAL_S): number {
	let time = 0;
	let gap = intervalSeconds;
	let polls = 1;
	while (time < jobSeconds) {
		time += gap;
		gap = Math.min(gap * 2, Math.max(CEILING_S, intervalSeconds));
		polls++;
	}
	return polls;
}

async function measure(
	jobSeconds: number,
): Promise<{ polls: number; minGapMs: number; emulatedMs: number }> {
	const clock = new VirtualClock();
	const emulator = await startEmulator({
		engine: 'text',
		jobDelayMs: jobSeconds * 1000,
		jobTimers: clock.timers,
	});
	const { jobClock } = distModule<{ jobClock: JobClock }>('helpers/jobs.js');
	const real = { ...jobClock };
	Object.assign(jobClock, { now: clock.now, sleep: clock.sleep });
	try {
		emulator.objects.set('bench/scan.png', textPng(['Delivery note 7', 'Total 12.00 EUR']));
		const start = clock.now();
		const [item] = await runNode(
			{
				resource: 'job',
				operation: 'submitOcrJob',
				source: 'object',
				objectKey: 'bench/scan.png',
				waitForCompletion: true,
				options: { pollInterval: INTERVAL_S, timeout: 3600 },
			},
			emulatorCredential(emulator),
			[{ json: {} }],
		);
		if (item?.json.state !== 'Success')
			throw new Error(`the job ended ${String(item?.json.state)}`);
		const polls = emulator.requests.filter(
			(r) => r.service === 'ci' && r.method === 'GET' && r.path.startsWith('/jobs/'),
		).length;
		return {
			polls,
			minGapMs: Math.min(...clock.sleeps.map((s) => s.ms)),
			emulatedMs: clock.now() - start,
		};
	} finally {
		Object.assign(jobClock, real);
		await emulator.close();
	}
}

export async function wait(): Promise<Figure[]> {
	const figures: Figure[] = [];
	for (const jobSeconds of [3, 30, 300]) {
		const rounds = [];
		for (let round = 0; round < 3; round++) rounds.push(await measure(jobSeconds));
		const polls = median(rounds.map((r) => r.polls));
		const minGapMs = Math.min(...rounds.map((r) => r.minGapMs));
		const ideal = idealPolls(jobSeconds);
		const noticedAfter = median(rounds.map((r) => r.emulatedMs)) / 1000;
		figures.push(
			figure({
				name: `requests waiting on a ${jobSeconds} s job`,
				value: polls,
				unit: 'requests',
				reference: ideal,
				goal: `ratio <= ${GOAL}, no gap < ${INTERVAL_S} s`,
				met: polls / ideal <= GOAL && minGapMs >= INTERVAL_S * 1000,
				note: `emulated time; Poll Interval ${INTERVAL_S} s; shortest gap ${(minGapMs / 1000).toFixed(1)} s; done noticed after ${noticedAfter.toFixed(1)} s; reference: polls at 0 s then gaps of ${INTERVAL_S} s doubling to at most ${CEILING_S} s`,
				rounds: rounds.map((r) => r.polls),
			}),
		);
	}
	return figures;
}
