"""Converts one file with the file conversion app (Python SDK) and downloads the result.

    PYTHONPATH=sdk/python /usr/bin/python3 examples/convert/convert_file.py photo.jpg webp [WIDTH]

The upload speaks tus 1.0.0 through the SDK's HTTP client (the file is read 8 MiB at a time); the Conversion is a
custom resource in convert.entroos.io/v1 (docs/apps/convert.md).
"""

import base64
import os
import sys
import time

import entroos

CHUNK = 8 * 2**20
TUS = {"Tus-Resumable": "1.0.0"}


def upload(client: entroos.Client, path: str) -> str:
    name = os.path.basename(path)
    size = os.path.getsize(path)
    meta = "filename " + base64.b64encode(name.encode()).decode()
    created = client.http.post(
        "/apis/entroos.io/v1/files/uploads", headers={**TUS, "Upload-Length": str(size), "Upload-Metadata": meta}
    )
    created.raise_for_status()
    location = created.headers["location"]
    digest = created.headers.get("upload-digest", "")
    with open(path, "rb") as f:
        offset = 0
        while offset < size:
            f.seek(offset)
            res = client.http.patch(
                location,
                headers={**TUS, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"},
                content=f.read(CHUNK),
            )
            res.raise_for_status()
            offset = int(res.headers["upload-offset"])
            digest = res.headers.get("upload-digest", digest)
            print(f"\ruploaded {offset * 100 // max(size, 1)} %", end="", flush=True)
    print()
    return digest


def main(path: str, target: str, width: str = "") -> int:
    client = entroos.Client()
    digest = upload(client, path)
    conversions = client.resource("convert.entroos.io", "v1", "conversions")
    spec = {"input": {"digest": digest, "filename": os.path.basename(path)}, "target": target}
    if width:
        spec["options"] = {"width": int(width)}
    name = conversions.create({"metadata": {"generateName": "example-"}, "spec": spec}, "default").dict()["metadata"]["name"]
    while True:
        conversion = conversions.get(name, "default").dict()
        status = conversion.get("status") or {}
        print(f"\r{name}: {status.get('phase', 'Pending')} {status.get('progress', 0)} %  ", end="", flush=True)
        if status.get("phase") in ("Succeeded", "Failed"):
            break
        time.sleep(0.25)
    print()
    if status["phase"] == "Failed":
        print(f"{status['error']['reason']}: {status['error']['message']}", file=sys.stderr)
        return 1
    output = status["output"]
    with open(output["filename"], "wb") as f:
        f.write(client.http.get(f"/apis/entroos.io/v1/files/{output['digest']}").content)
    verdict = client.http.get(f"/apis/entroos.io/v1/namespaces/default/conversions/{name}/verify").json()
    print(f"{output['filename']} ({output['size']} bytes) on {status['node']}: {'verified' if verdict['valid'] else 'NOT verified'}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:4]))
