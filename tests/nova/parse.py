"""nova's reading of [pci] configuration, for the tests of nova-config and
export nova: each CONF file is loaded by oslo.config with nova's options
(device_spec, its old name passthrough_whitelist, alias), every device_spec
entry is parsed by nova.pci.devspec.PciDeviceSpec, the aliases by
nova.pci.request._get_alias_from_config and ALIAS_SPEC (a flavor's
pci_passthrough:alias value) by _translate_alias_to_requests.

Prints a JSON array with, per CONF: {"device_spec": [{"vendor_id",
"product_id", "address", "tags"}], "aliases": {NAME: [spec, ...]},
"requests": [{"alias_name", "count", "spec"}]}, or {"error": "Class:
message"} where nova refuses the configuration.
"""
import json
import sys

import nova.conf
from nova import exception
from nova import objects
from nova.pci import devspec
from nova.pci import request
from oslo_serialization import jsonutils


def address_text(spec):
    a = spec.address.pci_address_spec
    return "%s:%s:%s.%s" % (a.domain, a.bus, a.slot, a.func)


def read(conf_path, alias_spec):
    conf = nova.conf.CONF
    conf.reset()
    conf([], project="nova", default_config_files=[conf_path])
    try:
        specs = [devspec.PciDeviceSpec(jsonutils.loads(s)) for s in conf.pci.device_spec]
        aliases = request._get_alias_from_config()
        requests = request._translate_alias_to_requests(alias_spec)
    except exception.NovaException as e:
        return {"error": "%s: %s" % (type(e).__name__, e)}
    return {
        "device_spec": [
            {"vendor_id": s.vendor_id, "product_id": s.product_id, "address": address_text(s), "tags": s.tags}
            for s in specs
        ],
        "aliases": {name: specs for name, (_policy, specs) in aliases.items()},
        "requests": [{"alias_name": r.alias_name, "count": r.count, "spec": r.spec} for r in requests],
    }


def main(argv):
    objects.register_all()
    args = argv[1:]
    if not args or len(args) % 2:
        print("usage: parse.py CONF ALIAS_SPEC [CONF ALIAS_SPEC ...]", file=sys.stderr)
        return 2
    out = [read(args[i], args[i + 1]) for i in range(0, len(args), 2)]
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
