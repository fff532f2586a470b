"""fetch_urls: "Implementing Asynchronous Functions" of seed 000, with the
article's URLs served on loopback (local_http.py) and aiohttp replaced by
a minimal GET on asyncio streams, as samples/fetch_urls.c does.

The tasks are named as in the C program (create_task(..., name=...))
so that traces read well; the output is unchanged."""
import asyncio

from local_http import LocalServer, http_get

PAGES = [
    ("https://www.example.com", None, 0.03),
    ("https://www.python.org", None, 0.01),
    ("https://www.google.com", None, 0.02),
]


async def fetch_url(session, url):
    return await http_get(url)


async def main():
    server = await LocalServer(PAGES).start()
    session = None
    urls = [server.url(i) for i in range(len(PAGES))]
    tasks = [asyncio.create_task(fetch_url(session, url),
                                 name=f"fetch_url{i + 1}")
             for i, url in enumerate(urls)]
    results = await asyncio.gather(*tasks)
    for (url, _, _), result in zip(PAGES, results):
        print(f"Content from {url}: {result[:100]}...")
    await server.stop()


if __name__ == "__main__":
    asyncio.run(main())
