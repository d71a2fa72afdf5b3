#!/usr/bin/env python3
"""Checks the built guide and the README: every relative link and image
points at a file that exists, and every #fragment at an id on that page.
Usage: book/check-links.py BUILT_BOOK_DIR [MARKDOWN_FILE ...]
Exits 1 with one line per broken link (page, link, what is missing)."""
import html.parser, os, re, sys
from urllib.parse import unquote, urlsplit


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("id", "name") and v:
                self.ids.add(v)
            if v and ((k == "href" and tag in ("a", "link")) or (k == "src" and tag in ("img", "script"))):
                self.links.append(v)


def external(link):
    return re.match(r"^[a-z][a-z0-9+.-]*:", link) is not None


def check_book(root):
    pages, broken = {}, []
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(".html"):
                p = Page()
                with open(os.path.join(d, f), encoding="utf-8") as fh:
                    p.feed(fh.read())
                pages[os.path.normpath(os.path.join(d, f))] = p
    for path, page in pages.items():
        # mdBook's 404 page links from the site root, which a folder does not have.
        if os.path.basename(path) == "404.html":
            continue
        for link in page.links:
            if external(link) or link.startswith("//"):
                continue
            parts = urlsplit(link)
            target = os.path.normpath(os.path.join(os.path.dirname(path), unquote(parts.path))) if parts.path else path
            if os.path.isdir(target):
                target = os.path.join(target, "index.html")
            if not os.path.exists(target):
                broken.append(f"{os.path.relpath(path, root)}: {link}: no such file")
            elif parts.fragment and target in pages and parts.fragment not in pages[target].ids:
                broken.append(f"{os.path.relpath(path, root)}: {link}: no #{parts.fragment} on that page")
    return len(pages), broken


def check_markdown(md):
    broken = []
    text = open(md, encoding="utf-8").read()
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    for link in re.findall(r"\]\(([^)\s]+)\)", text):
        if external(link) or link.startswith("#"):
            continue
        target = os.path.normpath(os.path.join(os.path.dirname(md), unquote(link.split("#")[0])))
        if not os.path.exists(target):
            broken.append(f"{md}: {link}: no such file")
    return broken


def main():
    if len(sys.argv) < 2 or not os.path.isdir(sys.argv[1]):
        print("usage: book/check-links.py BUILT_BOOK_DIR [MARKDOWN_FILE ...] (build the guide first: mdbook build book)", file=sys.stderr)
        return 2
    n, broken = check_book(sys.argv[1])
    for md in sys.argv[2:]:
        broken += check_markdown(md)
    for b in broken:
        print(f"broken link: {b}", file=sys.stderr)
    if n == 0:
        print("check-links: no pages in the built guide", file=sys.stderr)
        return 1
    print(f"check-links: {n} pages and {len(sys.argv) - 2} Markdown files, {len(broken)} broken links")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
