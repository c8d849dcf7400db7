"""Trusted documents: with ``TRUSTED_DOCUMENTS`` set, only the documents of a manifest run.

The manifest is a JSON object ``{"<sha256 hex>": "<document>"}``, the shape Relay and GraphQL
Code Generator write for persisted documents; ``scripts/export-documents`` writes the one of
this repository's own clients (the monitor page and the simulator). A client names a
document by the SHA-256 of its UTF-8 text, in either shape:

- ``"documentId": "sha256:<hex>"`` (the GraphQL-over-HTTP persisted documents appendix): in
  the POST body, the GET query string, or a WebSocket subscribe payload;
- ``"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "<hex>"}}`` (Apollo's);

or sends the full text, which runs if its hash is in the manifest (as Apollo Router's
safelist does unless told to require ids), so a client runs unchanged once its documents
are exported, and sending hashes only saves bytes. Everything else is refused before it is
parsed, the same over HTTP and both WebSocket protocols:

- ``PERSISTED_QUERY_NOT_FOUND`` (HTTP 404): a well-formed hash that is not in the manifest;
- ``DOCUMENT_NOT_ALLOWED`` (403): a document's text whose hash is not in it;
- ``BAD_REQUEST`` (400): a malformed hash, or a hash and a text that disagree;
- ``PERSISTED_QUERY_NOT_SUPPORTED`` (400): a hash without any text, and no manifest configured.

Where introspection is on (``INTROSPECTION``), a query selecting only ``__schema``, ``__type``
and ``__typename`` passes without being in the manifest, so GraphiQL can load the schema.
"""

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphql import GraphQLError, GraphQLFormattedError, OperationDefinitionNode, OperationType, parse
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage
from strawberry.subscriptions.protocols.graphql_ws.types import StartMessage

from app.core.config import Settings
from app.graphql.authorization import root_fields
from app.graphql.ws_protocols import LegacyWSHandler, TransportWSHandler

HEX_DIGEST = re.compile(r"[0-9a-f]{64}")
DOCUMENT_ID = re.compile(r"sha256:([0-9a-f]{64})")
INTROSPECTION_FIELDS = frozenset({"__schema", "__type", "__typename"})


def sha256_hex(document: str) -> str:
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


class ManifestError(RuntimeError):
    """``TRUSTED_DOCUMENTS`` names a manifest the server cannot use: it refuses to start."""


@dataclass
class DocumentRefused(Exception):
    code: str
    message: str
    status: int

    def formatted(self) -> GraphQLFormattedError:
        return {"message": self.message, "extensions": {"code": self.code}}


def _bad_request(message: str) -> DocumentRefused:
    return DocumentRefused("BAD_REQUEST", message, 400)


def load_manifest(path: Path) -> dict[str, str]:
    """The manifest's documents by hex digest; every entry checked, else ``ManifestError``."""
    where = f"TRUSTED_DOCUMENTS={path}"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ManifestError(f"{where}: cannot be read ({error.strerror or error})") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ManifestError(f"{where}: is not JSON ({error})") from error
    if not isinstance(manifest, dict):
        raise ManifestError(
            f'{where}: must be a JSON object {{"<sha256 hex>": "<document>"}}, not {type(manifest).__name__}'
        )
    if not manifest:
        raise ManifestError(f"{where}: holds no documents, so every request would be refused")
    documents: dict[str, str] = {}
    for key, document in manifest.items():
        digest = key.removeprefix("sha256:")
        if not HEX_DIGEST.fullmatch(digest):
            raise ManifestError(
                f"{where}: the key {key[:80]!r} is not a SHA-256 hex digest "
                "(64 lower-case hexadecimal digits)"
            )
        if not isinstance(document, str):
            raise ManifestError(f"{where}: the document of {key} is not a string")
        actual = sha256_hex(document)
        if actual != digest:
            raise ManifestError(
                f"{where}: the document of {key} has the SHA-256 {actual}: the key must be the SHA-256 "
                "of the document's UTF-8 text (export the manifest again: scripts/export-documents)"
            )
        try:
            parse(document, no_location=True)
        except GraphQLError as error:
            raise ManifestError(f"{where}: the document of {key} is not GraphQL: {error.message}") from error
        documents[digest] = document
    return documents


