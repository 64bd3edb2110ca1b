import { readFileSync } from 'fs';
import {
	createServer as createHttpServer,
	type IncomingMessage,
	type Server as HttpServer,
	type ServerResponse,
} from 'http';
import { createServer as createHttpsServer } from 'https';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'net';
import { join } from 'path';

const TLS_DIR = join(__dirname, 'tls');

/**
 * The emulator's TEST-ONLY CA (emulator/tls/README.md). Trust it with
 * `NODE_EXTRA_CA_CERTS=<this path>` (read when a Node process starts) or `{ ca: readFileSync(...) }`.
 */
export const EMULATOR_CA_PATH = join(TLS_DIR, 'ca.pem');

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** One port, two protocols: a TLS ClientHello goes to `secure`, anything else to `plain`. */
export interface DualServer {
	front: NetServer;
	servers: HttpServer[];
	/**
	 * Every open connection. The inner servers never listen, so they do not track the sockets
	 * handed to them (http.Server tracks connections from 'listening' on): close() destroys these.
	 */
	sockets: Set<Socket>;
}

const TLS_HANDSHAKE = 0x16;

/**
 * The CI port: https with the test-only certificate, and plain http on the same port answered by
 * `plain` (the refusal). The first byte decides: 0x16 starts every TLS handshake, and no HTTP
 * request line starts with it.
 */
export function dualServer(secure: Handler, plain: Handler): DualServer {
	const https = createHttpsServer(
		{
			key: readFileSync(join(TLS_DIR, 'server.key')),
			cert: readFileSync(join(TLS_DIR, 'server.pem')),
		},
		secure,
	);
	const http = createHttpServer(plain);
	const sockets = new Set<Socket>();
	const front = createNetServer((socket) => {
		sockets.add(socket);
		// A reset before the first byte would otherwise be an unhandled 'error'.
		socket.on('error', () => undefined);
		socket.once('close', () => sockets.delete(socket));
		const first = () => {
			const byte = socket.read(1) as Buffer | null;
			if (byte === null) {
				socket.once('readable', first);
				return;
			}
			socket.unshift(byte);
			(byte[0] === TLS_HANDSHAKE ? https : http).emit('connection', socket);
		};
		socket.once('readable', first);
	});
	return { front, servers: [https, http], sockets };
}
