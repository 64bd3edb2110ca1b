/* Command line: `npm run emulator -- [flags]`; prints `ready` on stdout once both ports listen. */
import { parseArgs } from 'util';

import { DEFAULTS, EMULATOR_CA_PATH, startEmulator } from './index';

const HELP = `Local Tencent Cloud Infinite emulator (COS objects and sync OCR, CI templates and jobs)

  --cos-port N        COS port                        (default 9000)
  --ci-port N         CI port: https (test-only CA)   (default 9001)
  --secret-id ID      accepted SecretId               (default ${DEFAULTS.secretId})
  --secret-key KEY    its SecretKey                   (default ${DEFAULTS.secretKey})
  --session-token T   require this session token      (default: none)
  --bucket NAME-APPID bucket served                   (default ${DEFAULTS.bucket})
  --region REGION     region reported                 (default ${DEFAULTS.region})
  --job-delay-ms N    time a job takes                (default ${DEFAULTS.jobDelayMs})
  --engine auto|text  OCR engine                      (default auto: tesseract for images)
  --last-page none|empty|extraPage  how the job list marks its last page (default none)
  --latency-ms N      delay every request             (default 0)
  --verbose           one line per request on stderr
  --help              this text`;

/** A whole number flag, within [0, max]; undefined when not given. */
function whole(
	flag: string,
	value: string | undefined,
	max = Number.MAX_SAFE_INTEGER,
): number | undefined {
	if (value === undefined) return undefined;
	if (!/^\d+$/.test(value) || Number(value) > max)
		throw new Error(`--${flag} must be a whole number from 0 to ${max}, not "${value}"`);
	return Number(value);
}

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			'cos-port': { type: 'string', default: '9000' },
			'ci-port': { type: 'string', default: '9001' },
			'secret-id': { type: 'string' },
			'secret-key': { type: 'string' },
			'session-token': { type: 'string' },
			bucket: { type: 'string' },
			region: { type: 'string' },
			'job-delay-ms': { type: 'string' },
			engine: { type: 'string' },
			'last-page': { type: 'string' },
			'latency-ms': { type: 'string' },
			verbose: { type: 'boolean', default: false },
			help: { type: 'boolean', default: false },
		},
	});
	if (values.help) {
		console.log(HELP);
		return;
	}
	const engine = values.engine ?? 'auto';
	if (engine !== 'auto' && engine !== 'text') throw new Error('--engine must be auto or text');
	const lastPage = values['last-page'] ?? 'none';
	if (lastPage !== 'none' && lastPage !== 'empty' && lastPage !== 'extraPage')
		throw new Error('--last-page must be none, empty or extraPage');
	const latencyMs = whole('latency-ms', values['latency-ms']);
	const emulator = await startEmulator({
		cosPort: whole('cos-port', values['cos-port'], 65535),
		ciPort: whole('ci-port', values['ci-port'], 65535),
		secretId: values['secret-id'],
		secretKey: values['secret-key'],
		sessionToken: values['session-token'],
		bucket: values.bucket,
		region: values.region,
		jobDelayMs: whole('job-delay-ms', values['job-delay-ms']),
		engine,
		lastPage,
		verbose: values.verbose,
	});
	if (latencyMs) emulator.setFaults({ latencyMs });
	process.stderr.write(
		`emulator: COS ${emulator.cosUrl}, CI ${emulator.ciUrl}, bucket ${emulator.options.bucket}, region ${emulator.options.region}\n`,
	);
	process.stderr.write(
		`emulator: trust the CI port's TEST-ONLY certificate with NODE_EXTRA_CA_CERTS=${EMULATOR_CA_PATH}\n`,
	);
	console.log('ready');
	const stop = () => void emulator.close().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
	process.stderr.write(`emulator: ${(error as Error).message}\n`);
	process.exit(1);
});
