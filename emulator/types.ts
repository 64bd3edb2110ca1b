/** Options of the local Cloud Infinite emulator; every field has a default (see README.md). */
export interface EmulatorOptions {
	/** 0 picks a free port. */
	cosPort?: number;
	ciPort?: number;
	secretId?: string;
	secretKey?: string;
	/** When set, every request must carry this token (x-cos-security-token / x-ci-security-token). */
	sessionToken?: string;
	bucket?: string;
	region?: string;
	/** Milliseconds a job takes from Submitted to Success or Failed (Running half-way). */
	jobDelayMs?: number;
	/**
	 * 'auto': images made by textPng() give their embedded text, other PNG/JPEG/BMP go through
	 * tesseract, PDFs give their pages' text; 'text': the same without tesseract (other images are
	 * refused with 501 EmulatorEngineText). No engine reads a file as text.
	 */
	engine?: 'auto' | 'text';
	/**
	 * How the job list marks its last page, which no source documents (jobs/SILENT.md): 'none'
	 * (default) leaves NextToken out, 'empty' sends `<NextToken/>`, 'extraPage' a token whose page is empty.
	 */
	lastPage?: 'none' | 'empty' | 'extraPage';
	/** Writes one line per request to stderr. */
	verbose?: boolean;
	/**
	 * Timers that move jobs from Submitted to Running to their end (default: the real `setTimeout`
	 * and `clearTimeout`). A benchmark passes an emulated clock's timers to let a job take 300 s
	 * without waiting for it.
	 */
	jobTimers?: JobTimers;
}

export interface JobTimers {
	setTimeout(action: () => void, ms: number): unknown;
	clearTimeout(handle: unknown): void;
}

export type Service = 'cos' | 'ci';

/** Fault switches for reliability tests and benchmarks; `setFaults` replaces them all. */
export interface Faults {
	/** Delay before every matching request is handled. */
	latencyMs?: number;
	/** Status and code of injected errors (default SlowDown: 429 on the CI host, 503 on COS). */
	errorStatus?: number;
	errorCode?: string;
	/** Fail the next N matching requests. */
	errorCount?: number;
	/** Fail this share (0..1) of matching requests, from a seeded sequence. */
	errorRate?: number;
	/** Destroy the connection of the next N matching requests without an answer. */
	resetCount?: number;
	/** 'before' (default): the request is not handled; 'after': it is handled (a job is created), then the answer is dropped. */
	resetMode?: 'before' | 'after';
	/** Send the headers and half the body of the next N matching answers, then destroy the connection. */
	truncateCount?: number;
	/** The service's clock runs this many seconds ahead of the real one (negative: behind). */
	clockOffsetSeconds?: number;
	/** Temporary credentials are refused with 400 ExpiredToken. */
	tokenExpired?: boolean;
	/** Jobs end in Failed with code InternalError. */
	failJobs?: boolean;
	/** Which requests the request faults apply to (all when absent). */
	match?: { service?: Service; method?: string; path?: string };
}

export interface RequestRecord {
	service: Service;
	method: string;
	/** Decoded path. */
	path: string;
	/** Decoded query. */
	query: Record<string, string>;
	status: number;
}

export interface EmulatorStats {
	requests: number;
	jobsSubmitted: number;
	templatesCreated: number;
	callbacksSent: number;
	callbacksFailed: number;
	/** Most requests handled at the same time since the last reset. */
	maxConcurrentRequests: number;
}
