"""print_preview: the "Real world example" of seed 002, on a new event
loop run until asyncio.wait() of the tasks, with the textfiles.com pages
served on loopback (local_http.py) as samples/print_preview.c does.

The tasks are named as in the C program (create_task(..., name=...))
so that traces read well; the output is unchanged."""
import asyncio

from local_http import LocalServer, http_get

PAGES = [
    ("http://textfiles.com/adventure/amforever.txt",
     "\n\n                         AMERICA FOREVER\n\n"
     "      A fake text standing in for amforever.txt, served on loopback.\n"
     "\n      Walkthrough: go north, take lamp, go north again.\n", 0.03),
    ("http://textfiles.com/adventure/ballyhoo.txt",
     "BALLYHOO\n\n  Another fake text, for ballyhoo.txt.\n\n\n"
     "  The circus is in town. Find the owner's daughter.\n  The end.\n",
     0.06),
    ("http://textfiles.com/adventure/bardstale.txt",
     "   \n\nTHE BARD'S TALE\n========\nA third fake text, for "
     "bardstale.txt.\n", 0.09),
]


async def print_preview(url):
    response = await http_get(url)
    # print first 3 not empty lines
    lines = list(filter(lambda x: len(x) > 0, response.split('\n')))
    print('-' * 80)
    for line in lines[:3]:
        print(line)
    print()


def print_all_pages():
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(LocalServer(PAGES).start())
    pages = [server.url(i) for i in range(len(PAGES))]
    tasks = []
    for i, page in enumerate(pages):
        tasks.append(loop.create_task(print_preview(page),
                                      name=f"print_preview{i + 1}"))
    loop.run_until_complete(asyncio.wait(tasks))
    loop.run_until_complete(server.stop())
    loop.close()


print_all_pages()
