"""fetch_data: the concurrent downloads of seed 001, with the article's
URLs served on loopback with fixed delays (local_http.py: dev.to 150 ms,
medium.com 50 ms, python.org 100 ms), as samples/fetch_data.c does.

The tasks are named as in the C program (create_task(..., name=...))
so that traces read well; the output is unchanged."""
import asyncio

from local_http import LocalServer, http_get

PAGES = [
    ("https://dev.to", None, 0.15),
    ("https://medium.com", None, 0.05),
    ("https://python.org", None, 0.10),
]


async def fetch_data(i, shown, url):
    print('Starting', i, shown)
    await http_get(url)
    print('Finished', i, shown)


async def main():
    server = await LocalServer(PAGES).start()
    async_tasks = [asyncio.create_task(fetch_data(i + 1, page[0],
                                                  server.url(i)),
                                       name=f"fetch_data{i + 1}")
                   for i, page in enumerate(PAGES)]
    await asyncio.gather(*async_tasks)
    await server.stop()


asyncio.run(main())
