"""Keys for rendered output kept in the cache (the wallet page body).

A key holds everything that decides the output, so an entry never needs invalidating: the
data shown, the language and time zone, and the template sources themselves, so that a
deploy that changes a template never serves what the old one rendered.
"""

import hashlib
from functools import lru_cache

from django.template.loader import get_template
from django.template.loader_tags import ExtendsNode


@lru_cache(maxsize=32)
def template_digest(name: str) -> str:
    """A digest of a template's source and those of the templates it extends."""
    sources = []
    compiled = get_template(name).template
    while compiled is not None:
        sources.append(compiled.source)
        first = compiled.nodelist[0] if compiled.nodelist else None
        compiled = (
            get_template(first.parent_name.resolve({})).template
            if isinstance(first, ExtendsNode)
            else None
        )
    return hashlib.sha256("\0".join(sources).encode()).hexdigest()
