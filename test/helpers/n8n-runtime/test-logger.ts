import type { Logger as WorkflowLogger, LogMetadata } from 'n8n-workflow';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface LogEntry {
	level: LogLevel;
	message: string;
	meta?: LogMetadata;
}

function errorReplacer(_key: string, value: unknown) {
	return value instanceof Error ? { name: value.name, message: value.message } : value;
}

const LEVELS: LogLevel[] = ['error', 'warn', 'info', 'debug'];
const MAX_ENTRIES = 2000;

/**
 * Stands in for `@n8n/backend-common`'s `Logger` (registered in the DI container under that class)
 * and for `n8n-workflow`'s `LoggerProxy`. It keeps what n8n logs in memory instead of printing it,
 * so jest output stays quiet; `runWorkflow` hands a run's share back as `result.logs`.
 *
 * Set `N8N_TEST_LOG=error|warn|info|debug` to also print n8n's log lines at or above that level.
 */
export class TestLogger implements WorkflowLogger {
	readonly entries: LogEntry[] = [];

	private readonly printLevel = LEVELS.indexOf((process.env.N8N_TEST_LOG ?? '') as LogLevel);

	error(message: string, meta?: LogMetadata) {
		this.add('error', message, meta);
	}

	warn(message: string, meta?: LogMetadata) {
		this.add('warn', message, meta);
	}

	info(message: string, meta?: LogMetadata) {
		this.add('info', message, meta);
	}

	debug(message: string, meta?: LogMetadata) {
		this.add('debug', message, meta);
	}

	/** `Logger.scoped()` returns a child logger in n8n; one shared buffer is enough here. */
	scoped(_scopes: unknown) {
		return this;
	}

	private dropped = 0;

	/** A position in the log, for `since()`. */
	mark(): number {
		return this.dropped + this.entries.length;
	}

	/** Entries logged since `mark()` returned `position` (as far as the bounded buffer still holds them). */
	since(position: number): LogEntry[] {
		return this.entries.slice(Math.max(0, position - this.dropped));
	}

	private add(level: LogLevel, message: string, meta?: LogMetadata) {
		this.entries.push({ level, message, meta });
		if (this.entries.length > MAX_ENTRIES) {
			const excess = this.entries.length - MAX_ENTRIES;
			this.entries.splice(0, excess);
			this.dropped += excess;
		}
		if (this.printLevel >= 0 && LEVELS.indexOf(level) <= this.printLevel) {
			const details =
				meta && Object.keys(meta).length ? ` ${JSON.stringify(meta, errorReplacer)}` : '';
			process.stderr.write(`[n8n ${level}] ${message}${details}\n`);
		}
	}
}
