"""Writes RECORD and INSTALLER into an installed dist-info, so that
``pip uninstall regionkv`` removes what ``cmake --install`` put there
(python/CMakeLists.txt runs it after installing).

    write_record.py SITE_DIR DIST_INFO_NAME PACKAGE_NAME

RECORD lists every file under SITE_DIR/PACKAGE_NAME and the dist-info, each
with its sha256 and size as the wheel format writes them, RECORD itself
without. Compiled .pyc files are left out: pip removes them with their .py.
"""

import base64
import hashlib
import pathlib
import sys


def record_row(site, path):
    data = path.read_bytes()
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path.relative_to(site).as_posix()},sha256={digest},{len(data)}"


def main(site, dist_info, package):
    site = pathlib.Path(site)
    (site / dist_info / "INSTALLER").write_text("cmake\n")
    rows = [
        record_row(site, path)
        for top in (package, dist_info)
        for path in sorted((site / top).rglob("*"))
        if path.is_file() and path.name != "RECORD" and "__pycache__" not in path.parts
    ]
    rows.append(f"{dist_info}/RECORD,,")
    (site / dist_info / "RECORD").write_text("\n".join(rows) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
