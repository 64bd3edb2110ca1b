/**
 * Node and credential types for the harness: this package's, loaded from the BUILT package (the
 * `n8n` section of package.json, pointing into dist/) with n8n-core's own loader, as an n8n
 * instance loads an installed community package; plus stand-ins for the few n8n-nodes-base nodes
 * a test workflow needs, and whatever node types a test adds.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { LazyPackageDirectoryLoader, RoutingNode } from 'n8n-core';
import type { ExecuteContext } from 'n8n-core';
import type {
	ICredentialType,
	ICredentialTypes,
	IDataObject,
	INodeProperties,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { ManualTrigger } from '../../fixtures/nodes/ManualTrigger.node';
import { NoOp } from '../../fixtures/nodes/NoOp.node';

/** The package under test: the repository root. */
export const PACKAGE_ROOT = path.resolve(__dirname, '../../..');

interface PackageJson {
	name: string;
	n8n?: { nodes?: string[]; credentials?: string[] };
}

export const packageJson = JSON.parse(
	readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8'),
) as PackageJson;

/** Node types that workflows exported from n8n use, with minimal stand-ins (see test/fixtures/nodes). */
export const STAND_IN_NODE_TYPES: Record<string, INodeType> = {
	'n8n-nodes-base.manualTrigger': new ManualTrigger(),
	'n8n-nodes-base.noOp': new NoOp(),
};

function newestMtime(dir: string, extension: string): { file: string; mtime: number } | undefined {
	if (!existsSync(dir)) return undefined;
	let newest: { file: string; mtime: number } | undefined;
	for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
		if (!entry.isFile() || !entry.name.endsWith(extension) || entry.name.endsWith('.d.ts'))
			continue;
		const file = path.join(entry.parentPath, entry.name);
		const { mtimeMs } = statSync(file);
		if (!newest || mtimeMs > newest.mtime) newest = { file, mtime: mtimeMs };
	}
	return newest;
}

/** Fails with a clear message when dist/ lacks an entry point; warns once when sources are newer. */
function checkBuild() {
	const entries = [...(packageJson.n8n?.credentials ?? []), ...(packageJson.n8n?.nodes ?? [])];
	const missing = entries.filter((entry) => !existsSync(path.join(PACKAGE_ROOT, entry)));
	if (missing.length > 0) {
		throw new Error(
			`The built package lacks ${missing.join(', ')} (listed in package.json "n8n"). ` +
				'Build it first: `npm run build` (or `npx tsc -p tsconfig.build.json`).',
		);
	}
	const source = [
		newestMtime(path.join(PACKAGE_ROOT, 'nodes'), '.ts'),
		newestMtime(path.join(PACKAGE_ROOT, 'credentials'), '.ts'),
	]
		.filter((x) => x !== undefined)
		.sort((a, b) => b.mtime - a.mtime)[0];
	const built = newestMtime(path.join(PACKAGE_ROOT, 'dist'), '.js');
	const warned = Symbol.for('n8n-test-harness.stale-dist-warned');
	const processFlags = process as unknown as Record<symbol, boolean>;
	if (source && built && source.mtime > built.mtime + 1000 && !processFlags[warned]) {
		// Once per jest worker, one line: the tests would run older code than the sources show.
		processFlags[warned] = true;
		process.stderr.write(
			`n8n test harness: ${path.relative(PACKAGE_ROOT, source.file)} is newer than dist/; ` +
				'the tests run the BUILT package: rebuild (`npm run build`) to test the change.\n',
		);
	}
}

/** What n8n's CLI `LoadNodesAndCredentials.injectDomainRestrictionFields` adds to credentials that authenticate. */
const DOMAIN_RESTRICTION_FIELDS: INodeProperties[] = [
	{
		displayName: 'Allowed HTTP Request Domains',
		name: 'allowedHttpRequestDomains',
		type: 'options',
		options: [
			{ name: 'All', value: 'all' },
			{ name: 'Specific Domains', value: 'domains' },
			{ name: 'None', value: 'none' },
		],
		default: 'all',
	},
	{
		displayName: 'Allowed Domains',
		name: 'allowedDomains',
		type: 'string',
		default: '',
		displayOptions: { show: { allowedHttpRequestDomains: ['domains'] } },
	},
];

function shouldAddDomainRestrictions(type: ICredentialType): boolean {
	return (
		type.authenticate !== undefined ||
		type.genericAuth === true ||
		(Array.isArray(type.extends) &&
			type.extends.some((parent) => ['oAuth2Api', 'oAuth1Api', 'googleOAuth2Api'].includes(parent)))
	);
}

