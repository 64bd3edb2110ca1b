import {
	NodeHelpers,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
	type INodeTypeDescription,
	type NodeParameterValueType,
} from 'n8n-workflow';

import { operationError } from '../transport/errors';

type Reader = Pick<IExecuteFunctions, 'getNodeParameter' | 'getNode'>;

function listValues(values: Array<string | number | boolean>): string {
	return values
		.map((value) => (typeof value === 'string' ? `"${value}"` : String(value)))
		.join(', ');
}

function shown(value: unknown): string {
	if (typeof value === 'string') return `"${value}"`;
	if (value === undefined) return 'nothing';
	return JSON.stringify(value);
}

/**
 * Reads one item's parameters and checks each against its own definition before anything is
 * sent: options must be one of the listed values, numbers whole and within their bounds, text
 * not empty where required. Values that come from expressions are checked the same way, and the
 * error names the parameter as the editor shows it, with what is allowed.
 *
 * Parameters are read without fallbacks: n8n drops parameters that are not displayed for the
 * node's settings, so reading one that is hidden fails loudly instead of using a default.
 */
export class ItemParameters {
	constructor(
		private readonly context: Reader,
		private readonly properties: INodeProperties[],
		readonly itemIndex: number,
		/** Inside a collection: its values and definition. */
		private readonly collection?: { values: IDataObject; property: INodeProperties },
	) {}

	private definition(name: string): INodeProperties {
		if (this.collection) {
			const child = (this.collection.property.options as INodeProperties[] | undefined)?.find(
				(option) => option.name === name,
			);
			if (!child)
				throw new Error(`"${name}" is not an option of "${this.collection.property.displayName}"`);
			return child;
		}
		const node = this.context.getNode();
		const candidates = this.properties.filter((property) => property.name === name);
		// n8n names the AI-tool variant of a node `<name>Tool`; `@tool` display options depend on it.
		const asType = {
			name: node.type.split('.').pop() ?? '',
			properties: this.properties,
		} as INodeTypeDescription;
		const visible = candidates.find((property) =>
			NodeHelpers.displayParameter(node.parameters, property, node, asType),
		);
		if (!visible)
			throw new Error(`The parameter "${name}" is read but not shown for these settings`);
		return visible;
	}

	private raw(name: string): unknown {
		if (this.collection) {
			const value = this.collection.values[name];
			return value === undefined ? this.definition(name).default : value;
		}
		return this.context.getNodeParameter(name, this.itemIndex);
	}

	label(name: string): string {
		return `"${this.definition(name).displayName}"`;
	}

	fail(name: string, problem: string, allowed?: string): never {
		throw operationError(this.context.getNode(), `${this.label(name)} ${problem}`, {
			itemIndex: this.itemIndex,
			description: allowed,
		});
	}

	string(name: string, { required = false, trim = true } = {}): string {
		const value = this.raw(name);
		if (value !== null && typeof value === 'object')
			this.fail(name, `must be text, not ${shown(value)}`);
		const text = value === undefined || value === null ? '' : String(value);
		const result = trim ? text.trim() : text;
		if (required && !result)
			this.fail(name, 'is empty', this.definition(name).description ?? undefined);
		return result;
	}

	boolean(name: string): boolean {
		const value = this.raw(name);
		if (typeof value === 'boolean') return value;
		if (value === 'true' || value === 'false') return value === 'true';
		return this.fail(name, `must be true or false, not ${shown(value)}`);
	}

	/** A whole number within the definition's minValue / maxValue. */
	integer(name: string): number {
		const value = this.raw(name);
		const { minValue, maxValue } = this.definition(name).typeOptions ?? {};
		const bounds = [
			minValue !== undefined ? `from ${minValue}` : '',
			maxValue !== undefined ? `to ${maxValue}` : '',
		]
			.filter(Boolean)
			.join(' ');
		const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
		if (typeof number !== 'number' || !Number.isInteger(number)) {
			this.fail(name, `must be a whole number${bounds ? ` ${bounds}` : ''}, not ${shown(value)}`);
		}
		if (
			(minValue !== undefined && number < minValue) ||
			(maxValue !== undefined && number > maxValue)
		) {
			this.fail(name, `must be a whole number ${bounds}, not ${number}`);
		}
		return number;
	}

	/** One of the definition's options. */
	option<T extends string | number = string>(name: string): T {
		const value = this.raw(name);
		const allowed = (this.definition(name).options ?? []).map(
			(option) => (option as { value: string | number }).value,
		);
		const match = allowed.find(
			(candidate) => candidate === value || String(candidate) === String(value),
		);
		if (match === undefined)
			this.fail(
				name,
				`is ${shown(value)}, which is not one of ${listValues(allowed)}`,
				`Allowed: ${listValues(allowed)}`,
			);
		return match as T;
	}

	/** Several of the definition's options (a multiOptions parameter, or a comma-separated text). */
	options<T extends string = string>(name: string): T[] {
		const value = this.raw(name) as NodeParameterValueType;
		const given = Array.isArray(value)
			? value.map(String)
			: String(value ?? '')
					.split(',')
					.map((part) => part.trim())
					.filter(Boolean);
		const allowed = (this.definition(name).options ?? []).map((option) =>
			String((option as { value: string }).value),
		);
		const bad = given.find((entry) => !allowed.includes(entry));
		if (bad !== undefined)
			this.fail(
				name,
				`has ${shown(bad)}, which is not one of ${listValues(allowed)}`,
				`Allowed: ${listValues(allowed)}`,
			);
		return given as T[];
	}

	/** The value of a resource locator (From List, By ID, or an expression). */
	locator(name: string): string {
		const value = this.collection
			? this.raw(name)
			: this.context.getNodeParameter(name, this.itemIndex, undefined, { extractValue: true });
		return String(value ?? '').trim();
	}

	/** A collection's values, read with the same checks (unset options give their defaults). */
	collectionOf(name: string): ItemParameters {
		const property = this.definition(name);
		const values = this.raw(name);
		if (!values || typeof values !== 'object' || Array.isArray(values))
			this.fail(name, `must be a set of options, not ${shown(values)}`);
		return new ItemParameters(this.context, this.properties, this.itemIndex, {
			values: values as IDataObject,
			property,
		});
	}

	/** Whether a collection option was set by the user (not just defaulted). */
	has(name: string): boolean {
		return this.collection ? this.collection.values[name] !== undefined : true;
	}
}

/** Parameter readers for each item of one execution of a node. */
export class NodeParameters {
	constructor(
		private readonly context: Reader,
		private readonly properties: INodeProperties[],
	) {}

	item(itemIndex: number): ItemParameters {
		return new ItemParameters(this.context, this.properties, itemIndex);
	}

	/**
	 * A setting of the whole node, such as Items at Once: read for every item, so that an
	 * expression giving different values is an error rather than silently the first item's.
	 */
	nodeLevel<T extends string | number | boolean>(
		itemCount: number,
		read: (item: ItemParameters) => T,
		label: string,
	): T {
		const first = read(this.item(0));
		for (let index = 1; index < itemCount; index++) {
			const value = read(this.item(index));
			if (value !== first) {
				throw operationError(
					this.context.getNode(),
					`"${label}" must be the same for every item: item 0 gives ${String(first)}, item ${index} gives ${String(value)}`,
					{
						itemIndex: index,
						description: `"${label}" applies to the whole node, as the HTTP Request node's batching does; use a fixed value`,
					},
				);
			}
		}
		return first;
	}
}
