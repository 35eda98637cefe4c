"""Records one custody step of a supply-chain batch with the Python SDK and prints the batch's verdict.

    PYTHONPATH=sdk/python /usr/bin/python3 examples/supply-chain/record_attestation.py \
        NAMESPACE BATCH PARTICIPANT ACTION KEY.pem [TO]

KEY.pem is the participant's ed25519 private key (PKCS#8, e.g. ``openssl genpkey -algorithm ed25519``); its
Participant must hold the matching public key. The envelope is DSSE over an in-toto Statement v1, as
docs/apps/supply-chain.md describes (Debian's python3-cryptography signs it).
"""

import base64
import hashlib
import json
import sys
import time
from datetime import datetime, timezone

from cryptography.hazmat.primitives import serialization

import entroos

GROUP, VERSION = "supplychain.entroos.io", "v1"
PAYLOAD_TYPE = "application/vnd.in-toto+json"


def main(namespace: str, batch_name: str, participant: str, action: str, key_file: str, to: str = "") -> int:
    with open(key_file, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    keyid = "sha256:" + hashlib.sha256(raw).hexdigest()

    client = entroos.Client()
    batches = client.resource(GROUP, VERSION, "batches")
    batch = batches.get(batch_name, namespace).dict()
    spec = batch["spec"]
    canonical = json.dumps(
        [namespace, batch_name, spec["product"], spec["producer"], spec["quantity"], spec["unit"], sorted(spec.get("inputs", []))],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    predicate = {"batch": batch_name, "participant": participant, "action": action,
                 "time": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")}
    if to:
        predicate["to"] = to
    if action == "process":  # a processing step names what it consumed: exactly the batch's declared inputs
        predicate["inputs"] = [{"name": name, "digest": {"sha256": ""}} for name in spec.get("inputs", [])]
    statement = {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": f"{namespace}/{batch_name}", "digest": {"sha256": hashlib.sha256(canonical.encode()).hexdigest()}}],
        "predicateType": "https://supplychain.entroos.io/custody/v1",
        "predicate": predicate,
    }
    payload = json.dumps(statement, separators=(",", ":")).encode()
    pae = b"DSSEv1 %d %s %d %s" % (len(PAYLOAD_TYPE), PAYLOAD_TYPE.encode(), len(payload), payload)
    envelope = {
        "payloadType": PAYLOAD_TYPE,
        "payload": base64.b64encode(payload).decode(),
        "signatures": [{"keyid": keyid, "sig": base64.b64encode(key.sign(pae)).decode()}],
    }
    before = len((batch.get("status") or {}).get("custody", []))
    # A forged or mis-signed envelope is refused with a 422 naming the problem (entroos.errors.ApiError).
    client.resource(GROUP, VERSION, "attestations").create(
        {"metadata": {"generateName": f"{batch_name}-{action}-"},
         "spec": {"batch": batch_name, "participant": participant, "action": action, "envelope": envelope}},
        namespace,
    )
    for _ in range(50):
        status = (batches.get(batch_name, namespace).dict().get("status") or {})
        if len(status.get("custody", [])) > before:
            print(f"{batch_name}: {status['phase']} — {status['reason']}")
            return 0 if status["phase"] == "Complete" else 1
        time.sleep(0.1)
    print("the batch was not re-evaluated in 5 s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    if len(sys.argv) < 6:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:7]))
