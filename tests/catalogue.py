"""Which English strings of ours are still on a page shown in Hindi.

The English side of our Hindi catalogue (locale/hi/LC_MESSAGES/django.po) is the list of every
string our code shows. On a page rendered in Hindi none of them may appear as they are: each
msgid (split at its placeholders into the fixed text around them) is looked for in the page's
visible text, as whole words. Strings that read the same in both languages (CSV, GSTIN, the
language's own name "English") are left out, and so are fragments too short to mean anything on
their own.
"""

import re
from functools import cache
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale" / "hi" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%\(\w+\)\.\d+f|%[sd]|<[^>]+>")
# A fragment must have at least this many letters to count (e.g. "min", "by", "of" do not).
MIN_LETTERS = 4


@cache
def english_fragments() -> tuple[str, ...]:
    fragments = set()
    for entry in polib.pofile(str(PO)):
        if entry.obsolete:
            continue
        translations = [entry.msgstr, *entry.msgstr_plural.values()]
        for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
            if msgid in translations:  # the same in Hindi (CSV, GSTIN, "English")
                continue
            for part in PLACEHOLDER.split(msgid):
                part = part.strip(" .,:;·–—()#“”‘’'\"…?!\n")
                if sum(ch.isalpha() for ch in part) >= MIN_LETTERS:
                    fragments.add(part)
    return tuple(sorted(fragments, key=len, reverse=True))


def english_left(text: str, *, allowed: tuple[str, ...] = ()) -> list[str]:
    """The English strings of ours in ``text`` (a page's visible text), longest first.

    ``allowed``: text that may legitimately be there (shop-entered names and descriptions,
    people's names, email addresses) is removed before looking."""
    for value in sorted(allowed, key=len, reverse=True):
        text = text.replace(value, " ")
    text = " ".join(text.split())
    found = []
    for fragment in english_fragments():
        pattern = r"(?<![A-Za-z0-9_])" + re.escape(" ".join(fragment.split())) + r"(?![A-Za-z0-9_])"
        if re.search(pattern, text):
            found.append(fragment)
            text = re.sub(pattern, " ", text)
    return found
