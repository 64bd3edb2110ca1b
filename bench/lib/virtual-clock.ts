import type { JobTimers } from '../../emulator';

/**
 * An emulated clock: `sleep(ms)` moves time forward at once, running the timers that fall due on
 * the way (the emulator's job timers), so a 300-second wait takes milliseconds while every
 * decision is taken on the emulated time.
 */
export class VirtualClock {
	private time: number;
	private nextId = 1;
	private readonly pending = new Map<number, { due: number; action: () => void }>();
	/** Every sleep asked for: when, and how long. */
	readonly sleeps: Array<{ at: number; ms: number }> = [];

	constructor(start = Date.now()) {
		this.time = start;
	}

	readonly now = (): number => this.time;

	readonly timers: JobTimers = {
		setTimeout: (action, ms) => {
			const id = this.nextId++;
			this.pending.set(id, { due: this.time + Math.max(0, ms), action });
			return id;
		},
		clearTimeout: (handle) => {
			this.pending.delete(handle as number);
		},
	};

	readonly sleep = async (ms: number): Promise<void> => {
		this.sleeps.push({ at: this.time, ms });
		const target = this.time + Math.max(0, ms);
		for (;;) {
			const due = [...this.pending.entries()]
				.filter(([, timer]) => timer.due <= target)
				.sort((a, b) => a[1].due - b[1].due)[0];
			if (!due) break;
			this.pending.delete(due[0]);
			this.time = due[1].due;
			due[1].action();
			// Let what the timer started (the emulator finishing a job) run to its end.
			await new Promise((resolve) => setImmediate(resolve));
		}
		this.time = target;
		await new Promise((resolve) => setImmediate(resolve));
	};
}
