import { readFileSync } from 'fs';
import { join } from 'path';

import {
	signRequest,
	type SignRequestInput,
} from '../../nodes/TencentCloudInfinite/transport/signature';

interface Vector extends SignRequestInput {
	authorization: string;
}

// A copy of the project's reference signature-vectors.json (its `about` says how they were made),
// kept in the repository so that a clone tests on its own.
const vectorsFile = join(__dirname, 'sdk-vectors.json');
const { vectors } = JSON.parse(readFileSync(vectorsFile, 'utf8')) as { vectors: Vector[] };

describe('signRequest reproduces the official SDK vectors', () => {
	it('has vectors to check', () => {
		expect(vectors.length).toBeGreaterThanOrEqual(10);
	});

	it.each(vectors.map((vector, index) => [index, vector] as const))(
		'vector %i',
		(_index, vector) => {
			expect(signRequest(vector)).toBe(vector.authorization);
		},
	);
});

describe('the built signer', () => {
	it('is published at dist/nodes/TencentCloudInfinite/transport/signature.js as signRequest', () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const built = require('../../dist/nodes/TencentCloudInfinite/transport/signature.js') as {
			signRequest: typeof signRequest;
		};
		expect(built.signRequest(vectors[0])).toBe(vectors[0].authorization);
	});
});
