import subprocess
import tempfile


def pdf_text(content: bytes) -> str:
    """The text of a PDF as ``pdftotext -layout`` extracts it."""
    assert content.startswith(b"%PDF"), content[:40]
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        result = subprocess.run(  # noqa: S603 - fixed command, our own temp file
            ["pdftotext", "-layout", handle.name, "-"],  # noqa: S607
            capture_output=True,
            check=True,
        )
    return result.stdout.decode()
