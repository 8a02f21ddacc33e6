"""Lays out parts of a PDF, HTML to PDF, in a process of its own (pdf.py starts several at once):
`python -m reports.exports.pdf_worker BASE_URL` reads framed HTML documents on stdin and answers
each with a framed PDF on stdout, until stdin closes. A process lays out many parts, so that the
interpreter, weasyprint and the fonts are loaded once per process, not once per part. It imports
weasyprint only, not Django.

A frame is a status byte (0: PDF, 1: error text; requests always 0), an 8-byte big-endian length
and the bytes."""
import struct
import sys
import traceback

OK, ERROR = 0, 1
_HEAD = struct.Struct(">BQ")


def write_pdf(html, base_url):
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()


def send(stream, body, status=OK):
    stream.write(_HEAD.pack(status, len(body)))
    stream.write(body)
    stream.flush()


def receive(stream):
    """(status, bytes) of the next frame; None at the end of the stream."""
    head = stream.read(_HEAD.size)
    if len(head) < _HEAD.size:
        return None
    status, length = _HEAD.unpack(head)
    body = stream.read(length)
    if len(body) < length:
        return None
    return status, body


def serve(base_url, inp=sys.stdin.buffer, out=sys.stdout.buffer):
    while (frame := receive(inp)) is not None:
        try:
            send(out, write_pdf(frame[1].decode(), base_url))
        except Exception:  # the parent reports it and stops the export
            send(out, traceback.format_exc().encode(), ERROR)


if __name__ == "__main__":
    serve(sys.argv[1])
