"""The Hindi catalogue is complete: every string marked in our code has a Hindi translation
that is not fuzzy.

``makemessages`` runs over the code as it is now (the same extraction as ``make messages``)
and merges into a temporary copy of ``locale/``, so a string marked since the catalogue was
last updated shows up here as untranslated, and a changed one as fuzzy. The repository's
files are not touched."""

import os
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(settings.BASE_DIR)
# What makemessages reads: our apps, templates and JavaScript (the Makefile's MESSAGES_IGNORE
# leaves out the same vendored, generated and test files).
SOURCES = ["accounts", "adminpanel", "bookings", "config", "providers", "wallet", "templates"]
IGNORE = ["static/vendor", "tests", "*/tests", "__pycache__"]


def _problems(po_path: Path) -> list[str]:
    catalogue = polib.pofile(str(po_path))
    problems = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        where = f" ({entry.occurrences[0][0]})" if entry.occurrences else ""
        if entry.fuzzy:
            problems.append(f"fuzzy: {entry.msgid!r}{where}")
        elif not entry.translated():
            problems.append(f"untranslated: {entry.msgid!r}{where}")
        elif entry.msgid_plural and len(entry.msgstr_plural) < 2:
            problems.append(f"plural forms missing: {entry.msgid!r}{where}")
    return problems


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory) -> Path:
    """makemessages over today's code, merged into a copy of the committed catalogue."""
    work = tmp_path_factory.mktemp("messages")
    # Copies, not links: makemessages writes a temporary .py beside each template it reads, and
    # two test processes doing that in the same checkout delete each other's files.
    skip = shutil.ignore_patterns("__pycache__", "tests")
    for name in [*SOURCES, "static/js"]:
        shutil.copytree(ROOT / name, work / name, ignore=skip)
    shutil.copytree(ROOT / "locale", work / "locale")
    locale = work / "locale"
    old_cwd = Path.cwd()
    old_paths = settings.LOCALE_PATHS
    try:
        os.chdir(work)
        settings.LOCALE_PATHS = [locale]
        for domain in ("django", "djangojs"):
            call_command(
                "makemessages",
                locale=["hi"],
                domain=domain,
                no_obsolete=True,
                add_location="file",
                ignore_patterns=IGNORE,
                verbosity=0,
            )
    finally:
        settings.LOCALE_PATHS = old_paths
        os.chdir(old_cwd)
    return locale / "hi" / "LC_MESSAGES"


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_marked_string_has_a_hindi_translation(fresh_catalogue, domain):
    po = fresh_catalogue / f"{domain}.po"
    assert po.exists(), f"{po.name} was not written"
    problems = _problems(po)
    assert not problems, (
        f"{len(problems)} strings in {domain}.po need a Hindi translation "
        "(run `make messages`, translate locale/hi/LC_MESSAGES/*.po, remove the fuzzy flags):\n  "
        + "\n  ".join(problems[:60])
    )


def test_the_committed_catalogue_is_up_to_date(fresh_catalogue):
    """Every msgid the code marks is in the committed django.po (not only translatable)."""
    committed = {e.msgid for e in polib.pofile(str(ROOT / "locale/hi/LC_MESSAGES/django.po"))}
    current = {e.msgid for e in polib.pofile(str(fresh_catalogue / "django.po"))}
    missing = sorted(current - committed)
    assert not missing, f"run `make messages`; not in the committed catalogue: {missing[:30]}"


def test_the_check_catches_a_missing_and_a_fuzzy_translation(tmp_path):
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="Book", msgstr="बुक करें"))
    po.append(polib.POEntry(msgid="Cancel", msgstr=""))
    po.append(polib.POEntry(msgid="Wallet", msgstr="वॉलेट", flags=["fuzzy"]))
    po.save(str(tmp_path / "x.po"))
    assert _problems(tmp_path / "x.po") == ["untranslated: 'Cancel'", "fuzzy: 'Wallet'"]
