"""Drives Alibaba's official Python SDK (alibabacloud-cams20200606) against cams-emulator.

Run by `cargo xtask interop`, which installs the SDK in a virtualenv, starts the emulator and
passes its address and keys in the environment. Every check prints one line; any failure makes
the exit status non-zero.
"""

import os
import sys
import traceback

from alibabacloud_cams20200606 import models as cams_models
from alibabacloud_cams20200606.client import Client
from alibabacloud_tea_openapi import utils_models as open_api_models
from alibabacloud_tea_openapi.utils import Utils

ENDPOINT = os.environ["CAMS_INTEROP_ENDPOINT"]  # host:port
KEY_ID = os.environ["CAMS_INTEROP_KEY_ID"]
KEY_SECRET = os.environ["CAMS_INTEROP_KEY_SECRET"]
STS_ID = os.environ["CAMS_INTEROP_STS_ID"]
STS_SECRET = os.environ["CAMS_INTEROP_STS_SECRET"]
STS_TOKEN = os.environ["CAMS_INTEROP_STS_TOKEN"]

failures = []


def check(name, condition, detail=""):
    if condition:
        print(f"PASS {name}")
    else:
        print(f"FAIL {name}: {detail}")
        failures.append(name)


def client(signature, key_id, secret, token=None):
    config = open_api_models.Config(
        access_key_id=key_id,
        access_key_secret=secret,
        security_token=token,
        endpoint=ENDPOINT,
        protocol="http",
    )
    if signature == "v1":
        # The official client's switch to the RPC signature V1 (HMAC-SHA1).
        config.signature_algorithm = "v2"
    return Client(config)


def error_of(call):
    """Runs `call`, expecting an exception; returns (code, status) or (None, None)."""
    try:
        call()
    except Exception as e:  # the SDK's ClientException carries code and status_code
        return getattr(e, "code", None), getattr(e, "status_code", None)
    return None, None


def lifecycle(label, api):
    name = "测试 a*b~c/d+e=f&g " + label
    created = api.create_instance(
        cams_models.CreateInstanceRequest(
            channel_type="whatsapp",
            instance_name=name,
            contact_mail="ops+waba@example.com",
            instance_description="",
        )
    ).body
    check(f"{label} CreateInstance", created.code == "OK" and created.data.instance_id, created.to_map())
    instance_id = created.data.instance_id
    check(f"{label} CreateInstance name round-trips", str(created.data.instance_name) == name, created.data.instance_name)

    queried = api.query_instance(cams_models.QueryInstanceRequest(instance_id=instance_id)).body
    check(
        f"{label} QueryInstance",
        queried.code == "OK" and queried.data.contact_mail == "ops+waba@example.com",
        queried.to_map(),
    )

    listed = api.list_instance(
        cams_models.ListInstanceRequest(channel_type="whatsapp", instance_id=instance_id, page_size=10, page_index=1, is_bind=False)
    ).body
    check(
        f"{label} ListInstance",
        listed.code == "OK" and listed.total_count == 1 and listed.data[0].instance_id == instance_id,
        listed.to_map(),
    )

    updated = api.update_instance(
        cams_models.UpdateInstanceRequest(instance_id=instance_id, instance_name="renamed", instance_description="d")
    ).body
    check(f"{label} UpdateInstance", updated.code == "OK" and updated.data.instance_name == "renamed", updated.to_map())

    deleted = api.delete_instance(cams_models.DeleteInstanceRequest(instance_id=instance_id)).body
    check(f"{label} DeleteInstance", deleted.code == "OK", deleted.to_map())

    # CAMS reports a missing instance in an HTTP 200 with Success false; the official SDK raises nothing.
    gone = api.query_instance(cams_models.QueryInstanceRequest(instance_id=instance_id)).body
    check(f"{label} QueryInstance after delete", gone.code == "Instance.NotExist" and gone.success is False, gone.to_map())


def main():
    for signature in ("v1", "v3"):
        lifecycle(f"{signature}/AK", client(signature, KEY_ID, KEY_SECRET))
        lifecycle(f"{signature}/STS", client(signature, STS_ID, STS_SECRET, STS_TOKEN))

        wrong = client(signature, KEY_ID, "not-the-secret")
        code, status = error_of(lambda: wrong.list_instance(cams_models.ListInstanceRequest()))
        check(f"{signature} wrong secret", (code, status) == ("SignatureDoesNotMatch", 400), (code, status))

        missing = client(signature, KEY_ID, KEY_SECRET)
        code, status = error_of(lambda: missing.query_instance(cams_models.QueryInstanceRequest()))
        check(f"{signature} missing InstanceId", (code, status) == ("MissingParameter", 400), (code, status))

        # Replay: pin the nonce the official client generates, and send twice.
        original = Utils.get_nonce
        Utils.get_nonce = staticmethod(lambda: f"interop-replayed-nonce-{signature}")
        try:
            api = client(signature, KEY_ID, KEY_SECRET)
            first = api.list_instance(cams_models.ListInstanceRequest()).body
            check(f"{signature} first use of a nonce", first.code == "OK", first.to_map())
            code, status = error_of(lambda: api.list_instance(cams_models.ListInstanceRequest()))
            check(f"{signature} replayed nonce", (code, status) == ("SignatureNonceUsed", 400), (code, status))
        finally:
            Utils.get_nonce = original

    if failures:
        print(f"{len(failures)} interop check(s) failed: {', '.join(failures)}")
        return 1
    print("all interop checks passed")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:
        traceback.print_exc()
        sys.exit(2)
