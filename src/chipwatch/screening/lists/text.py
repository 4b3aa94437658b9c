"""Reading list files as text whatever their encoding: UTF-8 (with or without BOM),
Windows-1251 or GBK; the guess is checked, never silent garbage."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from chipwatch.errors import ChipwatchError

MAX_BYTES = 1 << 30  # 1 GiB: bigger files are refused with a clear message
LEGACY = ("cp1251", "gbk")  # the legacy encodings Russian and Chinese list files come in


def read_text(path: Path) -> str:
    if not path.is_file():
        raise ChipwatchError(f"{path}: file not found")
    size = path.stat().st_size
    if size == 0:
        raise ChipwatchError(f"{path}: the file is empty")
    if size > MAX_BYTES:
        raise ChipwatchError(f"{path}: {size / 2**30:.1f} GiB is more than the 1 GiB a list may have; split it")
    return decode(path.read_bytes(), str(path))


_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"),
         (b"\xfe\xff", "utf-16-be"))


def decode(data: bytes, where: str) -> str:
    """UTF-8 (with or without BOM), UTF-16/32 with a BOM, else Windows-1251 or GBK,
    whichever reads as language."""
    if not data:
        raise ChipwatchError(f"{where}: the file is empty")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec)
            except UnicodeDecodeError as exc:
                raise ChipwatchError(f"{where}: starts as {codec.upper()} but byte {exc.start:,} is not; "
                                     f"save it as UTF-8") from None
    head = data[:4096]
    if head.count(b"\x00") > len(head) // 4:  # UTF-16 without a BOM: every other byte of Latin text is 0
        codec = "utf-16-le" if head[1::2].count(0) > head[::2].count(0) else "utf-16-be"
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            raise ChipwatchError(f"{where}: binary data, not text; save it as UTF-8") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Any byte decodes as Windows-1251, so guess by which reading looks like language.
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(LEGACY)).best()
    if best is None:
        raise ChipwatchError(f"{where}: not UTF-8, Windows-1251 or GBK text; save it as UTF-8")
    return str(best)


@cache
def country_code(name: str) -> str | None:
    """ISO alpha-2 (lower case) for a country name or code as lists print it, or None."""
    if not name or not name.strip():
        return None
    import rigour.territories as territories

    territory = territories.lookup_territory(name.strip())
    return territory.code if territory is not None and len(territory.code) == 2 else None
