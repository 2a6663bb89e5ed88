#!/usr/bin/env bash
# Builds localhost/jiffyd:<version> and localhost/jiffy-sluggo:<version> from
# docker/Dockerfile with podman (rootful, vfs storage, runc, host network, no
# registry: run docker/build-base.sh first) or, with CONTAINER_CLI=docker, with
# Docker.
#   docker/build-images.sh                 packages built in the image from the sources
#   docker/build-images.sh --debs DIR      packages `make packages` left in DIR (faster)
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^project(JiffyCpp VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
cli=${CONTAINER_CLI:-podman}
if [ "$cli" = podman ]; then
  # --format docker: OCI images have no HEALTHCHECK. --skip-unused-stages=false: see the Dockerfile.
  build=(podman --storage-driver vfs --runtime runc build --network host --pull=never --format docker
    --skip-unused-stages=false)
else
  build=("$cli" build)
fi
args=()
if [ "${1:-}" = "--debs" ]; then
  dir=$(realpath --relative-to=. "${2:?--debs needs a directory}")
  case "$dir" in ../*|/*) echo "build-images: $2 must be inside the repository (the build context)" >&2; exit 64 ;; esac
  ls "$dir"/jiffyd_*.deb >/dev/null || { echo "build-images: no jiffyd_*.deb in $dir (make packages)" >&2; exit 66; }
  args=(--build-arg DEBS_FROM=prebuilt --build-arg "DEBS_DIR=$dir")
  echo "build-images: runtime stages install the packages in $dir"
else
  echo "build-images: building the packages from the sources inside the build stage"
fi
for target in jiffyd jiffy-sluggo; do
  t0=$(date +%s)
  echo "build-images: localhost/$target:$version"
  "${build[@]}" -f docker/Dockerfile --target "$target" "${args[@]}" \
    -t "localhost/$target:$version" -t "localhost/$target:latest" . >"/tmp/build-images-$target.log" 2>&1 \
    || { tail -40 "/tmp/build-images-$target.log"; exit 1; }
  echo "build-images:   ... $(( $(date +%s) - t0 )) s"
done
