import { inflateSync } from 'zlib';

function pdfString(text: string): string {
	return `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

/** A small valid PDF with one page per entry, each page showing its text lines (Helvetica, top down). */
export function makePdf(pages: string[][]): Buffer {
	const objects: string[] = [];
	const pageIds = pages.map((_, index) => 4 + index * 2);
	objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
	objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
	objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
	pages.forEach((lines, index) => {
		const content = `BT /F1 24 Tf 72 720 Td ${lines.map((line, i) => `${i ? '0 -30 Td ' : ''}${pdfString(line)} Tj`).join(' ')} ET`;
		objects[pageIds[index]] =
			`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageIds[index] + 1} 0 R >>`;
		objects[pageIds[index] + 1] =
			`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`;
	});
	let body = '%PDF-1.4\n';
	const offsets: number[] = [];
	for (let id = 1; id < objects.length; id++) {
		offsets[id] = Buffer.byteLength(body, 'latin1');
		body += `${id} 0 obj\n${objects[id]}\nendobj\n`;
	}
	const xref = Buffer.byteLength(body, 'latin1');
	body += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
	for (let id = 1; id < objects.length; id++)
		body += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
	body += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(body, 'latin1');
}

export function isPdf(data: Buffer): boolean {
	return data.subarray(0, 5).toString('latin1') === '%PDF-';
}

function unescapePdfString(raw: string): string {
	return raw.replace(/\\([nrtbf()\\]|[0-7]{1,3})/g, (_, c: string) => {
		const named: Record<string, string> = {
			n: '\n',
			r: '\r',
			t: '\t',
			b: '\b',
			f: '\f',
			'(': '(',
			')': ')',
			'\\': '\\',
		};
		return named[c] ?? String.fromCharCode(parseInt(c, 8));
	});
}

/** Text lines of a content stream: strings shown by Tj/TJ/'/", a new line at each vertical move. */
function contentLines(content: string): string[] {
	const lines: string[] = [];
	let current = '';
	const flush = () => {
		if (current.trim()) lines.push(current.trim());
		current = '';
	};
	const tokens =
		/\((?:\\.|[^\\)])*\)\s*(?:Tj|'|")|\[((?:\\.|[^\]])*)\]\s*TJ|(-?[\d.]+)\s+(-?[\d.]+)\s+T[dD]|T\*|\bET\b/g;
	for (const match of content.matchAll(tokens)) {
		const token = match[0];
		if (token.startsWith('(')) {
			if (/'|"$/.test(token.trim())) flush();
			current += unescapePdfString(token.slice(1, token.lastIndexOf(')')));
		} else if (token.startsWith('[')) {
			for (const part of (match[1] ?? '').matchAll(/\((?:\\.|[^\\)])*\)/g))
				current += unescapePdfString(part[0].slice(1, -1));
		} else if (match[3] !== undefined) {
			if (Number(match[4]) !== 0) flush();
		} else {
			flush();
		}
	}
	flush();
	return lines;
}

interface PdfObject {
	dictionary: string;
	stream?: Buffer;
}

function readObjects(data: Buffer): Map<number, PdfObject> {
	const text = data.toString('latin1');
	const objects = new Map<number, PdfObject>();
	for (const match of text.matchAll(/(\d+)\s+\d+\s+obj\b([\s\S]*?)\bendobj/g)) {
		const body = match[2];
		const streamAt = body.search(/\bstream\r?\n/);
		if (streamAt < 0) {
			objects.set(Number(match[1]), { dictionary: body });
			continue;
		}
		const start = body.indexOf('\n', streamAt) + 1;
		const end = body.lastIndexOf('endstream');
		const raw = Buffer.from(body.slice(start, end).replace(/\r?\n$/, ''), 'latin1');
		const dictionary = body.slice(0, streamAt);
		let stream = raw;
		if (/\/FlateDecode/.test(dictionary)) {
			try {
				stream = inflateSync(raw);
			} catch {
				stream = Buffer.alloc(0);
			}
		}
		objects.set(Number(match[1]), { dictionary, stream });
	}
	return objects;
}

function references(value: string): number[] {
	return [...value.matchAll(/(\d+)\s+\d+\s+R/g)].map((match) => Number(match[1]));
}

/** Pages in document order, each as its text lines. */
export function readPdfPages(data: Buffer): string[][] {
	const objects = readObjects(data);
	const catalog = [...objects.values()].find((object) =>
		/\/Type\s*\/Catalog/.test(object.dictionary),
	);
	const rootId = catalog
		? references(/\/Pages\s+(\d+\s+\d+\s+R)/.exec(catalog.dictionary)?.[1] ?? '')[0]
		: undefined;
	const pages: PdfObject[] = [];
	const visit = (id: number, depth: number) => {
		const object = objects.get(id);
		if (!object || depth > 32) return;
		if (/\/Type\s*\/Pages\b/.test(object.dictionary)) {
			for (const kid of references(/\/Kids\s*\[([^\]]*)\]/.exec(object.dictionary)?.[1] ?? ''))
				visit(kid, depth + 1);
		} else if (/\/Type\s*\/Page\b/.test(object.dictionary)) {
			pages.push(object);
		}
	};
	if (rootId !== undefined) visit(rootId, 0);
	return pages.map((page) => {
		const contents = /\/Contents\s*(\[[^\]]*\]|\d+\s+\d+\s+R)/.exec(page.dictionary)?.[1] ?? '';
		const text = references(contents)
			.map((id) => objects.get(id)?.stream?.toString('latin1') ?? '')
			.join('\n');
		return contentLines(text);
	});
}
