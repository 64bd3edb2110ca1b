import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import type { Service } from './account';

/** What a COS/CI `<Error>` holds (cos-go-sdk-v5 error.go `ErrorResponse`), plus its HTTP status. */
export interface CiErrorDetails {
	status: number;
	code: string;
	message: string;
	requestId?: string;
	/** `<TraceId>` or the `x-cos-trace-id` header: what Tencent's support asks for. */
	traceId?: string;
	resource?: string;
	/** The server's StringToSign, sent with SignatureDoesNotMatch. */
	stringToSign?: string;
}

/** The input an item's request was about, named in its error and carried in its error item. */
export type InputRef =
	// For a job: the template it was submitted with, or its ID once it exists.
	| { objectKey: string; fileName?: string | null; templateId?: string; jobId?: string }
	| { url: string }
	| { fileName: string | null }
	| { templateId: string }
	| { jobId: string }
	| { jobIds: string[] };

/** What an error of this package carries in `error.context`, for error items. */
export interface ErrorFacts {
	code?: string;
	httpCode?: string;
	requestId?: string;
	traceId?: string;
	input?: InputRef;
}

const HINTS: Record<string, string> = {
	SignatureDoesNotMatch:
		'The service computed a different signature. Check the SecretKey (and that it belongs to the SecretId), that this computer’s clock is right, and that the COS/CI endpoint points at the bucket’s own host.',
	InvalidAccessKeyId:
		'The SecretId is not known to the service. Check it, or get new temporary credentials.',
	ExpiredToken:
		'The temporary credentials have expired. Get a new SecretId, SecretKey and Session Token from STS and update the credential.',
	InvalidToken:
		'The Session Token does not match the temporary SecretId. Copy all three values from the same STS answer.',
	RequestTimeTooSkewed:
		'This computer’s clock differs too much from the service’s. Synchronize the clock (NTP) and try again.',
	AccessDenied:
		'The keys are valid but not allowed to do this: check the CAM policy of the key (for OCR, ci:CreateOCRJob and the bucket’s read/write permissions).',
	NoSuchKey:
		'No object with this key exists in the bucket. Check the key (it is case-sensitive and includes any folder prefix).',
	NoSuchBucket:
		'The bucket does not exist in this region. Check the bucket (BucketName-APPID) and the region of the credential.',
	SlowDown: 'The service is limiting the request rate. Lower "Items at Once".',
	MissingAuthorization:
		'The request reached Cloud Infinite without a signature. Check the COS/CI endpoints of the credential (a proxy may drop the Authorization header).',
	InvalidAuthorization:
		'The service could not read the signature. Check the COS/CI endpoints of the credential and any proxy in between.',
	SecretidNotExist:
		'The SecretId is not known to the service. Check it, or get new temporary credentials.',
	SignatureExpired:
		'The signature has expired: this computer’s clock is probably wrong. Synchronize the clock (NTP) and try again.',
	PermanentRedirect:
		'The CI host answers only https: use https:// in the CI Endpoint of the credential (or leave it empty).',
	ResourceNotFound:
		'The template, job or queue does not exist in this bucket and region. Check the ID.',
};

export function hintFor(code: string): string | undefined {
	return HINTS[code];
}

/**
 * n8n replaces an error message that contains a Node.js error code anywhere, case-insensitively
 * ("ResourceNotFound" contains ENOTFOUND, a template called "eaccess" EACCES) with its own
 * generic text (n8n-workflow errors/abstract/node.error.js `setDescriptiveErrorMessage`). The
 * messages here are written for the user, so they are put back after construction.
 */
function keepMessage<T extends NodeApiError | NodeOperationError>(
	error: T,
	message: string,
	facts: ErrorFacts,
): T {
	error.message = message;
	Object.assign(error.context, { ci: facts });
	return error;
}

/**
 * A failed AI-agent tool call reaches the model as its error message alone: n8n 2.41 answers the
 * call with `{ error: message }` (n8n-core execution-engine/workflow-execute.js
 * `handleNodeExecutionError`), so the description, where the hint is, never reaches it. Run as a
 * tool (the node type n8n names `<name>Tool`), the node's errors carry their description in the
 * message, as n8n itself does for tools called through LangChain (n8n-core
 * node-execution-context/utils/get-input-connection-data.js `makeHandleToolInvocation`).
 */
export function withDetailsForModel(node: INode, error: unknown): unknown {
	if (
		!node.type.endsWith('Tool') ||
		!(error instanceof NodeApiError || error instanceof NodeOperationError)
	)
		return error;
	const description = typeof error.description === 'string' ? error.description.trim() : '';
	if (description && !error.message.includes(description))
		error.message = `${error.message}\n\nDetails: ${description}`;
	return error;
}