/** n8n's CLI `shouldAssignExecuteMethod`: declarative nodes get an `execute` that runs `RoutingNode`. */
function shouldAssignExecuteMethod(nodeType: INodeType): boolean {
	const isDeclarativeNode = nodeType?.description?.requestDefaults !== undefined;
	return (
		!nodeType.execute &&
		!nodeType.poll &&
		!nodeType.trigger &&
		(!nodeType.webhook || isDeclarativeNode) &&
		(!nodeType.methods || isDeclarativeNode)
	);
}

export interface PackageTypes {
	packageName: string;
	loader: LazyPackageDirectoryLoader;
	/** Full node type names (`<package>.<name>`) of the package's nodes. */
	nodeTypeNames: string[];
	credentialTypeNames: string[];
}

let loaded: Promise<PackageTypes> | undefined;

/** Loads the package from dist/ through n8n-core's `LazyPackageDirectoryLoader`, as n8n does. */
export async function loadPackageTypes(): Promise<PackageTypes> {
	loaded ??= (async () => {
		checkBuild();
		const loader = new LazyPackageDirectoryLoader(PACKAGE_ROOT);
		// Without dist/known/*.json (written by `n8n-node build`) it falls back to reading every
		// entry point listed in package.json "n8n", which is what proves the published entry points load.
		await loader.loadAll();
		const { packageName } = loader;
		for (const credentialType of Object.keys(loader.known.credentials)) {
			const { type } = loader.getCredential(credentialType);
			if (
				shouldAddDomainRestrictions(type) &&
				!type.properties.some((p) => p.name === 'allowedHttpRequestDomains')
			) {
				type.properties = [...type.properties, ...DOMAIN_RESTRICTION_FIELDS];
			}
		}
		return {
			packageName,
			loader,
			nodeTypeNames: Object.keys(loader.known.nodes).map((name) => `${packageName}.${name}`),
			credentialTypeNames: Object.keys(loader.known.credentials),
		};
	})();
	return await loaded;
}

/** `INodeTypes` over the package's nodes, the stand-ins and a test's extra node types. */
export class TestNodeTypes implements INodeTypes {
	constructor(
		private readonly pkg: PackageTypes,
		private readonly extra: Record<string, INodeType | IVersionedNodeType> = {},
	) {}

	/** All node type names this registry knows. */
	get names(): string[] {
		return [
			...this.pkg.nodeTypeNames,
			...Object.keys(STAND_IN_NODE_TYPES),
			...Object.keys(this.extra),
		];
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		if (nodeType in this.extra) return this.extra[nodeType];
		if (nodeType in STAND_IN_NODE_TYPES) return STAND_IN_NODE_TYPES[nodeType];
		const prefix = `${this.pkg.packageName}.`;
		if (
			nodeType.startsWith(prefix) &&
			nodeType.slice(prefix.length) in this.pkg.loader.known.nodes
		) {
			return this.pkg.loader.getNode(nodeType.slice(prefix.length)).type;
		}
		throw new Error(
			`Unknown node type "${nodeType}". Known: ${this.names.join(', ')}. ` +
				'Pass other node types to runWorkflow() as `extraNodeTypes`.',
		);
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		const versioned = NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
		// As n8n's CLI `NodeTypes.getByNameAndVersion` does for declarative (routing) nodes.
		if (shouldAssignExecuteMethod(versioned)) {
			versioned.execute = async function (this: ExecuteContext) {
				const routingNode = new RoutingNode(this, versioned);
				return (await routingNode.runNode()) ?? [];
			};
		}
		return versioned;
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

/** `ICredentialTypes` over the package's credentials and a test's extra credential types. */
export class TestCredentialTypes implements ICredentialTypes {
	constructor(
		private readonly pkg: PackageTypes,
		private readonly extra: Record<string, ICredentialType> = {},
	) {}

	recognizes(type: string): boolean {
		return type in this.extra || type in this.pkg.loader.known.credentials;
	}

	getByName(type: string): ICredentialType {
		if (type in this.extra) return this.extra[type];
		if (type in this.pkg.loader.known.credentials) return this.pkg.loader.getCredential(type).type;
		throw new Error(
			`Unknown credential type "${type}". Known: ${[...this.pkg.credentialTypeNames, ...Object.keys(this.extra)].join(', ')}`,
		);
	}

	getSupportedNodes(type: string): string[] {
		return (this.pkg.loader.known.credentials[type]?.supportedNodes ?? []).map(
			(name) => `${this.pkg.packageName}.${name}`,
		);
	}

	/** As the CLI's `CredentialTypes.getParentTypes`: the `extends` chain, nearest first. */
	getParentTypes(type: string): string[] {
		const parents = this.recognizes(type) ? (this.getByName(type).extends ?? []) : [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}
}
