import { NodeApiError, type INode, type JsonObject } from 'n8n-workflow';

import type { Service } from './account';

/** What a CI/COS `<Error>` holds, plus where it came from. */
export interface CiErrorDetails {
	status: number;
	code: string;
	message: string;
	requestId?: string;
	resource?: string;
	/** The server's StringToSign, sent with SignatureDoesNotMatch. */
	stringToSign?: string;
}

const HINTS: Record<string, string> = {
	SignatureDoesNotMatch:
		'The service computed a different signature. Check the SecretKey (and that it belongs to the SecretId), that this computer’s clock is right, and that the COS/CI endpoint points at the bucket’s own host.',
	InvalidAccessKeyId: 'The SecretId is not known to the service. Check it, or get new temporary credentials.',
	ExpiredToken: 'The temporary credentials have expired. Get a new SecretId, SecretKey and Session Token from STS and update the credential.',
	InvalidToken: 'The Session Token does not match the temporary SecretId. Copy all three values from the same STS answer.',
	RequestTimeTooSkewed: 'This computer’s clock differs too much from the service’s. Synchronize the clock (NTP) and try again.',
	AccessDenied:
		'The keys are valid but not allowed to do this: check the CAM policy of the key (for OCR, ci:CreateOCRJob and the bucket’s read/write permissions).',
	NoSuchKey: 'No object with this key exists in the bucket. Check the key (it is case-sensitive and includes any folder prefix).',
	NoSuchBucket: 'The bucket does not exist in this region. Check the bucket (BucketName-APPID) and the region of the credential.',
	SlowDown: 'The service is limiting the request rate. Lower the number of items processed at once.',
};

export function hintFor(code: string): string | undefined {
	return HINTS[code];
}

export function ciApiError(node: INode, details: CiErrorDetails, service: Service, itemIndex?: number): NodeApiError {
	const where = service === 'ci' ? 'Cloud Infinite' : 'COS';
	const facts = [`HTTP ${details.status}`, details.requestId ? `RequestId ${details.requestId}` : undefined]
		.filter(Boolean)
		.join(', ');
	const description = [hintFor(details.code), facts, details.stringToSign ? `Server StringToSign: ${details.stringToSign}` : undefined]
		.filter(Boolean)
		.join('\n');
	const response: JsonObject = {
		Code: details.code,
		Message: details.message,
		RequestId: details.requestId ?? null,
		Resource: details.resource ?? null,
	};
	return new NodeApiError(node, response, {
		message: `${where} error ${details.code}: ${details.message || 'no message'}`,
		description,
		httpCode: String(details.status),
		itemIndex,
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
	ERR_BAD_RESPONSE: 'the answer was cut off',
};

/** A failure with no HTTP answer; built from the code alone so that no request header can leak. */
export function networkError(
	node: INode,
	failure: { code: string; message: string; attempts: number; unsafeToRepeat: boolean; timeoutSeconds?: number },
	itemIndex?: number,
): NodeApiError {
	const tries = failure.attempts > 1 ? ` after ${failure.attempts} attempts` : '';
	// The code stays out of the message: n8n would swap a message naming it for its generic text.
	const timedOut = failure.code === 'ECONNABORTED' && failure.timeoutSeconds !== undefined;
	const reason = timedOut ? `no answer within ${failure.timeoutSeconds} s (Request Timeout option)` : (NETWORK_FAILURES[failure.code] ?? 'the request failed');
	const message = `Could not reach Tencent Cloud Infinite${tries}: ${reason}`;
	const advice = failure.unsafeToRepeat
		? 'The request may have reached the service before the connection broke, so it was not sent again: check (for a job, with Job › Get Many) before repeating it.'
		: 'Check the network, any proxy, and the COS/CI endpoints of the credential.';
	return new NodeApiError(node, { networkErrorCode: failure.code } as JsonObject, {
		message,
		description: `${failure.code ? `${failure.code}: ` : ''}${failure.message}. ${advice}`,
		itemIndex,
	});
}
