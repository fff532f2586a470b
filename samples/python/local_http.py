"""local_http: the Python side of samples/local-http-server.c, for the
twins of the samples that fetch URLs: a loopback HTTP/1.1 server that
answers GET /<index> with a fixed fake page after a fixed delay, and a
minimal GET client on asyncio streams (the articles use aiohttp, which the
standard library lacks)."""
import asyncio
import urllib.parse


def fake_body(url):
    """The page served for @url when a page has no body of its own (the
    same text as local_http_fake_body in C)."""
    return ("<!DOCTYPE html>\n<html>\n<head><title>Local copy of %s"
            "</title></head>\n<body>\n<h1>%s</h1>\n<p>A fake page served "
            "on loopback by samples/local-http-server.c.</p>\n</body>\n"
            "</html>\n" % (url, url))


class LocalServer:
    """Serves @pages, a list of (url, body or None, delay in seconds)."""

    def __init__(self, pages):
        self.pages = pages
        self.server = None
        self.port = 0

    async def start(self):
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    def url(self, i):
        return "http://127.0.0.1:%d/%d" % (self.port, i)

    async def stop(self):
        self.server.close()
        await self.server.wait_closed()

    async def _handle(self, reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split()[1].decode()
                page = None
                if path[1:].isdigit() and int(path[1:]) < len(self.pages):
                    page = self.pages[int(path[1:])]
                if page:
                    url, body, delay = page
                    body = (body if body is not None else fake_body(url))
                    await asyncio.sleep(delay)
                    status = "200 OK"
                else:
                    body, status = "not found\n", "404 Not Found"
                data = body.encode()
                writer.write(("HTTP/1.1 %s\r\nContent-Type: text/html; "
                              "charset=utf-8\r\nContent-Length: %d\r\n\r\n"
                              % (status, len(data))).encode() + data)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


async def http_get(url):
    """GET @url over HTTP/1.1 (Content-Length bodies); returns the body as
    text."""
    parts = urllib.parse.urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname,
                                                   parts.port or 80)
    path = parts.path or "/"
    writer.write(("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n"
                  % (path, parts.netloc)).encode())
    head = await reader.readuntil(b"\r\n\r\n")
    length = None
    for line in head.decode().split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    body = (await reader.readexactly(length) if length is not None
            else await reader.read())
    writer.close()
    await writer.wait_closed()
    return body.decode()
