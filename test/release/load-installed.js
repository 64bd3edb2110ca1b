/**
 * Run as `node load-installed.js <package folder>` (by artifact.test.ts) in a folder laid out as an
 * n8n install leaves it: the package in `node_modules/` with nothing beside it but n8n-workflow
 * (the peer dependency n8n provides). Loads it with n8n-core's LazyPackageDirectoryLoader, as n8n
 * loads an installed community package, instantiates every node and credential, reads an XML
 * answer with the bundled parser, and prints what it found as JSON.
 */
const path = require('node:path');

const { LazyPackageDirectoryLoader } = require(path.join(__dirname, '../../node_modules/n8n-core'));

async function main() {
	const dir = path.resolve(process.argv[2]);
	const loader = new LazyPackageDirectoryLoader(dir);
	await loader.loadAll();
	const nodes = Object.keys(loader.known.nodes).map((name) => {
		const { description } = loader.getNode(name).type;
		return {
			name,
			displayName: description.displayName,
			properties: (description.properties ?? []).length,
		};
	});
	const credentials = Object.keys(loader.known.credentials).map((name) => ({
		name,
		displayName: loader.getCredential(name).type.displayName,
	}));
	const { parseXml, buildXml } = require(
		path.join(dir, 'dist/nodes/TencentCloudInfinite/transport/xml.js'),
	);
	const parsed = parseXml(
		'<Response><TextDetections><DetectedText>Hello</DetectedText><Confidence>99</Confidence></TextDetections></Response>',
	);
	const written = buildXml({ Request: { Tag: 'ImageOCR', Input: { Object: 'a&b.png' } } });
	const resolvable = (name) => {
		try {
			require.resolve(name, { paths: [dir] });
			return true;
		} catch {
			return false;
		}
	};
	process.stdout.write(
		JSON.stringify({
			packageName: loader.packageName,
			nodes,
			credentials,
			parsed,
			written,
			resolvable: {
				'n8n-workflow': resolvable('n8n-workflow'),
				'fast-xml-parser': resolvable('fast-xml-parser'),
			},
		}),
	);
}

main().catch((error) => {
	process.stderr.write(`${error.stack}\n`);
	process.exitCode = 1;
});
