"""The backup bucket: conditional writes, reads with their recorded checksum, listings. All S3 I/O is here.

Writes use ``If-None-Match: *`` (S3 conditional writes): if an object appeared under the key since we looked, S3
answers 412 and nothing is overwritten. Each object carries S3's own SHA-256 checksum (S3 rejects a body that does
not match it; object-lock buckets require one), SSE-KMS when a key is named (else the bucket's default
encryption), and metadata naming the run, the state version and the commit.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from tfc.errors import TfcError


class StoreError(TfcError):
    """S3 refused or failed a request (names the bucket and key, never a credential)."""


@dataclass(frozen=True, slots=True)
class Stored:
    body: bytes
    metadata: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class ListedObject:
    key: str
    last_modified: datetime
    size: int


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _status(exc: ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))


class BackupStore:
    def __init__(self, s3: Any, bucket: str, *, kms_key_id: str | None = None) -> None:
        self._s3 = s3
        self.bucket = bucket
        self._kms_key_id = kms_key_id
        self._lock = threading.Lock()
        self.requests = 0

    def _count(self) -> None:
        with self._lock:
            self.requests += 1

    def _fail(self, what: str, key: str, exc: ClientError) -> StoreError:
        return StoreError(f"s3://{self.bucket}/{key}: {what} failed ({_code(exc) or _status(exc)})")

    def _encryption(self) -> dict[str, str]:
        """SSE-KMS with the named key; else the bucket's default encryption (S3 encrypts every object since 2023,
        and naming AES256 here would override a bucket's SSE-KMS default with a weaker one)."""
        if self._kms_key_id:
            return {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": self._kms_key_id}
        return {}

    def head(self, key: str) -> Mapping[str, str] | None:
        """The object's metadata, or ``None`` when there is no object under the key."""
        self._count()
        try:
            response = self._s3.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _status(exc) == 404:
                return None
            raise self._fail("HEAD", key, exc) from None
        return dict(response.get("Metadata") or {})

    def put_new(self, key: str, body: bytes, sha256_hex: str, metadata: Mapping[str, str]) -> bool:
        """Write ``body`` only if no object exists under ``key``; False when one does (S3 answered 412)."""
        self._count()
        checksum = base64.b64encode(bytes.fromhex(sha256_hex)).decode()
        try:
            self._s3.put_object(
                Bucket=self.bucket, Key=key, Body=body, IfNoneMatch="*", ChecksumSHA256=checksum,
                ContentType="application/json", Metadata={**metadata, "sha256": sha256_hex}, **self._encryption(),
            )
        except ClientError as exc:
            if _status(exc) == 412 or _code(exc) == "PreconditionFailed":
                return False
            raise self._fail("PUT", key, exc) from None
        return True

    def _get_object(self, key: str) -> dict[str, Any] | None:
        """The GetObject answer, or ``None`` when there is no such object."""
        self._count()
        try:
            response: dict[str, Any] = self._s3.get_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if _status(exc) == 404 or _code(exc) == "NoSuchKey":
                return None
            raise self._fail("GET", key, exc) from None
        return response

    def get(self, key: str) -> Stored | None:
        response = self._get_object(key)
        if response is None:
            return None
        return Stored(response["Body"].read(), dict(response.get("Metadata") or {}))

    def read_json(self, key: str) -> tuple[dict[str, Any], str] | None:
        """A small JSON document and its ETag (for a conditional replace), or ``None``."""
        response = self._get_object(key)
        if response is None:
            return None
        try:
            document = json.loads(response["Body"].read())
        except ValueError:
            document = {}
        return (document if isinstance(document, dict) else {}), str(response["ETag"])

    def put_json(self, key: str, document: Mapping[str, Any], *, replacing: str | None) -> bool:
        """Write a small JSON document if the object is still the one read (ETag ``replacing``) or still absent."""
        self._count()
        condition = {"IfMatch": replacing} if replacing else {"IfNoneMatch": "*"}
        try:
            self._s3.put_object(Bucket=self.bucket, Key=key, Body=json.dumps(document, sort_keys=True).encode(),
                                ContentType="application/json", **condition, **self._encryption())
        except ClientError as exc:
            if _status(exc) in (409, 412) or _code(exc) in ("PreconditionFailed", "ConditionalRequestConflict"):
                return False
            raise self._fail("PUT", key, exc) from None
        return True

    def list(self, prefix: str) -> Iterator[ListedObject]:
        token: str | None = None
        while True:
            self._count()
            args: dict[str, Any] = {"Bucket": self.bucket, "Prefix": prefix}
            if token:
                args["ContinuationToken"] = token
            try:
                page = self._s3.list_objects_v2(**args)
            except ClientError as exc:
                raise self._fail("LIST", prefix, exc) from None
            for item in page.get("Contents") or ():
                yield ListedObject(str(item["Key"]), item["LastModified"], int(item.get("Size", 0)))
            token = page.get("NextContinuationToken") if page.get("IsTruncated") else None
            if not token:
                return
