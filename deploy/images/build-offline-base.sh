#!/usr/bin/env bash
# Assembles a Java 17 base image from the Debian mirror, as a `docker save` tarball, for Jib to build the service
# images on where no container registry can be reached (CI, this repository's build machines):
#
#   mvn -B -Pimages -Dimage.base=tar://$(deploy/images/build-offline-base.sh) package
#
# The image is Debian bookworm's Essential:yes packages plus openjdk-17-jre-headless, libturbojpeg0 (the worker's JPEG
# decoder) and their dependencies, installed by mmdebstrap from deb.debian.org (bookworm, -updates and -security), in one layer: no docs but copyright files,
# no man pages or translations, no device nodes and no files of the build machine (hostname, resolv.conf); the
# container runtime provides those. The user is set by each service image (Jib <container><user>), not here.
#
# Prints the tarball's absolute path on stdout. An existing tarball is reused; --rebuild makes a fresh one (it is
# never committed: target/ is ignored). Needs mmdebstrap (apt-get install mmdebstrap) and, simplest, root.
set -euo pipefail
cd "$(dirname "$0")/../.."

rebuild=false
if [ "${1:-}" = --rebuild ]; then rebuild=true; shift; fi
# The name says what is in it, so a tarball cached before a package was added is not reused.
out=$(realpath -m "${1:-target/offline-base/bookworm-jre17-turbojpeg.tar}")
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

if [ -f "$out" ] && [ "$rebuild" = false ]; then
  echo "$out"
  exit 0
fi
command -v mmdebstrap >/dev/null || { echo "build-offline-base.sh needs mmdebstrap (apt-get install mmdebstrap)" >&2; exit 1; }

mkdir -p "$(dirname "$out")"
work=$(mktemp -d "$(dirname "$out")/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
arch=$(dpkg --print-architecture)   # amd64 and arm64 are spelt the same by Debian and OCI

# openjdk's postinst registers its man page with update-alternatives, so the man1 directory must exist even though
# man pages are left out.
# libturbojpeg0: the inference worker decodes JPEG frames with libjpeg-turbo (ImageIO, several times slower, without).
mmdebstrap --variant=essential --include=openjdk-17-jre-headless,libturbojpeg0 \
  --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
  --customize-hook='rm -f "$1/etc/hostname" "$1/etc/resolv.conf"' \
  --skip=output/dev \
  bookworm "$work/rootfs.tar" \
  "deb $mirror bookworm main" "deb $mirror bookworm-updates main" "deb $security_mirror bookworm-security main" >&2

# docker save layout: manifest.json names the config and the layers; the config lists each layer's digest (diff_id).
diff_id=$(sha256sum "$work/rootfs.tar" | cut -d' ' -f1)
mkdir "$work/$diff_id"
mv "$work/rootfs.tar" "$work/$diff_id/layer.tar"
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# awk reads to the end rather than exit at the match: an early exit leaves tar writing into a closed pipe, and with
# pipefail its SIGPIPE (141) failed the script whenever the status file outlasted the pipe's buffer.
java_version=$(tar -xOf "$work/$diff_id/layer.tar" ./var/lib/dpkg/status \
  | awk '/^Package: openjdk-17-jre-headless$/ {p=1} p && !found && /^Version:/ {print $2; found=1}')
cat > "$work/config.json" <<JSON
{
  "architecture": "$arch",
  "os": "linux",
  "created": "$created",
  "config": {
    "Env": [
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "JAVA_HOME=/usr/lib/jvm/java-17-openjdk-$arch",
      "LANG=C.UTF-8"
    ],
    "Cmd": ["/bin/bash"],
    "Labels": {
      "org.opencontainers.image.title": "labelstream offline base",
      "org.opencontainers.image.description": "Debian bookworm (Essential:yes) + openjdk-17-jre-headless $java_version, by deploy/images/build-offline-base.sh"
    }
  },
  "rootfs": {"type": "layers", "diff_ids": ["sha256:$diff_id"]},
  "history": [{"created": "$created", "created_by": "mmdebstrap --variant=essential --include=openjdk-17-jre-headless,libturbojpeg0 bookworm"}]
}
JSON
config_digest=$(sha256sum "$work/config.json" | cut -d' ' -f1)
mv "$work/config.json" "$work/$config_digest.json"
printf '[{"Config":"%s.json","RepoTags":["labelstream/offline-base:bookworm-jre17"],"Layers":["%s/layer.tar"]}]\n' \
  "$config_digest" "$diff_id" > "$work/manifest.json"

tar -cf "$work/image.tar" -C "$work" manifest.json "$config_digest.json" "$diff_id/layer.tar"
mv "$work/image.tar" "$out"
echo "base image: openjdk-17-jre-headless $java_version on Debian bookworm, $(du -h "$out" | cut -f1) -> $out" >&2
echo "$out"
