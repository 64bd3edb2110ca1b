/**
 * An error answer of the service: `<Error><Code/><Message/>...</Error>` with an HTTP status.
 * `envelope` forces the CI envelope (no `Resource`, `x-ci-*` ids) on the COS host, as the
 * ID-card API's business errors use it (test/conformance/idcard/error-no-idcard.xml).
 */
export class ServiceError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly extra: Record<string, string> = {},
		readonly envelope?: 'ci',
	) {
		super(message);
	}
}

export const invalidArgument = (message: string) =>
	new ServiceError(400, 'InvalidArgument', message);

/**
 * What the service answers here is documented nowhere (see the corpus's SILENT.md files): the
 * emulator refuses loudly with a code no service sends, so that no test can pass on a guess.
 */
export const undocumented = (message: string) =>
	new ServiceError(
		501,
		'EmulatorUndocumented',
		`${message} (the emulator's answer: no Tencent source documents this case)`,
	);
