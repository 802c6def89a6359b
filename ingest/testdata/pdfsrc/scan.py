"""Writes scan.html: a page holding only a checkerboard PNG (no text), printed to scan.pdf."""
import base64, struct, zlib

w, h = 240, 120
rows = b"".join(b"\x00" + bytes(((x // 8 + y // 8) % 2) * 200 + 30 for x in range(w)) for y in range(h))


def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)


png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))
with open("scan.html", "w") as f:
    f.write('<!DOCTYPE html><html><head><meta charset="utf-8"><style>@page{size:A6;margin:1cm}</style></head>'
            '<body><img src="data:image/png;base64,%s" width="240" height="120"></body></html>'
            % base64.b64encode(png).decode())
