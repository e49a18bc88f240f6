#!/usr/bin/env bash
# Builds a base image for Kubestead's container from Debian packages alone — for machines that reach a Debian
# mirror but no container registry. Debian bookworm, minbase, OpenJDK 17 JRE (headless), CA certificates, a user
# kubestead (uid 10001) and /var/lib/kubestead owned by it; written as a `docker save`-style tarball that Jib
# takes as its base:
#
#   image/debian-base.sh                        # once; prints the path of the tarball
#   ./mvnw package -DskipTests -Dquarkus.container-image.build=true \
#       -Dquarkus.jib.base-jvm-image=tar://$HOME/.cache/kubestead/debian-jre17-base.tar
#
# Needs root and mmdebstrap (apt-get install -y mmdebstrap).
set -euo pipefail

out="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/kubestead/debian-jre17-base.tar}"
suite="${DEBIAN_SUITE:-bookworm}"
command -v mmdebstrap >/dev/null || { echo "mmdebstrap is missing: apt-get install -y mmdebstrap" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$(dirname "$out")"

# documentation, manuals and locales are of no use in a server image (the JRE's alternatives still want man1)
mmdebstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --setup-hook='mkdir -p "$1/usr/share/man/man1"' \
  --customize-hook='chroot "$1" useradd --uid 10001 --gid 0 --home-dir /var/lib/kubestead --no-create-home --shell /usr/sbin/nologin kubestead' \
  --customize-hook='mkdir -p "$1/var/lib/kubestead" && chown 10001:0 "$1/var/lib/kubestead" && chmod 0770 "$1/var/lib/kubestead"' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/log/*' \
  "$suite" "$work/rootfs.tar"

python3 - "$work/rootfs.tar" "$out" "$suite" <<'PY'
import hashlib, io, json, sys, tarfile, time
rootfs, out, suite = sys.argv[1:]
digest = hashlib.sha256()
with open(rootfs, 'rb') as f:
    for chunk in iter(lambda: f.read(1 << 20), b''):
        digest.update(chunk)
diff_id = 'sha256:' + digest.hexdigest()
config = {
    'architecture': 'amd64', 'os': 'linux', 'created': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
    'config': {'Env': ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'LANG=C.UTF-8'],
               'User': '10001', 'WorkingDir': '/'},
    'rootfs': {'type': 'layers', 'diff_ids': [diff_id]},
    'history': [{'created_by': 'image/debian-base.sh: mmdebstrap ' + suite + ' + openjdk-17-jre-headless'}],
}
config_bytes = json.dumps(config).encode()
config_name = hashlib.sha256(config_bytes).hexdigest() + '.json'
layer_name = digest.hexdigest() + '/layer.tar'
manifest = [{'Config': config_name, 'RepoTags': ['kubestead-base:' + suite + '-jre17'], 'Layers': [layer_name]}]
with tarfile.open(out + '.part', 'w') as t:
    def add_bytes(name, data):
        info = tarfile.TarInfo(name)
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    add_bytes(config_name, config_bytes)
    t.add(rootfs, arcname=layer_name)
    add_bytes('manifest.json', json.dumps(manifest).encode())
import os
os.replace(out + '.part', out)
PY
echo "$out"