/** The facts an error of this package carries (see `keepMessage`), or none for any other error. */
export function factsOf(error: unknown): ErrorFacts | undefined {
	const context = (error as { context?: { ci?: ErrorFacts } } | undefined)?.context;
	return context?.ci;
}

export function describeInput(input: InputRef): string {
	if ('objectKey' in input) return `object "${input.objectKey}"`;
	if ('url' in input) return `URL ${input.url}`;
	if ('templateId' in input) return `template ${input.templateId}`;
	if ('jobIds' in input)
		return `job${input.jobIds.length > 1 ? 's' : ''} ${input.jobIds.join(', ')}`;
	if ('jobId' in input) return `job ${input.jobId}`;
	return input.fileName ? `file "${input.fileName}"` : 'the binary file';
}

/** A refused input or a failed step of this package: the message names the parameter or input. */
export function operationError(
	node: INode,
	message: string,
	options: { itemIndex?: number; description?: string; input?: InputRef } = {},
): NodeOperationError {
	const error = new NodeOperationError(node, message, {
		itemIndex: options.itemIndex,
		description: options.description,
	});
	return keepMessage(error, message, { input: options.input });
}

export function ciApiError(
	node: INode,
	details: CiErrorDetails,
	service: Service,
	options: { itemIndex?: number; input?: InputRef } = {},
): NodeApiError {
	const where = service === 'ci' ? 'Cloud Infinite' : 'COS';
	const about = options.input ? ` for ${describeInput(options.input)}` : '';
	const message = `${where} error ${details.code}${about}: ${details.message || 'no message'}`;
	const facts = [
		`HTTP ${details.status}`,
		details.requestId ? `RequestId ${details.requestId}` : undefined,
		details.traceId ? `TraceId ${details.traceId}` : undefined,
	]
		.filter(Boolean)
		.join(', ');
	const description = [
		hintFor(details.code),
		facts,
		details.stringToSign ? `Server StringToSign: ${details.stringToSign}` : undefined,
	]
		.filter(Boolean)
		.join('\n');
	const response: JsonObject = {
		Code: details.code,
		Message: details.message,
		RequestId: details.requestId ?? null,
		TraceId: details.traceId ?? null,
		Resource: details.resource ?? null,
	};
	const error = new NodeApiError(node, response, {
		message,
		description,
		httpCode: String(details.status),
		itemIndex: options.itemIndex,
	});
	return keepMessage(error, message, {
		code: details.code,
		httpCode: String(details.status),
		requestId: details.requestId,
		traceId: details.traceId,
		input: options.input,
	});
}

const NETWORK_FAILURES: Record<string, string> = {
	ECONNRESET: 'the connection was reset',
	ECONNREFUSED: 'the connection was refused',
	ECONNABORTED: 'the request timed out',
	ETIMEDOUT: 'the connection timed out',
	EPIPE: 'the connection broke',
	ENOTFOUND: 'the host name was not found',
	EAI_AGAIN: 'the host name could not be resolved',
	EHOSTUNREACH: 'the host is unreachable',
	ERR_BAD_RESPONSE: 'the answer was cut off',
};

/** Plain words for a network failure (also used by the credential's Test). */
export function networkFailureText(code: string): string {
	return NETWORK_FAILURES[code] ?? 'the request failed';
}

/** A failure with no HTTP answer; built from the code alone so that no request header can leak. */
export function networkError(
	node: INode,
	failure: {
		code: string;
		message: string;
		attempts: number;
		unsafeToRepeat: boolean;
		timeoutSeconds?: number;
		origin?: string;
	},
	options: { itemIndex?: number; input?: InputRef } = {},
): NodeApiError {
	const tries = failure.attempts > 1 ? ` after ${failure.attempts} attempts` : '';
	const timedOut = failure.code === 'ECONNABORTED' && failure.timeoutSeconds !== undefined;
	const reason = timedOut
		? `no answer within ${failure.timeoutSeconds} s (Request Timeout option)`
		: networkFailureText(failure.code);
	const at = failure.origin ? ` at ${failure.origin}` : '';
	const message = `Could not reach Tencent Cloud Infinite${at}${tries}: ${reason}`;
	const advice = failure.unsafeToRepeat
		? 'The request may have reached the service before the connection broke, so it was not sent again: check (for a job, with Job › Get Many) before repeating it.'
		: 'Check the network, any proxy, and the COS/CI endpoints of the credential.';
	const error = new NodeApiError(node, { networkErrorCode: failure.code } as JsonObject, {
		message,
		description: `${failure.code ? `${failure.code}: ` : ''}${failure.message}. ${advice}`,
		itemIndex: options.itemIndex,
	});
	return keepMessage(error, message, { code: failure.code || undefined, input: options.input });
}
