"""Media on S3-compatible storage through django-storages, against moto's S3 server on loopback:
an editor uploads an image in the admin, its renditions are rendered into the bucket and served
from it, and deleting the image removes its files."""

from __future__ import annotations

import io
import json

import boto3
import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import Collection
from wagtail.test.utils import WagtailTestUtils

pytestmark = [pytest.mark.ops, pytest.mark.django_db]

BUCKET = "magpie-media"


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A fresh bucket, and settings as production reads them from the environment."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    # Media is public (product photos): anyone may read, as the README's bucket policy says.
    public_read = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
        ],
    }
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(public_read))
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    settings.AWS_S3_ENDPOINT_URL = s3_endpoint
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_S3_ADDRESSING_STYLE = "path"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}}
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def png(size=(120, 80)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "#0b5d57").save(buffer, format="PNG")
    return buffer.getvalue()


def test_upload_render_and_delete_an_image_on_s3(client, store, bucket, django_capture_on_commit_callbacks):
    client.force_login(WagtailTestUtils.create_superuser("editor", "editor@example.com", "pw"))

    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Canvas tote",
            "file": SimpleUploadedFile("canvas-tote.png", png(), content_type="image/png"),
            "collection": Collection.get_first_root_node().pk,
        },
    )

    assert response.status_code == 302
    image = Image.objects.get(title="Canvas tote")
    assert keys(bucket) == {image.file.name}
    assert image.file.name.startswith("original_images/")

    renditions = [image.get_rendition(spec) for spec in ("fill-60x40", "width-30")]
    edit_page = client.get(reverse("wagtailimages:edit", args=[image.pk]))  # the admin renders one too

    assert edit_page.status_code == 200
    assert {r.file.name for r in renditions} <= keys(bucket)
    for rendition in renditions:
        assert rendition.url.startswith(f"{bucket.meta.endpoint_url}/{BUCKET}/images/")
        served = requests.get(rendition.url, timeout=15)
        assert served.status_code == 200
        assert PILImage.open(io.BytesIO(served.content)).size == (rendition.width, rendition.height)
    assert (renditions[0].width, renditions[0].height) == (60, 40)

    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.post(reverse("wagtailimages:delete", args=[image.pk]))

    assert deleted.status_code == 302
    assert not Image.objects.filter(pk=image.pk).exists()
    assert keys(bucket) == set()
