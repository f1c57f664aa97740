"""Write the provider's main package into a build folder, from the upstream module in the Go module cache.

    prepare_main.py SRC_DIR DST_DIR VERSION

SRC_DIR is upstream's cmd/pulumi-resource-kubernetes (read-only, in GOMODCACHE). Copies main.go, then
every file it names in a `//go:embed` line: `X-embed.json` is generated from the committed `X.json`
(compact; `schema-embed.json` also gets `"version": VERSION`, as upstream's generate.go does), any other
name is copied as is. Files are rewritten only when their content changes. Stdlib only.
"""

import json
import re
import sys
from pathlib import Path


def write_if_changed(path: Path, data: bytes) -> None:
    if not path.exists() or path.read_bytes() != data:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)


def main() -> None:
    src, dst, version = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    dst.mkdir(parents=True, exist_ok=True)
    main_go = (src / "main.go").read_bytes()
    write_if_changed(dst / "main.go", main_go)
    names = re.findall(r"^//go:embed\s+(\S+)\s*$", main_go.decode(), flags=re.MULTILINE)
    if not names:
        sys.exit(f"{src}/main.go has no //go:embed lines; the upstream layout changed")
    for name in names:
        if name.endswith("-embed.json"):
            base = name.removesuffix("-embed.json") + ".json"
            data = json.loads((src / base).read_bytes())
            if base == "schema.json":
                data["version"] = version
            out = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
        else:
            out = (src / name).read_bytes()
        write_if_changed(dst / name, out)
        print(f"prepared {dst / name} ({len(out)} bytes)")


if __name__ == "__main__":
    main()
