/**
 * `npm run dev`: the emulator and n8n's editor on 127.0.0.1, with this package installed as a
 * community package, the emulator's credential and every example workflow imported (the callback
 * trigger's workflow published), and an owner account to sign in with. Stop with Ctrl+C: n8n,
 * the emulator and the temporary user folder go away.
 *
 *   npm run dev                      # n8n on 5678 and the emulator on 9000/9001 when free
 *   npm run dev -- --port 5680       # another n8n port
 *   npm run dev -- --keep            # keep the user folder afterwards (its path is printed)
 */
import { parseArgs } from 'node:util';

import { startEmulator, type Emulator } from '../emulator';
import {
	EXAMPLE_CREDENTIAL,
	importExamples,
	seedEmulator,
	startSampleServer,
	type SampleServer,
} from '../test/helpers/real-n8n/examples';
import { ensureN8n } from '../test/helpers/real-n8n/install';
import {
	DEFAULT_OWNER,
	N8nHome,
	PACKAGE_NAME,
	type N8nServer,
} from '../test/helpers/real-n8n/instance';

const TRIGGER_WORKFLOW = 'tciJobCallback';

/** n8n lines that look worrying but are expected here, with why. */
const EXPECTED: Array<[RegExp, string]> = [
	[
		/Failed to start Python task runner/,
		'expected: no Python here, so the Code node runs JavaScript only',
	],
	[
		/N8N_RUNNERS_MODE -> Internal task runner mode is deprecated/,
		'expected: fine for a local editor',
	],
	[/Legacy aes-256-cbc encryption key not found/, 'expected: a new instance has no legacy key'],
	[
		/Skipping renewal on init: license cert is not initialized/,
		'expected: no license, community edition',
	],
];

function annotate(chunk: string): string {
	return chunk
		.split('\n')
		.map((line) => {
			if (!line.trim()) return line;
			const known = EXPECTED.find(([pattern]) => pattern.test(line));
			return `  n8n │ ${line}${known ? `   ← ${known[1]}` : ''}`;
		})
		.join('\n');
}

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
			keep: { type: 'boolean', default: false },
		},
	});
	const install = ensureN8n();
	const emulator = await startEmulatorOnDefaults();
	seedEmulator(emulator);
	const samples: SampleServer = await startSampleServer();
	const home = await N8nHome.create({ name: 'dev', port: Number(values.port), keep: values.keep });
	let server: N8nServer | undefined;
	let stopping = false;
	const stop = async (code: number) => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping n8n and the emulator…');
		await server?.stop();
		await home.dispose();
		await samples.close();
		await emulator.close();
		if (values.keep) console.log(`Kept the n8n user folder: ${home.dir}`);
		process.exit(code);
	};
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));

	try {
		console.log(
			`n8n ${install.n8nVersion} on Node ${install.nodeVersion}; user folder ${home.dir} (${PACKAGE_NAME} in .n8n/nodes/node_modules)`,
		);
		const workflows = await importExamples(home, emulator, samples);
		await home.publish(TRIGGER_WORKFLOW);
		console.log(
			`Imported the credential "${EXAMPLE_CREDENTIAL.name}" and ${workflows.length} example workflows; published ${TRIGGER_WORKFLOW}. Starting n8n…\n`,
		);
		server = await home.start({
			onOutput: (chunk) => process.stdout.write(`${annotate(chunk.replace(/\n$/, ''))}\n`),
		});
		await server.setupOwner(DEFAULT_OWNER);
		void server.exitedPromise.then((code) => {
			if (!stopping) {
				console.error(`n8n exited (${code}).`);
				void stop(1);
			}
		});

		const trigger = workflows.find((workflow) => workflow.id === TRIGGER_WORKFLOW);
		const webhookId = trigger?.nodes.find((node) => node.webhookId)?.webhookId;
		const width = Math.max(...workflows.map((workflow) => workflow.id.length));
		console.log(
			[
				'',
				`The n8n editor is ready: ${server.url}`,
				`  sign in as ${DEFAULT_OWNER.email} / ${DEFAULT_OWNER.password}`,
				`Emulator: COS ${emulator.cosUrl}, CI ${emulator.ciUrl}, bucket ${emulator.options.bucket} (objects samples/sample.png, samples/id-card.png)`,
				`Sample image for the URL example: ${samples.url}/sample.png`,
				'Example workflows (open one, then "Execute workflow"):',
				...workflows.map(
					(workflow) => `  ${server!.url}/workflow/${workflow.id.padEnd(width)}  ${workflow.name}`,
				),
				`The callback trigger listens on ${server.url}/webhook/${webhookId}/callback: run "${workflows.find((workflow) => workflow.id === 'tciJobWithCallback')?.name}",`,
				`  then see the trigger workflow's Executions tab.`,
				'Press Ctrl+C to stop.',
				'',
			].join('\n'),
		);
	} catch (error) {
		console.error(`dev failed: ${error instanceof Error ? error.message : String(error)}`);
		if (server) console.error(server.output.slice(-3000));
		await stop(1);
	}
}

void main();
