/**
 * `@n8n/di` and `@n8n/backend-common` exactly as n8n-core sees them.
 *
 * The install holds several copies of these (n8n-core 2.41 nests its own, @n8n/node-cli pulls
 * older ones to the top of node_modules). The DI container is a per-copy singleton and services
 * are registered on the copy that decorated them, so the harness must use n8n-core's copy:
 * importing `@n8n/di` directly would get the top-level one and fail with
 * "[DI] InstanceSettings is not decorated with Service".
 */
import path from 'node:path';

const coreDir = path.dirname(require.resolve('n8n-core'));

function fromCore<T>(id: string): T {
	return require(require.resolve(id, { paths: [coreDir] })) as T;
}

export const { Container } = fromCore<typeof import('@n8n/di')>('@n8n/di');
export const { Logger } = fromCore<typeof import('@n8n/backend-common')>('@n8n/backend-common');
export type Logger = import('@n8n/backend-common').Logger;
