"""Where stored files' bytes live: a local folder (the default) or S3-compatible object storage (STORAGE_URL).

Both offer the same few operations on flat names (the random names of services/storage.py): put, get, exists,
delete, a listing with sizes and ages, and a download response. Objects are written once and never changed, so
several app hosts and the worker share one bucket with no coordination.

STORAGE_URL: `s3://bucket/prefix?endpoint=http://host:9000&region=cn-east-1`; endpoint and region may be left out
(AWS itself); the credentials come from boto3's usual places (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, …).
"""
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from flask import send_file

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Entry:
    name: str
    size: int
    modified: float  # seconds since the epoch


class Folder:
    """Files in a directory on this machine."""

    def __init__(self, root):
        self.root = Path(root)

    def put(self, name, data):
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / name).write_bytes(data)

    def get(self, name):
        """The bytes, or None when there is no such file."""
        try:
            return (self.root / name).read_bytes()
        except FileNotFoundError:
            return None

    def exists(self, name):
        return (self.root / name).is_file()

    def delete(self, name):
        (self.root / name).unlink(missing_ok=True)

    def listing(self):
        """Every file (one removed meanwhile by another request is skipped)."""
        found = []
        for path in self.root.iterdir() if self.root.is_dir() else ():
            try:
                info = path.stat()
            except FileNotFoundError:
                continue
            if stat.S_ISREG(info.st_mode):
                found.append(Entry(path.name, info.st_size, info.st_mtime))
        return found

    def send(self, name, **options):
        """A response with the file (send_file's options), or None when it is missing."""
        path = self.root / name
        return send_file(path, **options) if path.is_file() else None


class _Body:
    """An object's body as the plain file send_file streams in chunks (never read whole into memory)."""

    def __init__(self, body):
        self.body = body

    def read(self, size=CHUNK):
        return self.body.read(size)

    def close(self):
        self.body.close()


class Bucket:
    """Objects under a prefix of an S3-compatible bucket."""

    def __init__(self, url):
        parts = urlsplit(url)
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        self.bucket = parts.netloc
        self.prefix = parts.path.strip("/") + "/" if parts.path.strip("/") else ""
        self.client = _client(options.get("endpoint"), options.get("region"))

    def put(self, name, data):
        self.client.put_object(Bucket=self.bucket, Key=self.prefix + name, Body=data)

    def _object(self, name):
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.prefix + name)
        except self.client.exceptions.NoSuchKey:
            return None

    def get(self, name):
        found = self._object(name)
        return found["Body"].read() if found else None

    def exists(self, name):
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.prefix + name)
        except ClientError as error:
            if error.response["Error"]["Code"] in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True

    def delete(self, name):
        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + name)

    def listing(self):
        """The objects directly under the prefix (not those of a sub-prefix such as the temporaries')."""
        found = []
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix,
                                                                      Delimiter="/")
        for page in pages:
            for item in page.get("Contents", ()):
                found.append(Entry(item["Key"][len(self.prefix):], item["Size"], item["LastModified"].timestamp()))
        return found

    def send(self, name, **options):
        found = self._object(name)
        if found is None:
            return None
        response = send_file(_Body(found["Body"]), **options)
        response.content_length = found["ContentLength"]
        return response


@lru_cache(maxsize=8)
def _client(endpoint, region):
    """One boto3 client per endpoint (clients are thread-safe; making one costs ~50 ms)."""
    import boto3

    return boto3.session.Session().client("s3", endpoint_url=endpoint, region_name=region)


def open_store(location):
    """The store at `location`: an `s3://` URL, or a folder path."""
    location = str(location)
    return Bucket(location) if location.startswith("s3://") else Folder(location)


def under(url, name):
    """The location of a sub-prefix `name` of an `s3://` location (its query, the endpoint and region, kept)."""
    parts = urlsplit(url)
    return parts._replace(path=parts.path.rstrip("/") + f"/{name}/").geturl()
