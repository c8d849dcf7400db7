"""The trusted-documents manifest of this repository's own clients (``scripts/export-documents``).

Where the documents come from, exactly as each client sends them:

- the monitor page: every string its modules in ``app/monitor/static/`` export, evaluated by
  node (its documents are templates that interpolate shared fragments);
- the simulator: every string of ``app/simulator/operations.py``.

A string is a document when it parses as GraphQL with at least one operation; each is
validated against the schema. The manifest ``{"<sha256 hex>": "<document>"}`` goes to
``--output`` (``TRUSTED_DOCUMENTS`` reads it); run it again whenever a client's documents change.
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from graphql import DocumentNode, GraphQLError, OperationDefinitionNode, build_schema, parse, validate

from app.graphql.schema import sdl
from app.graphql.trusted_documents import sha256_hex
from app.monitor.routes import STATIC
from app.simulator import operations

# Imports each module given and prints {"found": {file: {export: string}}, "skipped": {file: why}}.
EVALUATE = """
import { pathToFileURL } from "node:url";
const found = {}, skipped = {};
for (const file of process.argv.slice(1)) {
  try {
    const exports = await import(pathToFileURL(file).href);
    const strings = Object.entries(exports).filter(([, value]) => typeof value === "string");
    found[file] = Object.fromEntries(strings);
  } catch (error) {
    skipped[file] = String(error?.message ?? error);
  }
}
process.stdout.write(JSON.stringify({ found, skipped }));
"""
LOOKS_LIKE_A_DOCUMENT = re.compile(r"`\s*(query|mutation|subscription|fragment)\b")


class ExportError(Exception):
    pass


def _operations(text: str) -> DocumentNode | None:
    try:
        document = parse(text)
    except GraphQLError:
        return None
    return document if any(isinstance(d, OperationDefinitionNode) for d in document.definitions) else None


def monitor_documents(static: Path = STATIC) -> dict[str, str]:
    """The monitor page's documents, by ``file:export``."""
    node = shutil.which("node")
    if node is None:
        raise ExportError("node is needed to read the monitor page's documents: apt-get install nodejs")
    modules = sorted(str(path) for path in static.glob("*.js"))
    done = subprocess.run(
        [node, "--input-type=module", "-e", EVALUATE, *modules],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise ExportError(f"node could not read {static}: {done.stderr.strip()}")
    result = json.loads(done.stdout)
    for module, why in result["skipped"].items():
        # A module that needs a browser to load holds no document, or its documents would be missed.
        if LOOKS_LIKE_A_DOCUMENT.search(Path(module).read_text(encoding="utf-8")):
            raise ExportError(f"{module} seems to hold a GraphQL document, but node cannot load it ({why})")
    return {
        f"{Path(module).name}:{name}": text
        for module, exports in result["found"].items()
        for name, text in exports.items()
        if _operations(text) is not None
    }


def simulator_documents() -> dict[str, str]:
    """The simulator's documents, by ``operations.py:NAME``."""
    return {
        f"operations.py:{name}": value
        for name, value in vars(operations).items()
        if isinstance(value, str) and not name.startswith("_") and _operations(value) is not None
    }


def manifest() -> tuple[dict[str, str], dict[str, int]]:
    """The manifest, and how many documents each client contributed."""
    schema = build_schema(sdl())
    sources = {"monitor page": monitor_documents(), "simulator": simulator_documents()}
    documents: dict[str, str] = {}
    for found in sources.values():
        for where, text in found.items():
            document = _operations(text)
            assert document is not None
            errors = validate(schema, document)
            if errors:
                raise ExportError(f"{where} does not validate: {'; '.join(e.message for e in errors)}")
            documents[sha256_hex(text)] = text
    return dict(sorted(documents.items())), {client: len(found) for client, found in sources.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="scripts/export-documents",
        description="Write the trusted-documents manifest of the monitor page and the simulator.",
    )
    parser.add_argument("--output", type=Path, default=Path("trusted-documents.json"))
    args = parser.parse_args(argv)
    try:
        documents, counts = manifest()
    except ExportError as error:
        sys.exit(f"export-documents: {error}")
    args.output.write_text(json.dumps(documents, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    made_of = ", ".join(f"{count} from the {client}" for client, count in counts.items())
    print(f"wrote {len(documents)} documents ({made_of}) to {args.output}")


if __name__ == "__main__":
    main()
