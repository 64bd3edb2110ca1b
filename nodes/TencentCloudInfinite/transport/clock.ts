/**
 * Seconds to add to the local clock for each origin, learned from the server's `Date` after a
 * `RequestTimeTooSkewed` answer and kept for the life of the process, as the SDK keeps its
 * SystemClockOffset.
 */
const offsets = new Map<string, number>();

export function clockOffsetSeconds(origin: string): number {
	return offsets.get(origin) ?? 0;
}

/** Remembers the offset that a server's `Date` header implies; returns false when it has none. */
export function rememberServerDate(
	origin: string,
	serverDate: string | undefined,
	now = Date.now(),
): boolean {
	const serverTime = serverDate ? Date.parse(serverDate) : NaN;
	if (Number.isNaN(serverTime)) return false;
	offsets.set(origin, Math.round((serverTime - now) / 1000));
	return true;
}

export function forgetClockOffsets(): void {
	offsets.clear();
}
