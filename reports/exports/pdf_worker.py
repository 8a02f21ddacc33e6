"""One part of a PDF, HTML to PDF, in a process of its own (pdf.py starts several at once):
`python -m reports.exports.pdf_worker BASE_URL < part.html > part.pdf`. It imports weasyprint
only, not Django."""
import sys


def write_pdf(html, base_url):
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()


if __name__ == "__main__":
    sys.stdout.buffer.write(write_pdf(sys.stdin.buffer.read().decode(), sys.argv[1]))
