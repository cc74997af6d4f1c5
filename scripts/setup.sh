#!/bin/bash
# Installs the Debian packages cvisor's build, tests and benchmarks need. Idempotent:
# runs apt-get only when something is missing. Nothing is fetched outside Debian's archive.
set -euo pipefail
PKGS=(gcc make pkg-config libseccomp-dev libunwind-dev libjansson-dev libcmocka-dev
      busybox-static python3 perl git sqlite3 tmux iproute2 gnuplot-nox hyperfine
      runsc proot valgrind docker.io golang-go less vim iputils-ping clang libclang-rt-14-dev jq)
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "setup: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq "${missing[@]}" >/dev/null
fi
echo "setup: all build and test packages present"
