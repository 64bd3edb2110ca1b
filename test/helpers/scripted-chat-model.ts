/**
 * A scripted chat model on 127.0.0.1 that speaks OpenAI's chat-completions API, so that n8n's
 * OpenAI Chat Model node (its credential's Base URL pointed here) can drive a real AI Agent
 * without any network: `POST <base>/chat/completions` (plain JSON, or server-sent events when the
 * request asks for `stream`), including tool calls, and `GET <base>/models`.
 *
 * Each completion request is recorded as it came (the messages, the `tools` the agent offers) and
 * answered by the test's script, which sees the conversation so far and returns either tool calls
 * or a final answer. A request the script cannot answer gets a 500 with the reason, which n8n
 * shows as the model's error.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One message of a chat-completions request, as n8n (LangChain's ChatOpenAI) sends it. */
export interface ChatMessage {
	role: 'system' | 'user' | 'assistant' | 'tool';
	content: string | null | Array<{ type: string; text?: string }>;
	tool_calls?: Array<{
		id: string;
		type: 'function';
		function: { name: string; arguments: string };
	}>;
	tool_call_id?: string;
}

/** A function the agent offers the model (`tools[].function`). */
export interface ChatTool {
	name: string;
	description: string;
	parameters: {
		type: 'object';
		properties: Record<string, { type?: string; description?: string }>;
		required?: string[];
	};
}

export interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	tools?: Array<{ type: 'function'; function: ChatTool }>;
	stream?: boolean;
	[key: string]: unknown;
}

/** What the script answers: calls of the offered tools, or the final text. */
export type ScriptedReply =
	| { toolCalls: Array<{ name: string; arguments: Record<string, unknown> }> }
	| { content: string };

export type Script = (request: ChatRequest, turn: number) => ScriptedReply;

export interface ScriptedChatModel {
	/** The Base URL for n8n's OpenAI credential: `http://127.0.0.1:<port>/v1`. */
	baseUrl: string;
	/** Every chat-completions request, in order. */
	completions: ChatRequest[];
	/** Every request line received (`POST /v1/chat/completions`, ...). */
	requests: string[];
	/** What the script failed on, if anything. */
	failures: string[];
	close(): Promise<void>;
}

/** The text of a message's content (a string, or LangChain's list of text parts). */
export function messageText(message: ChatMessage): string {
	if (typeof message.content === 'string') return message.content;
	if (Array.isArray(message.content))
		return message.content.map((part) => part.text ?? '').join('');
	return '';
}

async function readJson(request: IncomingMessage): Promise<unknown> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function tokens(text: string): number {
	return Math.max(1, Math.ceil(text.length / 4));
}

export async function startScriptedChatModel(script: Script): Promise<ScriptedChatModel> {
	const completions: ChatRequest[] = [];
	const requests: string[] = [];
	const failures: string[] = [];
	let calls = 0;

	const answer = (request: ChatRequest, response: ServerResponse) => {
		const turn = completions.length;
		completions.push(request);
		const reply = script(request, turn);
		const id = `chatcmpl-scripted-${turn + 1}`;
		const created = Math.floor(Date.now() / 1000);
		const toolCalls =
			'toolCalls' in reply
				? reply.toolCalls.map((call) => ({
						id: `call_${++calls}`,
						type: 'function' as const,
						function: { name: call.name, arguments: JSON.stringify(call.arguments) },
					}))
				: undefined;
		const content = 'content' in reply ? reply.content : null;
		const finishReason = toolCalls ? 'tool_calls' : 'stop';
		const promptTokens = tokens(JSON.stringify(request.messages));
		const completionTokens = tokens(content ?? JSON.stringify(toolCalls));
		const usage = {
			prompt_tokens: promptTokens,
			completion_tokens: completionTokens,
			total_tokens: promptTokens + completionTokens,
		};

		if (!request.stream) {
			response.writeHead(200, { 'content-type': 'application/json' });
			response.end(
				JSON.stringify({
					id,
					object: 'chat.completion',
					created,
					model: request.model,
					choices: [
						{
							index: 0,
							message: { role: 'assistant', content, ...(toolCalls && { tool_calls: toolCalls }) },
							logprobs: null,
							finish_reason: finishReason,
						},
					],
					usage,
				}),
			);
			return;
		}
		const chunk = (
			delta: Record<string, unknown>,
			finish: string | null,
			extra: Record<string, unknown> = {},
		) =>
			`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: request.model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra })}\n\n`;
		response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
		response.write(chunk({ role: 'assistant', content: toolCalls ? null : '' }, null));
		if (toolCalls)
			toolCalls.forEach((call, index) =>
				response.write(chunk({ tool_calls: [{ index, ...call }] }, null)),
			);
		else response.write(chunk({ content }, null));
		response.write(chunk({}, finishReason));
		if ((request.stream_options as { include_usage?: boolean } | undefined)?.include_usage) {
			response.write(
				`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: request.model, choices: [], usage })}\n\n`,
			);
		}
		response.end('data: [DONE]\n\n');
	};

	const server: Server = createServer((request, response) => {
		const pathname = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
		requests.push(`${request.method} ${pathname}`);
		const fail = (status: number, message: string) => {
			failures.push(message);
			response.writeHead(status, { 'content-type': 'application/json' });
			response.end(
				JSON.stringify({ error: { message, type: 'invalid_request_error', code: null } }),
			);
		};
		if (request.method === 'GET' && pathname === '/v1/models') {
			response.writeHead(200, { 'content-type': 'application/json' });
			response.end(
				JSON.stringify({
					object: 'list',
					data: [{ id: 'scripted-model', object: 'model', created: 0, owned_by: 'test' }],
				}),
			);
			return;
		}
		if (request.method !== 'POST' || pathname !== '/v1/chat/completions') {
			fail(
				404,
				`the scripted model only answers POST /v1/chat/completions, not ${request.method} ${pathname}`,
			);
			return;
		}
		readJson(request)
			.then((body) => answer(body as ChatRequest, response))
			.catch((error: unknown) =>
				fail(500, `scripted model: ${error instanceof Error ? error.message : String(error)}`),
			);
	});
	server.keepAliveTimeout = 1;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
		completions,
		requests,
		failures,
		close: async () => {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}
