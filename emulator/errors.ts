/** An error answer of the service: `<Error><Code/><Message/>...</Error>` with an HTTP status. */
export class ServiceError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly extra: Record<string, string> = {},
	) {
		super(message);
	}
}

export const invalidArgument = (message: string) => new ServiceError(400, 'InvalidArgument', message);
export const notFound = (message: string) => new ServiceError(400, 'ResourceNotFound', message);
