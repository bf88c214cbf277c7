import type { Socket } from "node:net";

/** What Node's HTTP parser reports with a rejected request (`clientError` event). */
type ClientError = Error & { code?: string };

/**
 * Fastify `clientErrorHandler` of every service: a request Node's HTTP parser rejected before any
 * route saw it (malformed request line or header, headers over the size limit, a request that
 * timed out) is answered as an RFC 9457 problem, like every other client error: 408
 * `request_timeout`, 431 `headers_too_large`, else 400 `malformed_request`, as
 * `application/problem+json` with `Connection: close`; then the socket is closed. A reset or
 * destroyed socket gets nothing (nobody is listening). Fastify's default answers the same statuses
 * as plain JSON without the problem members.
 */
export function problemClientErrorHandler(error: ClientError, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, title, code, detail] =
    error.code === "ERR_HTTP_REQUEST_TIMEOUT"
      ? [408, "Request Timeout", "request_timeout", "the request was not received in time"]
      : error.code === "HPE_HEADER_OVERFLOW"
        ? [431, "Request Header Fields Too Large", "headers_too_large", "the request headers are too large"]
        : [400, "Bad Request", "malformed_request", "the request is not valid HTTP"];
  const body = JSON.stringify({ type: `urn:pulse:problem:${code}`, title, status, detail, code });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
