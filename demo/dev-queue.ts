/**
 * `npm run dev:queue`: n8n in queue mode on 127.0.0.1, as a scaled deployment runs it, with this
 * package installed in every process: PostgreSQL and Redis from Debian's packages (installed with
 * apt-get when missing; data in throwaway folders), an n8n main (the editor), two workers, two
 * webhook processors behind a balancer that receives the production webhooks, and the emulator,
 * with its credential and every example workflow imported (the callback trigger's published).
 * Ctrl+C stops everything it started and removes the folders.
 *
 *   npm run dev:queue                                    # editor on 5678 when free
 *   npm run dev:queue -- --port 5690 --workers 3 --webhooks 1
 *   npm run dev:queue -- --binary-data-mode filesystem   # or database (default), default
 */
import { parseArgs } from 'node:util';

import { startEmulator, type Emulator } from '../emulator';
import { N8nCluster, type BinaryDataMode } from '../test/helpers/real-n8n/cluster';
import {
	EXAMPLE_CREDENTIAL,
	importExamples,
	seedEmulator,
	startSampleServer,
} from '../test/helpers/real-n8n/examples';
import { ensureN8n } from '../test/helpers/real-n8n/install';
import { DEFAULT_OWNER, PACKAGE_NAME } from '../test/helpers/real-n8n/instance';

const TRIGGER_WORKFLOW = 'tciJobCallback';
const MODES: BinaryDataMode[] = ['database', 'filesystem', 'default'];

async function startEmulatorOnDefaults(): Promise<Emulator> {
	try {
		return await startEmulator({ cosPort: 9000, ciPort: 9001 });
	} catch {
		return await startEmulator();
	}
}

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			port: { type: 'string', default: '5678' },
			'webhook-port': { type: 'string', default: '5680' },
			workers: { type: 'string', default: '2' },
			webhooks: { type: 'string', default: '2' },
			'binary-data-mode': { type: 'string', default: 'database' },
		},
	});
	const mode = values['binary-data-mode'] as BinaryDataMode;
	if (!MODES.includes(mode))
		throw new Error(
			`--binary-data-mode must be one of ${MODES.join(', ')} (s3 and azure need an n8n licence), not "${mode}"`,
		);
	const install = ensureN8n();
	const emulator = await startEmulatorOnDefaults();
	seedEmulator(emulator);
	const samples = await startSampleServer();
	console.log('Starting PostgreSQL and Redis…');
	const cluster = await N8nCluster.create({
		workers: Number(values.workers),
		webhooks: Number(values.webhooks),
		binaryDataMode: mode,
		mainPort: Number(values.port),
		balancerPort: Number(values['webhook-port']),
		onLine: (name, line) => {
			if (line.trim()) console.log(`  ${name.padEnd(9)} │ ${line}`);
		},
	});
	let stopping = false;
	const stop = async (code: number) => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping n8n (all processes), PostgreSQL, Redis and the emulator…');
		await cluster.dispose();
		await samples.close();
		await emulator.close();
		process.exit(code);
	};
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));

	try {
		console.log(
			`n8n ${install.n8nVersion} on Node ${install.nodeVersion}, ${cluster.postgres.version}, ${cluster.redis.version}; ${PACKAGE_NAME} installed in each process's user folder`,
		);
		const workflows = await importExamples(cluster.main.home, emulator, samples, {
			n8nBase: cluster.webhookUrl,
		});
		await cluster.main.home.publish(TRIGGER_WORKFLOW);
		console.log(
			`Imported the credential "${EXAMPLE_CREDENTIAL.name}" and ${workflows.length} example workflows; published ${TRIGGER_WORKFLOW}. Starting n8n…\n`,
		);
		await cluster.startAll();
		await cluster.setupOwner(DEFAULT_OWNER);
		for (const entry of cluster.processes) {
			void entry.server!.exitedPromise.then((exitCode) => {
				if (!stopping) {
					console.error(`${entry.name} exited (${exitCode}).`);
					void stop(1);
				}
			});
		}
		const webhookId = workflows
			.find((workflow) => workflow.id === TRIGGER_WORKFLOW)
			?.nodes.find((node) => node.webhookId)?.webhookId;
		console.log(
			[
				'',
				`The n8n editor is ready: ${cluster.editorUrl}`,
				`  sign in as ${DEFAULT_OWNER.email} / ${DEFAULT_OWNER.password}`,
				`Queue mode: main ${cluster.editorUrl}, ${cluster.workers.map((entry) => entry.name).join(', ')}, ${cluster.webhooks.map((entry) => `${entry.name} (${entry.url})`).join(', ')}`,
				`  production webhooks: ${cluster.webhookUrl}/webhook/… (spread over the webhook processors)`,
				`  PostgreSQL 127.0.0.1:${cluster.postgres.port} (database n8n, user n8n), Redis 127.0.0.1:${cluster.redis.port}, binary data mode ${cluster.binaryDataMode}`,
				`Emulator: COS ${emulator.cosUrl}, CI ${emulator.ciUrl}, bucket ${emulator.options.bucket}`,
				`The callback trigger listens on ${cluster.webhookUrl}/webhook/${webhookId}/callback; its deliveries are recorded under n8n-trigger-deliveries/ in the bucket.`,
				'Run an example in the editor: it executes on a worker (see the worker lines above). Press Ctrl+C to stop.',
				'',
			].join('\n'),
		);
	} catch (error) {
		console.error(`dev:queue failed: ${error instanceof Error ? error.message : String(error)}`);
		await stop(1);
	}
}

void main();