class DocumentPolicy:
    """Which documents this server runs: those of the manifest, or any when there is none."""

    def __init__(self, manifest: Mapping[str, str] | None, settings: Settings) -> None:
        self.manifest = manifest
        self.introspection = settings.introspection_enabled
        self.introspection_max_length = settings.anonymous_max_query_length
        self.introspection_max_tokens = settings.anonymous_max_tokens

    @classmethod
    def from_settings(cls, settings: Settings) -> "DocumentPolicy":
        path = settings.trusted_documents
        return cls(load_manifest(path) if path is not None else None, settings)

    def resolve(self, query: Any, document_id: Any, extensions: Any) -> Any:
        """The document to run: the request's text, or the manifest's for the hash it names.

        ``query`` passes through untouched when it is not a string (``None``: the request names
        no document), for the transport's own error; anything the policy refuses raises
        ``DocumentRefused``.
        """
        persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        if self.manifest is None:
            if query is None and (document_id is not None or persisted is not None):
                raise DocumentRefused(
                    "PERSISTED_QUERY_NOT_SUPPORTED",
                    "this server keeps no trusted documents (TRUSTED_DOCUMENTS is not set): send the "
                    "document's text as query",
                    400,
                )
            return query
        digest = _named_digest(document_id, persisted)
        if digest is not None:
            if isinstance(query, str) and sha256_hex(query) != digest:
                raise _bad_request(
                    f"the query sent has the SHA-256 {sha256_hex(query)}, not the {digest} the request names"
                )
            document = self.manifest.get(digest)
            if document is None:
                raise DocumentRefused(
                    "PERSISTED_QUERY_NOT_FOUND", f"no trusted document has the SHA-256 {digest}", 404
                )
            return document
        if not isinstance(query, str) or sha256_hex(query) in self.manifest:
            return query
        if self.introspection and self._only_introspects(query):
            return query
        raise DocumentRefused(
            "DOCUMENT_NOT_ALLOWED",
            "this server runs only trusted documents, and this one is not among them (send one of "
            "the manifest's documents, or its documentId)",
            403,
        )

    def _only_introspects(self, query: str) -> bool:
        if len(query) > self.introspection_max_length:
            return False
        try:
            document = parse(query, no_location=True, max_tokens=self.introspection_max_tokens)
        except GraphQLError:
            return False
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        return bool(operations) and all(
            operation.operation is OperationType.QUERY
            and {
                field.name.value
                for field in root_fields(document, operation.name.value if operation.name else None)
            }
            <= INTROSPECTION_FIELDS
            for operation in operations
        )


def _named_digest(document_id: Any, persisted: Any) -> str | None:
    """The hex digest a request names by documentId or extensions.persistedQuery, checked."""
    digests = set()
    if document_id is not None:
        match = DOCUMENT_ID.fullmatch(document_id) if isinstance(document_id, str) else None
        if match is None:
            raise _bad_request(
                'documentId must be "sha256:" and 64 lower-case hexadecimal digits (the SHA-256 of the '
                "document's UTF-8 text)"
            )
        digests.add(match[1])
    if persisted is not None:
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            raise _bad_request('extensions.persistedQuery must be {"version": 1, "sha256Hash": "<hex>"}')
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str) or not HEX_DIGEST.fullmatch(digest):
            raise _bad_request(
                "extensions.persistedQuery.sha256Hash must be 64 lower-case hexadecimal digits (the "
                "SHA-256 of the document's UTF-8 text)"
            )
        digests.add(digest)
    if len(digests) > 1:
        raise _bad_request("documentId and extensions.persistedQuery.sha256Hash name different documents")
    return next(iter(digests), None)


def _resolved(view: object, message: Any) -> Any:
    """``message`` with its payload's document resolved by the view's policy (a copy if it changed)."""
    policy = getattr(view, "documents", None)
    assert isinstance(policy, DocumentPolicy), "graphql_view gives every view its DocumentPolicy"
    payload = message["payload"]
    query = policy.resolve(payload.get("query"), payload.get("documentId"), payload.get("extensions"))
    return message if query is payload.get("query") else {**message, "payload": {**payload, "query": query}}


class TrustedTransportWSHandler(TransportWSHandler):
    """graphql-transport-ws: a subscribe message's document goes through the policy first."""

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        # Strawberry's own refusals (not acknowledged, an id in use) come first, as before.
        ready = self.connection_acknowledged and message["id"] not in self.operations
        if ready and isinstance(message.get("payload"), dict):
            try:
                message = _resolved(self.view, message)
            except DocumentRefused as refused:
                await self.send_message(
                    {"id": message["id"], "type": "error", "payload": [refused.formatted()]}
                )
                return
        await super().handle_subscribe(message)


class TrustedLegacyWSHandler(LegacyWSHandler):
    """graphql-ws: a start message's document goes through the policy first."""

    async def handle_start(self, message: StartMessage) -> None:
        if self.connection_acknowledged and isinstance(message.get("payload"), dict):
            try:
                message = _resolved(self.view, message)
            except DocumentRefused as refused:
                await self.send_message(
                    {"type": "error", "id": message["id"], "payload": refused.formatted()}
                )
                return
        await super().handle_start(message)
