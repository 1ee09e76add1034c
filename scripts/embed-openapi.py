#!/usr/bin/env python3
"""Writes docs/openapi.json into Sources/OpenKoiServer/API/OpenAPIDocument.swift (the served copy).
Run after editing docs/openapi.json; TaskAPILifecycleTests checks the two are equal."""
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent
text = (root / "docs/openapi.json").read_text()
body = "\n".join(("        " + line) if line else "" for line in text.rstrip("\n").split("\n"))
(root / "Sources/OpenKoiServer/API/OpenAPIDocument.swift").write_text(
    "/// The API's OpenAPI 3.1 document, served at `/api/v1/openapi.json`. Generated from\n"
    "/// `docs/openapi.json` by `scripts/embed-openapi.py` (a test keeps them equal).\n"
    "enum OpenAPIDocument {\n"
    '    static let json = #"""\n' + body + '\n        """#\n}\n')
