import type { JobTimers } from '../../emulator';

/** Job timers a test moves by hand (the emulator's `jobTimers` option): a job is Running or done only when the test says so. */
export class ManualTimers {
	private now = 0;
	private readonly due = new Set<{ at: number; action: () => void }>();

	readonly timers: JobTimers = {
		setTimeout: (action, ms) => {
			const timer = { at: this.now + ms, action };
			this.due.add(timer);
			return timer;
		},
		clearTimeout: (handle) => {
			this.due.delete(handle as { at: number; action: () => void });
		},
	};

	/** Timers not yet fired. */
	get pending(): number {
		return this.due.size;
	}

	/** Runs every timer due within `ms`, earliest first. */
	advance(ms: number): void {
		this.now += ms;
		for (;;) {
			const next = [...this.due]
				.filter((timer) => timer.at <= this.now)
				.sort((a, b) => a.at - b.at)[0];
			if (!next) return;
			this.due.delete(next);
			next.action();
		}
	}
}
